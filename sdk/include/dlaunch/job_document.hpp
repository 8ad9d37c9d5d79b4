// Header-only reader and writer of the normalized job document (DLAUNCH_JOB_SCHEMA_VERSION 1) for C++.
//
// The host hands every plugin the job as JSON (docs/job-document.md) so new job fields never change the ABI.
// This turns it into plain structs whose members are the rows of job_fields.hpp, named as the document
// names them (job.failover.max_restarts, role.resources.memory_bytes), and gives typed access to the
// plugin's own options. The host writes its documents with write_job(). Needs RapidJSON (header-only).
// parse_job throws dlaunch::sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT) on a document it cannot read.
#ifndef DLAUNCH_JOB_DOCUMENT_HPP_
#define DLAUNCH_JOB_DOCUMENT_HPP_

#include <dlaunch/job_fields.hpp>
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

namespace detail {

using job_fields::Kind;

// The C++ type of a field of each kind in the document model, and how a row's default becomes its value.
template <class T>
struct Plain {
  using type = T;
  static T initial(T value) { return value; }
};
template <Kind K>
struct Member;
template <> struct Member<Kind::kString> : Plain<std::string> {};
template <> struct Member<Kind::kName> : Plain<std::string> {};
template <> struct Member<Kind::kChoice> : Plain<std::string> {};
template <> struct Member<Kind::kDirectory> : Plain<std::string> {};
template <> struct Member<Kind::kSpecFile> : Plain<std::string> {};
template <> struct Member<Kind::kInteger> : Plain<int64_t> {};
template <> struct Member<Kind::kMemory> : Plain<int64_t> {};
template <> struct Member<Kind::kNumber> : Plain<double> {};
template <> struct Member<Kind::kEnv> : Plain<StringMap> {};
template <> struct Member<Kind::kStringMap> : Plain<StringMap> {};
template <> struct Member<Kind::kArgv> : Plain<std::vector<std::string>> {};
template <> struct Member<Kind::kPlatform> : Plain<Options> {};
// The document always holds these; an unset spec value arrives as 0, and unmarked roles as drivers.
template <>
struct Member<Kind::kOptionalInteger> {
  using type = int64_t;
  static int64_t initial(std::optional<int64_t> value) { return value.value_or(0); }
};
template <>
struct Member<Kind::kDriver> {
  using type = bool;
  static bool initial(std::optional<bool> value) { return value.value_or(true); }
};

}  // namespace detail

// The document's structs, one member per row of job_fields.hpp, named as the document names them.
#define DLAUNCH_SDK_JOB_MEMBER(member, key, kind, def, constraint, doc)                 \
  detail::Member<job_fields::Kind::kind>::type member =                                 \
      detail::Member<job_fields::Kind::kind>::initial(def);

struct Failover {
  DLAUNCH_FAILOVER_FIELDS(DLAUNCH_SDK_JOB_MEMBER)
};
template <> struct detail::Member<job_fields::Kind::kFailover> : detail::Plain<Failover> {};

struct Resources {
  DLAUNCH_RESOURCES_FIELDS(DLAUNCH_SDK_JOB_MEMBER)
};
template <> struct detail::Member<job_fields::Kind::kResources> : detail::Plain<Resources> {};

struct Role {
  DLAUNCH_ROLE_FIELDS(DLAUNCH_SDK_JOB_MEMBER)
};
template <> struct detail::Member<job_fields::Kind::kRoles> : detail::Plain<std::vector<Role>> {};

struct Job {
  int schema_version = DLAUNCH_JOB_SCHEMA_VERSION;
  DLAUNCH_JOB_FIELDS(DLAUNCH_SDK_JOB_MEMBER)
};

#undef DLAUNCH_SDK_JOB_MEMBER

