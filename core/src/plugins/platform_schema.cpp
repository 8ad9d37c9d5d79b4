#include <dlaunch/core/platform_schema.hpp>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace dlaunch {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

rapidjson::Value text(const std::string& s, Allocator& a) { return rapidjson::Value(s.c_str(), a); }

// The JSON Schema of one option type (the host's own check: validation/platform_options.cpp).
rapidjson::Value type_schema(OptionType type, Allocator& a) {
  rapidjson::Value schema(rapidjson::kObjectType);
  auto typed = [&](rapidjson::Value& target, const char* name) { target.AddMember("type", rapidjson::StringRef(name), a); };
  switch (type) {
    case OptionType::kString:
      typed(schema, "string");
      break;
    case OptionType::kInteger:
      typed(schema, "integer");
      break;
    case OptionType::kNumber:
      typed(schema, "number");
      break;
    case OptionType::kBoolean:
      typed(schema, "boolean");
      break;
    case OptionType::kStringArray: {
      typed(schema, "array");
      rapidjson::Value items(rapidjson::kObjectType);
      typed(items, "string");
      schema.AddMember("items", items, a);
      break;
    }
    case OptionType::kStringTable: {
      typed(schema, "object");
      rapidjson::Value values(rapidjson::kObjectType);
      typed(values, "string");
      schema.AddMember("additionalProperties", values, a);
      break;
    }
    case OptionType::kAny:
      break;
  }
  return schema;
}

rapidjson::Value platform_schema(const PluginManifest& m, Allocator& a) {
  rapidjson::Value properties(rapidjson::kObjectType);
  rapidjson::Value required(rapidjson::kArrayType);
  for (const auto& o : m.options) {
    rapidjson::Value option = type_schema(o.type, a);
    option.AddMember("description", text(o.help, a), a);
    if (!o.default_json.empty()) {
      rapidjson::Document value(&a);
      value.Parse(o.default_json.c_str());
      if (!value.HasParseError()) option.AddMember("default", rapidjson::Value(value, a), a);
    }
    if (o.required) required.PushBack(text(o.name, a), a);
    properties.AddMember(text(o.name, a), option, a);
  }
  rapidjson::Value schema(rapidjson::kObjectType);
  schema.AddMember("type", "object", a);
  schema.AddMember("description", text("Options of the '" + m.id + "' platform: " + m.description, a), a);
  schema.AddMember("additionalProperties", false, a);
  schema.AddMember("properties", properties, a);
  if (!required.Empty()) schema.AddMember("required", required, a);
  return schema;
}

// The alternative of "platform" that is a table of option tables, or nullptr.
rapidjson::Value* tables_alternative(rapidjson::Document& doc) {
  if (!doc.IsObject() || !doc.HasMember("properties") || !doc["properties"].IsObject()) return nullptr;
  auto& properties = doc["properties"];
  if (!properties.HasMember("platform") || !properties["platform"].IsObject()) return nullptr;
  auto& platform = properties["platform"];
  if (!platform.HasMember("oneOf") || !platform["oneOf"].IsArray()) return nullptr;
  for (auto& alternative : platform["oneOf"].GetArray()) {
    if (alternative.IsObject() && alternative.HasMember("type") && alternative["type"] == "object") return &alternative;
  }
  return nullptr;
}

}  // namespace

std::string schema_with_platform_options(std::string_view base, const std::vector<PluginManifest>& plugins) {
  rapidjson::Document doc;
  doc.Parse(base.data(), base.size());
  if (doc.HasParseError()) return std::string(base);
  if (rapidjson::Value* tables = tables_alternative(doc)) {
    auto& a = doc.GetAllocator();
    if (!tables->HasMember("properties")) tables->AddMember("properties", rapidjson::Value(rapidjson::kObjectType), a);
    auto& properties = (*tables)["properties"];
    for (const auto& m : plugins) {
      if (m.declares_options && !properties.HasMember(m.id.c_str())) {
        properties.AddMember(text(m.id, a), platform_schema(m, a), a);
      }
    }
  }
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  doc.Accept(writer);
  return std::string(buffer.GetString()) + "\n";
}

}  // namespace dlaunch
