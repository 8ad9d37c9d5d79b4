#include <dlaunch/core/job.hpp>

#include <charconv>
#include <cmath>
#include <iterator>
#include <string_view>
#include <utility>

namespace dlaunch {

std::vector<std::string> shell_entrypoint(const std::string& command) { return {"/bin/sh", "-c", command}; }

std::vector<std::string> module_entrypoint(const std::string& python, const std::string& module,
                                           const std::vector<std::string>& args) {
  std::vector<std::string> argv{python, "-m", module};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

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

std::optional<int64_t> parse_duration_seconds(const std::string& text) {
  static constexpr std::pair<char, int64_t> kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  std::string_view rest(text);
  int64_t total = 0;
  size_t next_unit = 0;  // units come largest first, each once: "1h30m", not "30m1h"
  if (rest.empty()) return std::nullopt;
  while (!rest.empty()) {
    int64_t amount = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), amount);
    if (ec != std::errc() || end == rest.data() + rest.size() || amount < 0) return std::nullopt;
    const char unit = *end;
    size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].first != unit) ++u;
    if (u == std::size(kUnits)) return std::nullopt;
    // Bounded well below int64_t's range: a year of seconds is 3.2e7.
    if (amount > 1'000'000'000 || total > 1'000'000'000'000) return std::nullopt;
    total += amount * kUnits[u].second;
    next_unit = u + 1;
    rest.remove_prefix(static_cast<size_t>(end - rest.data()) + 1);
  }
  return total;
}

}  // namespace dlaunch