namespace detail {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline const rapidjson::Value& member(const rapidjson::Value& object, std::string_view name) {
  static const rapidjson::Value null_value;
  if (!object.IsObject()) return null_value;
  auto it = object.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
  return it == object.MemberEnd() ? null_value : it->value;
}

// Reading: a value of the wrong type (or absent) leaves the member at its default.
inline void read(const rapidjson::Value& v, std::string& out) {
  if (v.IsString()) out.assign(v.GetString(), v.GetStringLength());
}
inline void read(const rapidjson::Value& v, int64_t& out) {
  if (v.IsInt64()) out = v.GetInt64();
}
inline void read(const rapidjson::Value& v, double& out) {
  if (v.IsNumber()) out = v.GetDouble();
}
inline void read(const rapidjson::Value& v, bool& out) {
  if (v.IsBool()) out = v.GetBool();
}
inline void read(const rapidjson::Value& v, StringMap& out) {
  if (!v.IsObject()) return;
  for (const auto& m : v.GetObject()) {
    if (m.value.IsString()) out[m.name.GetString()] = std::string(m.value.GetString(), m.value.GetStringLength());
  }
}
inline void read(const rapidjson::Value& v, std::vector<std::string>& out) {
  if (!v.IsArray()) return;
  for (const auto& item : v.GetArray()) {
    if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
  }
}
inline void read(const rapidjson::Value& v, Options& out) { out = Options::from(v); }
inline void read(const rapidjson::Value& v, Failover& out);
inline void read(const rapidjson::Value& v, Resources& out);
inline void read(const rapidjson::Value& v, Role& out);
inline void read(const rapidjson::Value& v, std::vector<Role>& out) {
  if (!v.IsArray()) return;
  for (const auto& item : v.GetArray()) read(item, out.emplace_back());
}

#define DLAUNCH_SDK_JOB_READ(member_name, key, kind, def, constraint, doc) read(member(v, #member_name), out.member_name);
inline void read(const rapidjson::Value& v, Failover& out) { DLAUNCH_FAILOVER_FIELDS(DLAUNCH_SDK_JOB_READ) }
inline void read(const rapidjson::Value& v, Resources& out) { DLAUNCH_RESOURCES_FIELDS(DLAUNCH_SDK_JOB_READ) }
inline void read(const rapidjson::Value& v, Role& out) { DLAUNCH_ROLE_FIELDS(DLAUNCH_SDK_JOB_READ) }
inline void read(const rapidjson::Value& v, Job& out) { DLAUNCH_JOB_FIELDS(DLAUNCH_SDK_JOB_READ) }
#undef DLAUNCH_SDK_JOB_READ

// Writing, in the compact form the host sends.
inline void write(Writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }
inline void write(Writer& w, int64_t n) { w.Int64(n); }
inline void write(Writer& w, double n) { w.Double(n); }
inline void write(Writer& w, bool b) { w.Bool(b); }
inline void write(Writer& w, const StringMap& map) {
  w.StartObject();
  for (const auto& [k, v] : map) {
    write(w, k);
    write(w, v);
  }
  w.EndObject();
}
inline void write(Writer& w, const std::vector<std::string>& argv) {
  w.StartArray();
  for (const auto& arg : argv) write(w, arg);
  w.EndArray();
}
inline void write(Writer& w, const Options& options) {
  const std::string json = options.json();
  w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
}
inline void write(Writer& w, const Failover& in);
inline void write(Writer& w, const Resources& in);
inline void write(Writer& w, const Role& in);
inline void write(Writer& w, const std::vector<Role>& roles) {
  w.StartArray();
  for (const auto& role : roles) write(w, role);
  w.EndArray();
}

#define DLAUNCH_SDK_JOB_WRITE(member_name, key, kind, def, constraint, doc) \
  w.Key(#member_name);                                                     \
  write(w, in.member_name);
inline void write(Writer& w, const Failover& in) {
  w.StartObject();
  DLAUNCH_FAILOVER_FIELDS(DLAUNCH_SDK_JOB_WRITE)
  w.EndObject();
}
inline void write(Writer& w, const Resources& in) {
  w.StartObject();
  DLAUNCH_RESOURCES_FIELDS(DLAUNCH_SDK_JOB_WRITE)
  w.EndObject();
}
inline void write(Writer& w, const Role& in) {
  w.StartObject();
  DLAUNCH_ROLE_FIELDS(DLAUNCH_SDK_JOB_WRITE)
  w.EndObject();
}
inline void write(Writer& w, const Job& in) {
  w.StartObject();
  w.Key("schema_version");
  w.Int(in.schema_version);
  DLAUNCH_JOB_FIELDS(DLAUNCH_SDK_JOB_WRITE)
  w.EndObject();
}
#undef DLAUNCH_SDK_JOB_WRITE

}  // namespace detail

// Reads a job document. Fields it does not know are ignored; fields it knows but cannot find keep their
// defaults (job_fields.hpp).
inline Job parse_job(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "the job document is not a JSON object");
  }
  Job job;
  const auto& version = detail::member(doc, "schema_version");
  job.schema_version = version.IsInt() ? version.GetInt() : 0;
  if (job.schema_version != DLAUNCH_JOB_SCHEMA_VERSION) {
    throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "job document schema_version " + std::to_string(job.schema_version) +
                                                  " is not the supported version " +
                                                  std::to_string(DLAUNCH_JOB_SCHEMA_VERSION));
  }
  detail::read(doc, job);
  return job;
}

// Writes a job document: what the host sends (it builds its documents with this), and what a plugin's tests
// build instead of writing JSON by hand.
inline std::string write_job(const Job& job) {
  rapidjson::StringBuffer buffer;
  detail::Writer writer(buffer);
  detail::write(writer, job);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_JOB_DOCUMENT_HPP_
