// `dlaunch schema`: the JSON Schema of job specs, generated from the field table (job_fields.hpp).
#include <dlaunch/core/job_schema.hpp>
#include <dlaunch/job_fields.hpp>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <span>
#include <string>
#include <string_view>

#include "model/field_defaults.hpp"

namespace dlaunch {
namespace {

using job_fields::Constraint;
using job_fields::Field;
using job_fields::Kind;
using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

constexpr std::string_view kDnsLabel = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";
constexpr std::string_view kEnvName = "^[A-Za-z_][A-Za-z0-9_]*$";
constexpr std::string_view kMemory = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)$";
constexpr std::string_view kDuration = "^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void text(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void type(Writer& w, std::string_view name) {
  key(w, "type");
  text(w, name);
}
// An array of at least one item; the caller writes the items' schema next.
void non_empty_array(Writer& w) {
  type(w, "array");
  key(w, "minItems");
  w.Int(1);
  key(w, "items");
}
void object_of_strings(Writer& w) {
  type(w, "object");
  key(w, "additionalProperties");
  w.StartObject();
  type(w, "string");
  w.EndObject();
}

// `more` writes properties that are not fields of the job (the spec's [sweep]).
void properties(Writer& w, std::span<const Field> table, void (*more)(Writer&) = nullptr);

// Opens an object schema that allows no other keys and requires `required`, and its "properties" object:
// the caller writes the properties, then closes both objects.
void start_closed_object(Writer& w, const char* required) {
  w.StartObject();
  type(w, "object");
  key(w, "additionalProperties");
  w.Bool(false);
  key(w, "required");
  w.StartArray();
  text(w, required);
  w.EndArray();
  key(w, "properties");
  w.StartObject();
}

// entrypoint = { module = "pkg.train", args = [...], python = "python3" }
void module_entrypoint_schema(Writer& w) {
  start_closed_object(w, "module");
  key(w, "module");
  w.StartObject();
  type(w, "string");
  key(w, "pattern");
  text(w, "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$");
  w.EndObject();
  key(w, "args");
  w.StartObject();
  type(w, "array");
  key(w, "items");
  w.StartObject();
  type(w, "string");
  w.EndObject();
  w.EndObject();
  key(w, "python");
  w.StartObject();
  type(w, "string");
  key(w, "default");
  text(w, "python3");
  w.EndObject();
  w.EndObject();
  w.EndObject();
}

// The members of a table kind's schema: its properties, which of them are required, no others.
void table_body(Writer& w, std::span<const Field> table, void (*more)(Writer&) = nullptr) {
  type(w, "object");
  key(w, "additionalProperties");
  w.Bool(false);
  bool any_required = false;
  for (const Field& f : table) any_required = any_required || f.constraint.type == Constraint::Type::kRequired;
  if (any_required) {
    key(w, "required");
    w.StartArray();
    for (const Field& f : table) {
      if (f.constraint.type == Constraint::Type::kRequired) text(w, f.key);
    }
    w.EndArray();
  }
  properties(w, table, more);
}

// [sweep]: each key (an environment variable or a spec path, sweep.hpp) takes a non-empty list of values.
void sweep_property(Writer& w) {
  key(w, "sweep");
  w.StartObject();
  key(w, "description");
  text(w, "one job per combination of these values: KEY = [values], KEY an environment variable name or a spec "
          "path with dots");
  type(w, "object");
  key(w, "additionalProperties");
  w.StartObject();
  non_empty_array(w);
  w.StartObject();
  key(w, "type");
  w.StartArray();
  for (const char* type : {"string", "number", "boolean"}) text(w, type);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.EndObject();
}

