// Checks a [platform.<id>] table against the options that plugin declares: unknown names (with
// did-you-mean), types, required options. The plugin's own checks run after, through the ABI.
#include <dlaunch/core/plugin_option.hpp>
#include <dlaunch/core/validation.hpp>

#include <dlaunch/core/did_you_mean.hpp>

namespace dlaunch {
bool option_value_matches(const Value& v, OptionType type) {
  switch (type) {
    case OptionType::kString:
      return v.is_string();
    case OptionType::kInteger:
      return v.is_integer();
    case OptionType::kNumber:
      return v.is_number();
    case OptionType::kBoolean:
      return v.is_bool();
    case OptionType::kStringArray:
      if (!v.is_array()) return false;
      for (const auto& item : v.items()) {
        if (!item.is_string()) return false;
      }
      return true;
    case OptionType::kStringTable:
      if (!v.is_table()) return false;
      for (const auto& m : v.members()) {
        if (!m.value.is_string()) return false;
      }
      return true;
    case OptionType::kAny:
      return true;
  }
  return true;
}

Diagnostics check_platform_options(const Value* table, const std::string& platform_id,
                                   const std::vector<PlatformOption>& declared) {
  Diagnostics out;
  const std::string prefix = "platform." + platform_id;
  std::vector<std::string> names;
  for (const auto& option : declared) names.push_back(option.name);
  if (table != nullptr) {
    for (const auto& m : table->members()) {
      const PlatformOption* option = nullptr;
      for (const auto& o : declared) {
        if (o.name == m.key) option = &o;
      }
      const std::string path = prefix + "." + m.key;
      if (option == nullptr) {
        std::string hint = did_you_mean(m.key, names);
        out.push_back(Diagnostic{Severity::kError, path, m.key_location,
                                 "unknown option '" + m.key + "' for platform '" + platform_id + "'",
                                 hint.empty() ? "see: dlaunch plugins info " + platform_id : hint});
      } else if (!option_value_matches(m.value, option->type)) {
        out.push_back(Diagnostic{Severity::kError, path, m.value.location(),
                                 "option '" + m.key + "' of platform '" + platform_id + "' must be of type " +
                                     option_type_name(option->type) + ", got " + m.value.kind_name(),
                                 option->help});
      }
    }
  }
  for (const auto& option : declared) {
    if (option.required && (table == nullptr || table->find(option.name) == nullptr)) {
      out.push_back(Diagnostic{Severity::kError, prefix + "." + option.name,
                               table != nullptr ? table->location() : SourceLocation{},
                               "platform '" + platform_id + "' needs option '" + option.name + "'", option.help});
    }
  }
  return out;
}

}  // namespace dlaunch
