// Header-only reader of the normalized job document (DLAUNCH_JOB_SCHEMA_VERSION 1) for C++ plugins.
//
// The host hands every plugin the job as JSON (docs/job-document.md) so new job fields never change the ABI.
// This turns it into plain structs, and gives typed access to the plugin's own options. Needs RapidJSON
// (header-only). Throws dlaunch::sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT) on a document it cannot read.
#ifndef DLAUNCH_JOB_DOCUMENT_HPP_
#define DLAUNCH_JOB_DOCUMENT_HPP_

#include <dlaunch/plugin.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::sdk {

using StringMap = std::map<std::string, std::string>;

// A plugin's own options: the "platform" object of a job document, or the options_json of a job reference.
// Declared defaults are already filled in by the host.
class Options {
 public:
  Options() { doc_->SetObject(); }
  static Options parse(std::string_view json) {
    Options o;
    o.doc_->Parse(json.data(), json.size());
    if (o.doc_->HasParseError() || !o.doc_->IsObject()) {
      throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "platform options are not a JSON object");
    }
    return o;
  }
  static Options from(const rapidjson::Value& value) {
    Options o;
    if (value.IsObject()) o.doc_->CopyFrom(value, o.doc_->GetAllocator());
    return o;
  }

  bool has(const char* name) const { return find(name) != nullptr; }
  std::string string(const char* name, const std::string& fallback = {}) const {
    const auto* v = find(name);
    return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : fallback;
  }
  int64_t integer(const char* name, int64_t fallback = 0) const {
    const auto* v = find(name);
    return v != nullptr && v->IsInt64() ? v->GetInt64() : fallback;
  }
  double number(const char* name, double fallback = 0) const {
    const auto* v = find(name);
    return v != nullptr && v->IsNumber() ? v->GetDouble() : fallback;
  }
  bool boolean(const char* name, bool fallback = false) const {
    const auto* v = find(name);
    return v != nullptr && v->IsBool() ? v->GetBool() : fallback;
  }
  std::vector<std::string> strings(const char* name) const {
    std::vector<std::string> out;
    const auto* v = find(name);
    if (v != nullptr && v->IsArray()) {
      for (const auto& item : v->GetArray()) {
        if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
      }
    }
    return out;
  }
  StringMap table(const char* name) const {
    StringMap out;
    const auto* v = find(name);
    if (v != nullptr && v->IsObject()) {
      for (const auto& m : v->GetObject()) {
        if (m.value.IsString()) out[m.name.GetString()] = m.value.GetString();
      }
    }
    return out;
  }
  // The raw value, or nullptr when absent or null.
  const rapidjson::Value* find(const char* name) const {
    auto it = doc_->FindMember(name);
    if (it == doc_->MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }
  // The whole object as compact JSON.
  std::string json() const {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc_->Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
  }

 private:
  std::shared_ptr<rapidjson::Document> doc_ = std::make_shared<rapidjson::Document>();
};

struct Resources {
  double cpu = 1;             // CPUs per replica
  int64_t gpu = 0;            // GPUs per replica
  int64_t memory_bytes = 0;   // memory per replica; 0 when not given
};

struct Role {
  std::string name;
  std::vector<std::string> entrypoint;  // argv; a spec's plain string arrives as {"/bin/sh", "-c", STRING}
  int64_t replicas = 1;
  int64_t per_node = 1;
  Resources resources;
  StringMap env;
  bool driver = true;
};

struct Job {
  int schema_version = 0;
  std::string name;
  std::string spec_file;  // absolute path, empty for jobs built in code
  int64_t node_num = 1;
  int64_t device_per_node = 0;
  std::string device_type = "CPU";
  std::string working_dir;  // absolute
  StringMap env;
  StringMap labels;
  int64_t max_restarts = 0;
  std::vector<Role> roles;
  Options platform;  // this plugin's options
};

namespace detail {

inline const rapidjson::Value& member(const rapidjson::Value& object, const char* name) {
  static const rapidjson::Value null_value;
  if (!object.IsObject()) return null_value;
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? null_value : it->value;
}

inline std::string string_of(const rapidjson::Value& v, const std::string& fallback = {}) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : fallback;
}

inline StringMap map_of(const rapidjson::Value& v) {
  StringMap out;
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) out[m.name.GetString()] = string_of(m.value);
  }
  return out;
}

}  // namespace detail

inline Job parse_job(std::string_view json) {
  using detail::map_of;
  using detail::member;
  using detail::string_of;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "the job document is not a JSON object");
  }
  Job job;
  const auto& version = member(doc, "schema_version");
  job.schema_version = version.IsInt() ? version.GetInt() : 0;
  if (job.schema_version != DLAUNCH_JOB_SCHEMA_VERSION) {
    throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "job document schema_version " + std::to_string(job.schema_version) +
                                                  " is not the supported version " +
                                                  std::to_string(DLAUNCH_JOB_SCHEMA_VERSION));
  }
  auto integer = [](const rapidjson::Value& v, int64_t fallback) { return v.IsInt64() ? v.GetInt64() : fallback; };
  job.name = string_of(member(doc, "name"));
  job.spec_file = string_of(member(doc, "spec_file"));
  job.node_num = integer(member(doc, "node_num"), 1);
  job.device_per_node = integer(member(doc, "device_per_node"), 0);
  job.device_type = string_of(member(doc, "device_type"), "CPU");
  job.working_dir = string_of(member(doc, "working_dir"));
  job.env = map_of(member(doc, "env"));
  job.labels = map_of(member(doc, "labels"));
  job.max_restarts = integer(member(member(doc, "failover"), "max_restarts"), 0);
  const auto& roles = member(doc, "roles");
  if (roles.IsArray()) {
    for (const auto& r : roles.GetArray()) {
      Role role;
      role.name = string_of(member(r, "name"));
      const auto& entrypoint = member(r, "entrypoint");
      if (entrypoint.IsArray()) {
        for (const auto& arg : entrypoint.GetArray()) role.entrypoint.push_back(string_of(arg));
      }
      role.replicas = integer(member(r, "replicas"), 1);
      role.per_node = integer(member(r, "per_node"), 1);
      const auto& res = member(r, "resources");
      const auto& cpu = member(res, "cpu");
      role.resources.cpu = cpu.IsNumber() ? cpu.GetDouble() : 1;
      role.resources.gpu = integer(member(res, "gpu"), 0);
      role.resources.memory_bytes = integer(member(res, "memory_bytes"), 0);
      role.env = map_of(member(r, "env"));
      const auto& driver = member(r, "driver");
      role.driver = driver.IsBool() ? driver.GetBool() : true;
      job.roles.push_back(std::move(role));
    }
  }
  job.platform = Options::from(member(doc, "platform"));
  return job;
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_JOB_DOCUMENT_HPP_
