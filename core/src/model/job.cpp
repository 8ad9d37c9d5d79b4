#include <dlaunch/core/job.hpp>

#include <charconv>
#include <cmath>
#include <string_view>

namespace dlaunch {

std::vector<std::string> shell_entrypoint(const std::string& command) { return {"/bin/sh", "-c", command}; }

std::string effective_platform(const Job& job, const std::string& platform_override) {
  if (!platform_override.empty()) return platform_override;
  if (!job.platform.empty()) return job.platform;
  return "local";
}

std::optional<int64_t> parse_memory_bytes(const std::string& quantity) {
  struct Unit {
    std::string_view suffix;
    double factor;
  };
  // Binary units first so "Mi" is not read as "M" followed by garbage.
  static constexpr Unit kUnits[] = {{"Ki", 1024.0}, {"Mi", 1024.0 * 1024}, {"Gi", 1024.0 * 1024 * 1024},
                                    {"Ti", 1024.0 * 1024 * 1024 * 1024}, {"K", 1e3}, {"M", 1e6},
                                    {"G", 1e9}, {"T", 1e12}};
  std::string_view text(quantity);
  for (const auto& unit : kUnits) {
    if (text.size() <= unit.suffix.size() || !text.ends_with(unit.suffix)) continue;
    std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    double value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || end != number.data() + number.size() || !(value > 0) || !std::isfinite(value)) {
      return std::nullopt;
    }
    return static_cast<int64_t>(std::llround(value * unit.factor));
  }
  return std::nullopt;
}

}  // namespace dlaunch
