#include <dlaunch/core/job_document.hpp>
#include <dlaunch/plugin.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>

namespace dlaunch {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_value(JsonWriter& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      w.Null();
      break;
    case Value::Kind::kBool:
      w.Bool(v.as_bool());
      break;
    case Value::Kind::kInteger:
      w.Int64(v.as_integer());
      break;
    case Value::Kind::kFloat:
      w.Double(v.as_number());
      break;
    case Value::Kind::kString:
      w.String(v.as_string().c_str(), static_cast<rapidjson::SizeType>(v.as_string().size()));
      break;
    case Value::Kind::kArray:
      w.StartArray();
      for (const auto& item : v.items()) write_value(w, item);
      w.EndArray();
      break;
    case Value::Kind::kTable:
      w.StartObject();
      for (const auto& m : v.members()) {
        w.Key(m.key.c_str(), static_cast<rapidjson::SizeType>(m.key.size()));
        write_value(w, m.value);
      }
      w.EndObject();
      break;
  }
}

void write_string(JsonWriter& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_map(JsonWriter& w, const EnvMap& map) {
  w.StartObject();
  for (const auto& [k, v] : map) {
    write_string(w, k);
    write_string(w, v);
  }
  w.EndObject();
}

std::string absolute_working_dir(const Job& job) {
  std::filesystem::path base = job.spec_file.empty() ? std::filesystem::current_path()
                                                      : std::filesystem::absolute(job.spec_file).parent_path();
  std::string dir = (base / job.working_dir).lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();  // "spec_dir/." normalizes to "spec_dir/"
  return dir;
}

}  // namespace

std::string to_json(const Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_value(w, value);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string platform_options_json(const Job& job, const std::string& platform_id,
                                  const std::vector<PlatformOption>& declared) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  auto given = job.platform_options.find(platform_id);
  const Value* table = given != job.platform_options.end() ? &given->second : nullptr;
  if (table != nullptr) {
    for (const auto& m : table->members()) {
      write_string(w, m.key);
      write_value(w, m.value);
    }
  }
  for (const auto& option : declared) {
    if (option.default_json.empty() || (table != nullptr && table->find(option.name) != nullptr)) continue;
    write_string(w, option.name);
    w.RawValue(option.default_json.c_str(), option.default_json.size(), rapidjson::kNullType);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string redacted_options_json(const std::string& options_json, const std::vector<PlatformOption>& declared) {
  rapidjson::Document doc;
  doc.Parse(options_json.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return "{}";
  for (const auto& option : declared) {
    auto it = doc.FindMember(option.name.c_str());
    const bool has_value = it != doc.MemberEnd() && !(it->value.IsString() && it->value.GetStringLength() == 0);
    if (option.secret && has_value) it->value.SetString("***");
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  doc.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string job_document(const Job& job, const std::string& options_json) {
  bool any_driver = false;
  for (const auto& role : job.roles) any_driver = any_driver || role.driver.value_or(false);

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("schema_version");
  w.Int(DLAUNCH_JOB_SCHEMA_VERSION);
  w.Key("name");
  write_string(w, job.name);
  w.Key("spec_file");
  write_string(w, job.spec_file.empty() ? std::string() : std::filesystem::absolute(job.spec_file).string());
  w.Key("node_num");
  w.Int64(job.node_num);
  w.Key("device_per_node");
  w.Int64(job.device_per_node.value_or(0));
  w.Key("device_type");
  write_string(w, job.device_type);
  w.Key("working_dir");
  write_string(w, absolute_working_dir(job));
  w.Key("env");
  write_map(w, job.env);
  w.Key("labels");
  write_map(w, job.labels);
  w.Key("failover");
  w.StartObject();
  w.Key("max_restarts");
  w.Int64(job.failover.max_restarts);
  w.EndObject();
  w.Key("roles");
  w.StartArray();
  for (const auto& role : job.roles) {
    w.StartObject();
    w.Key("name");
    write_string(w, role.name);
    w.Key("entrypoint");
    w.StartArray();
    for (const auto& arg : role.entrypoint) write_string(w, arg);
    w.EndArray();
    w.Key("replicas");
    w.Int64(role.replicas);
    w.Key("per_node");
    w.Int64(role.per_node);
    w.Key("resources");
    w.StartObject();
    w.Key("cpu");
    w.Double(role.resources.cpu);
    w.Key("gpu");
    w.Int64(role.resources.gpu);
    w.Key("memory_bytes");
    w.Int64(role.resources.memory.empty() ? 0 : parse_memory_bytes(role.resources.memory).value_or(0));
    w.EndObject();
    w.Key("env");
    write_map(w, role.env);
    w.Key("driver");
    // With no role marked, every role is a driver: the job ends when all have ended.
    w.Bool(any_driver ? role.driver.value_or(false) : true);
    w.EndObject();
  }
  w.EndArray();
  w.Key("platform");
  w.RawValue(options_json.c_str(), options_json.size(), rapidjson::kObjectType);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace dlaunch