void kind_schema(Writer& w, const Field& f) {
  switch (f.kind) {
    case Kind::kString:
    case Kind::kDirectory:
    case Kind::kSpecFile:
      type(w, "string");
      break;
    case Kind::kName:
      type(w, "string");
      key(w, "pattern");
      text(w, kDnsLabel);
      break;
    case Kind::kInteger:
    case Kind::kOptionalInteger:
    case Kind::kMinReplicas:
    case Kind::kRoleRestarts:
      type(w, "integer");
      break;
    case Kind::kDuration:
      key(w, "oneOf");
      w.StartArray();
      w.StartObject();
      type(w, "string");
      key(w, "pattern");
      text(w, kDuration);
      w.EndObject();
      w.StartObject();
      type(w, "integer");
      w.EndObject();
      w.EndArray();
      break;
    case Kind::kConfig:
      type(w, "object");
      break;
    case Kind::kNumber:
    case Kind::kGpu:
    case Kind::kGpuShare:
      type(w, "number");
      break;
    case Kind::kColocations:
      type(w, "array");
      key(w, "items");
      start_closed_object(w, "roles");
      key(w, "roles");
      w.StartObject();
      type(w, "array");
      key(w, "minItems");
      w.Int(2);
      key(w, "items");
      w.StartObject();
      type(w, "string");
      w.EndObject();
      w.EndObject();
      w.EndObject();
      w.EndObject();
      break;
    case Kind::kChoice:
      key(w, "enum");
      w.StartArray();
      job_fields::for_each_choice(f.constraint.choices, [&](std::string_view choice) { text(w, choice); });
      w.EndArray();
      break;
    case Kind::kEnv:
      object_of_strings(w);
      key(w, "propertyNames");
      w.StartObject();
      key(w, "pattern");
      text(w, kEnvName);
      w.EndObject();
      break;
    case Kind::kStringMap:
      object_of_strings(w);
      break;
    case Kind::kArgv:
      key(w, "oneOf");
      w.StartArray();
      module_entrypoint_schema(w);
      w.StartObject();
      type(w, "string");
      key(w, "minLength");
      w.Int(1);
      w.EndObject();
      w.StartObject();
      non_empty_array(w);
      w.StartObject();
      type(w, "string");
      w.EndObject();
      w.EndObject();
      w.EndArray();
      break;
    case Kind::kMemory:
      type(w, "string");
      key(w, "pattern");
      text(w, kMemory);
      break;
    case Kind::kDriver:
      type(w, "boolean");
      break;
    case Kind::kPlatform:
      key(w, "oneOf");
      w.StartArray();
      w.StartObject();
      type(w, "string");
      w.EndObject();
      w.StartObject();
      type(w, "object");
      // [platform] name = "ray" beside [platform.ray]: TOML cannot give `platform` a string and tables at once.
      key(w, "properties");
      w.StartObject();
      key(w, "name");
      w.StartObject();
      type(w, "string");
      key(w, "description");
      text(w, "the platform id, where the platform table also holds option tables");
      w.EndObject();
      w.EndObject();
      key(w, "additionalProperties");
      w.StartObject();
      type(w, "object");
      w.EndObject();
      w.EndObject();
      w.EndArray();
      break;
    case Kind::kFailover:
    case Kind::kResources:
      table_body(w, job_fields::fields_of(f.kind));
      break;
    case Kind::kRoles:
      non_empty_array(w);
      w.StartObject();
      table_body(w, job_fields::kRoleFields);
      w.EndObject();
      break;
  }
}

void constraint_schema(Writer& w, const Constraint& c) {
  if (c.type == Constraint::Type::kAtLeast) {
    key(w, "minimum");
    w.Int64(c.bound);
  } else if (c.type == Constraint::Type::kAbove) {
    key(w, "exclusiveMinimum");
    w.Int64(c.bound);
  }
}

void properties(Writer& w, std::span<const Field> table, void (*more)(Writer&)) {
  key(w, "properties");
  w.StartObject();
  for (const Field& f : table) {
    if (f.key.empty()) continue;  // document-only
    key(w, f.key);
    w.StartObject();
    key(w, "description");
    text(w, f.doc);
    kind_schema(w, f);
    constraint_schema(w, f.constraint);
    const std::string def = f.kind == Kind::kMemory ? std::string() : default_json(table, f);
    if (!def.empty()) {
      key(w, "default");
      w.RawValue(def.c_str(), def.size(), rapidjson::kNullType);
    }
    w.EndObject();
  }
  if (more != nullptr) more(w);
  w.EndObject();
}

}  // namespace

std::string job_json_schema() {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "$schema");
  text(w, "https://json-schema.org/draft/2020-12/schema");
  key(w, "title");
  text(w, "dlaunch job spec");
  table_body(w, job_fields::kJobFields, sweep_property);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace dlaunch
