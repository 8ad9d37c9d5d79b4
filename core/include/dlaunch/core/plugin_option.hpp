// One option of a plugin's [platform.<id>] table, in the core's own terms. A plugin declares its options once
// (plugins/<id>/options.json); dlaunch_add_plugin writes them into the manifest, which the host reads without
// loading any code, and into the plugin's C table, which the host checks against the manifest at load.
#ifndef DLAUNCH_CORE_PLUGIN_OPTION_HPP_
#define DLAUNCH_CORE_PLUGIN_OPTION_HPP_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

enum class OptionType { kString, kInteger, kNumber, kBoolean, kStringArray, kStringTable, kAny };

struct PlatformOption {
  std::string name;
  OptionType type = OptionType::kString;
  bool required = false;
  bool secret = false;
  std::string default_json;  // empty: no default
  std::string help;
};

// For messages: "string", "string array", ...
const char* option_type_name(OptionType type);
// The manifest's spelling ("string", "string_array", ...), and back; nullopt for a name this dlaunch does not
// know.
const char* option_type_key(OptionType type);
std::optional<OptionType> option_type_from_key(std::string_view key);

// The first way `table` (what the plugin's code declares) differs from `manifest` (what its manifest says),
// or nullopt when they agree on every name, type, flag, default (compared as JSON values) and help, in order.
std::optional<std::string> first_option_difference(const std::vector<PlatformOption>& manifest,
                                                   const std::vector<PlatformOption>& table);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLUGIN_OPTION_HPP_
