#include <dlaunch/core/plugin_option.hpp>

#include <rapidjson/document.h>

#include <array>
#include <utility>

namespace dlaunch {
namespace {

struct TypeNames {
  OptionType type;
  const char* key;
  const char* name;
};

constexpr std::array<TypeNames, 7> kTypes{{
    {OptionType::kString, "string", "string"},
    {OptionType::kInteger, "integer", "integer"},
    {OptionType::kNumber, "number", "number"},
    {OptionType::kBoolean, "boolean", "boolean"},
    {OptionType::kStringArray, "string_array", "string array"},
    {OptionType::kStringTable, "string_table", "string table"},
    {OptionType::kAny, "any", "any"},
}};

const TypeNames& names_of(OptionType type) { return kTypes[static_cast<size_t>(type)]; }

// Defaults are JSON texts written by different hands (the generator, a C literal): "1.0" and "1", or
// {"a":1,"b":2} in another order, are the same default.
bool same_default(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a == b;
  rapidjson::Document x, y;
  x.Parse(a.c_str());
  y.Parse(b.c_str());
  if (x.HasParseError() || y.HasParseError()) return a == b;
  return x == y;
}

std::string default_text(const std::string& json) { return json.empty() ? "none" : json; }

std::string flag_text(bool value) { return value ? "true" : "false"; }

}  // namespace

const char* option_type_name(OptionType type) { return names_of(type).name; }

const char* option_type_key(OptionType type) { return names_of(type).key; }

std::optional<OptionType> option_type_from_key(std::string_view key) {
  for (const auto& t : kTypes) {
    if (key == t.key) return t.type;
  }
  return std::nullopt;
}

std::optional<std::string> first_option_difference(const std::vector<PlatformOption>& manifest,
                                                   const std::vector<PlatformOption>& table) {
  for (size_t i = 0; i < manifest.size() || i < table.size(); ++i) {
    const std::string position = "option " + std::to_string(i + 1);
    if (i >= table.size()) return position + " '" + manifest[i].name + "' is in the manifest, not in the table";
    if (i >= manifest.size()) return position + " '" + table[i].name + "' is in the table, not in the manifest";
    const PlatformOption& m = manifest[i];
    const PlatformOption& t = table[i];
    auto differs = [&](const std::string& what, const std::string& in_manifest, const std::string& in_table) {
      return "option '" + m.name + "': the manifest says " + what + " " + in_manifest + ", the table " + in_table;
    };
    if (m.name != t.name) return position + " is '" + m.name + "' in the manifest but '" + t.name + "' in the table";
    if (m.type != t.type) return differs("type", option_type_key(m.type), option_type_key(t.type));
    if (m.required != t.required) return differs("required", flag_text(m.required), flag_text(t.required));
    if (m.secret != t.secret) return differs("secret", flag_text(m.secret), flag_text(t.secret));
    if (!same_default(m.default_json, t.default_json)) {
      return differs("default", default_text(m.default_json), default_text(t.default_json));
    }
    if (m.help != t.help) return differs("help", "\"" + m.help + "\"", "\"" + t.help + "\"");
  }
  return std::nullopt;
}

}  // namespace dlaunch
