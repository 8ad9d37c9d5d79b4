#include <dlaunch/core/config.hpp>
#include <dlaunch/core/spec_loader.hpp>

#include <cstdlib>

#include <dlaunch/core/did_you_mean.hpp>

namespace dlaunch {

std::filesystem::path default_config_file() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::filesystem::path(xdg) / "dlaunch" / "config.toml";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "/tmp") / ".config" / "dlaunch" / "config.toml";
}

Result<void> load_config(const std::filesystem::path& file, bool required, OrchestratorSettings& settings) {
  const auto invalid = [&file](Diagnostics problems) {
    return std::unexpected(Error{ErrorCode::kInvalidArgument, "invalid configuration file " + file.string(),
                                 std::move(problems)});
  };
  std::error_code ec;
  if (!required && !std::filesystem::exists(file, ec)) return {};
  auto tree = load_spec_file(file.string());
  if (!tree) {
    Diagnostics problems = tree.error().diagnostics;
    if (tree.error().code == ErrorCode::kUnreadable) {
      for (auto& d : problems) d.message = "configuration file: " + d.message;
    }
    return invalid(std::move(problems));
  }
  Diagnostics problems;
  auto error = [&](const std::string& path, const SourceLocation& where, std::string message, std::string hint = {}) {
    problems.push_back(Diagnostic{Severity::kError, path, where, std::move(message), std::move(hint)});
  };
  for (const auto& m : tree->members()) {
    if (m.key == "plugin_dirs" && m.value.is_array()) {
      for (const auto& dir : m.value.items()) {
        if (dir.is_string()) {
          settings.plugin_dirs.push_back(dir.as_string());
        } else {
          error("plugin_dirs", dir.location(), "plugin_dirs must hold strings");
        }
      }
    } else if (m.key == "platform" && m.value.is_table()) {
      for (const auto& platform : m.value.members()) {
        if (platform.value.is_table()) {
          settings.platform_defaults[platform.key] = platform.value;
        } else {
          error("platform." + platform.key, platform.value.location(), "[platform." + platform.key + "] must be a table");
        }
      }
    } else if (m.key == "settle_grace_seconds") {
      if (m.value.is_integer() && m.value.as_integer() >= 0 && m.value.as_integer() <= 86'400) {
        settings.settle_grace = std::chrono::seconds(m.value.as_integer());
      } else {
        error(m.key, m.value.location(), "settle_grace_seconds must be an integer from 0 to 86400");
      }
    } else {
      error(m.key, m.key_location, "unknown or mistyped key '" + m.key + "' in the dlaunch configuration",
            did_you_mean(m.key, {"plugin_dirs", "platform", "settle_grace_seconds"}));
    }
  }
  if (!problems.empty()) return invalid(std::move(problems));
  return {};
}

}  // namespace dlaunch
