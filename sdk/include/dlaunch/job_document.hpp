// Header-only reader and writer of the normalized job document (schema versions 1 to
// DLAUNCH_JOB_SCHEMA_VERSION) for C++.
//
// The host hands every plugin the job as JSON (docs/job-document.md) so new job fields never change the ABI.
// This turns it into plain structs whose members are the rows of job_fields.hpp, named as the document
// names them (job.failover.max_restarts, role.resources.memory_bytes), and gives typed access to the
// plugin's own options. The host writes its documents with write_job(). Needs RapidJSON (header-only).
// parse_job throws dlaunch::sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT) on a document it cannot read.
#ifndef DLAUNCH_JOB_DOCUMENT_HPP_
#define DLAUNCH_JOB_DOCUMENT_HPP_

#include <dlaunch/job_fields.hpp>
#include <dlaunch/json_nesting.hpp>
#include <dlaunch/key_path.hpp>
#include <dlaunch/plugin.hpp>
#include <dlaunch/secrets.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::sdk {

using StringMap = std::map<std::string, std::string>;

namespace detail {

// Documents are parsed with RapidJSON's iterative parser, explicitly here rather than by a compile definition
// (a plugin built elsewhere does not have ours), and refused past kMaxJsonNesting (json_nesting.hpp).
// Parses `json` into `doc` as a JSON object, or throws INVALID_ARGUMENT saying what `what` is not.
inline void parse_object(rapidjson::Document& doc, std::string_view json, const std::string& what) {
  if (json_nests_deeper_than(json)) {
    throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, what + " nests arrays and objects deeper than " +
                                                  std::to_string(kMaxJsonNesting) + " levels");
  }
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, what + " is not a JSON object");
}

}  // namespace detail

// A plugin's own options: the "platform" object of a job document, or the options_json of a job reference.
// Declared defaults are already filled in by the host.
class Options {
 public:
  Options() { doc_->SetObject(); }
  static Options parse(std::string_view json) {
    Options o;
    detail::parse_object(*o.doc_, json, "the platform options document");
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
using job_fields::KindTag;

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
template <> struct Member<Kind::kConfig> : Plain<Options> {};  // any JSON object
template <> struct Member<Kind::kDuration> : Plain<int64_t> {};
// Whole devices stay an integer, so a plugin that knows no shares never truncates one: a share is a member
// of its own (gpu_share), which such a plugin refuses by name (refuse_fields_not_honoured).
template <> struct Member<Kind::kGpu> : Plain<int64_t> {};
template <> struct Member<Kind::kGpuShare> : Plain<double> {};
// Members that inherit another field's value when a spec leaves them out. The host always writes the
// inherited value; these markers stand for it in a struct a test fills by hand and in a version 1 document
// (which has no such field), and parse_job and write_job replace them (resolve_inherited below).
inline constexpr int64_t kAllReplicas = 0;    // min_replicas: the role's replicas
inline constexpr int64_t kJobRestarts = -1;   // a role's max_restarts: failover.max_restarts
template <>
struct Member<Kind::kMinReplicas> {
  using type = int64_t;
  static int64_t initial(std::optional<int64_t> value) { return value.value_or(kAllReplicas); }
};
template <>
struct Member<Kind::kRoleRestarts> {
  using type = int64_t;
  static int64_t initial(std::optional<int64_t> value) { return value.value_or(kJobRestarts); }
};
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
#define DLAUNCH_SDK_JOB_MEMBER(member, key, kind, def, constraint, since, doc)                 \
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

// Roles placed together: replica i of each on the same node and devices (docs/job-spec.md#colocations).
struct Colocation {
  std::vector<std::string> roles;
  bool operator==(const Colocation&) const = default;
};
template <> struct detail::Member<job_fields::Kind::kColocations> : detail::Plain<std::vector<Colocation>> {};

struct Job {
  // As read; write_job writes the lowest version that expresses the job (document_version()).
  int schema_version = DLAUNCH_JOB_SCHEMA_VERSION;
  DLAUNCH_JOB_FIELDS(DLAUNCH_SDK_JOB_MEMBER)
};

#undef DLAUNCH_SDK_JOB_MEMBER

namespace detail {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The spec key a document member's value comes from, where they differ (a document-only member): what a
// diagnostic about it points at.
constexpr std::string_view spec_member(std::string_view member) { return member == "gpu_share" ? "gpu" : member; }

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
  // The host writes a map's keys in order: each goes in at the end, in constant time.
  for (const auto& m : v.GetObject()) {
    if (m.value.IsString()) {
      out.insert_or_assign(out.end(), m.name.GetString(), std::string(m.value.GetString(), m.value.GetStringLength()));
    }
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
inline void read(const rapidjson::Value& v, std::vector<Colocation>& out) {
  if (!v.IsArray()) return;
  for (const auto& item : v.GetArray()) read(member(item, "roles"), out.emplace_back().roles);
}

#define DLAUNCH_SDK_JOB_READ(member_name, key, kind, def, constraint, since, doc) read(member(v, #member_name), out.member_name);
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
inline void write(Writer& w, const std::vector<Colocation>& colocations) {
  w.StartArray();
  for (const auto& colocation : colocations) {
    w.StartObject();
    w.Key("roles");
    write(w, colocation.roles);
    w.EndObject();
  }
  w.EndArray();
}
inline void write(Writer& w, const Failover& in);
inline void write(Writer& w, const Resources& in);
inline void write(Writer& w, const Role& in);
inline void write(Writer& w, const std::vector<Role>& roles) {
  w.StartArray();
  for (const auto& role : roles) write(w, role);
  w.EndArray();
}

#define DLAUNCH_SDK_JOB_WRITE(member_name, key, kind, def, constraint, since, doc) \
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
inline int document_version(const Job& job);
inline void write(Writer& w, const Job& in) {
  w.StartObject();
  w.Key("schema_version");
  w.Int(document_version(in));
  DLAUNCH_JOB_FIELDS(DLAUNCH_SDK_JOB_WRITE)
  w.EndObject();
}
#undef DLAUNCH_SDK_JOB_WRITE

// Replaces the markers of inherited members with the values they stand for.
inline void resolve_inherited(Job& job) {
  for (auto& role : job.roles) {
    if (role.min_replicas == kAllReplicas) role.min_replicas = role.replicas;
    if (role.max_restarts == kJobRestarts) role.max_restarts = job.failover.max_restarts;
  }
}

// Whether a field of a version above 1 holds other than what a version 1 document means (and what the version
// before its own meant).
struct InUse {
  const Job& job;
  const Role* role = nullptr;

  template <Kind K, class T>
  bool operator()(KindTag<K>, const T& value, const T& initial) const {
    return !(value == initial);
  }
  bool operator()(KindTag<Kind::kConfig>, const Options& value, const Options&) const {
    return value.json() != "{}";
  }
  bool operator()(KindTag<Kind::kMinReplicas>, int64_t value, int64_t) const {
    return value != kAllReplicas && value != role->replicas;
  }
  bool operator()(KindTag<Kind::kRoleRestarts>, int64_t value, int64_t) const {
    return value != kJobRestarts && value != job.failover.max_restarts;
  }
};

// Whether a row of version `Since` is in use; rows of version 1 always mean what they meant (and their
// values, tables among them, need no comparison).
template <int Since, Kind K, class Check, class T, class Initial>
bool used_above_1(const Check& check, const T& value, Initial initial) {
  if constexpr (Since > 1) {
    return check(job_fields::KindTag<K>{}, value, T(initial()));
  } else {
    return false;
  }
}

}  // namespace detail

// A field of a schema version above 1 that a job uses: the key path of the spec value it holds
// ("roles[1].min_replicas"; a gpu_share is the spec's "roles[1].resources.gpu") and its row's place in the
// table without indexes ("roles.min_replicas", "failover.scope", "start_timeout").
struct FieldInUse {
  std::string path;
  std::string field;
  int since;  // the document version that introduced the field
};

// The fields above version 1 the job uses, in document order: what the host raises schema_version for, and
// what a plugin checks against what its platform can honour.
inline std::vector<FieldInUse> fields_in_use(const Job& job) {
  std::vector<FieldInUse> found;
  const detail::InUse in_use{job};
  using job_fields::Kind;
  using job_fields::KindTag;
#define DLAUNCH_SDK_IN_USE(table, prefix, in, check, member_name, kind, def, since)                       \
  if (detail::used_above_1<since, Kind::kind>(check, in.member_name, [] {                                \
        return detail::Member<Kind::kind>::initial(def);                                                 \
      })) {                                                                                              \
    found.push_back({prefix.member(std::string(detail::spec_member(#member_name))).str(),                \
                     std::string(table) + #member_name, since});                                        \
  }
#define DLAUNCH_SDK_JOB_IN_USE(member_name, key, kind, def, constraint, since, doc) \
  DLAUNCH_SDK_IN_USE("", KeyPath(), job, in_use, member_name, kind, def, since)
#define DLAUNCH_SDK_FAILOVER_IN_USE(member_name, key, kind, def, constraint, since, doc) \
  DLAUNCH_SDK_IN_USE("failover.", KeyPath("failover"), job.failover, in_use, member_name, kind, def, since)
#define DLAUNCH_SDK_ROLE_IN_USE(member_name, key, kind, def, constraint, since, doc) \
  DLAUNCH_SDK_IN_USE("roles.", KeyPath("roles").element(i), role, role_in_use, member_name, kind, def, since)
#define DLAUNCH_SDK_RESOURCES_IN_USE(member_name, key, kind, def, constraint, since, doc)                   \
  DLAUNCH_SDK_IN_USE("roles.resources.", KeyPath("roles").element(i).member("resources"), role.resources, \
                     role_in_use, member_name, kind, def, since)
  {
    using namespace job_fields::constraints;
    DLAUNCH_JOB_FIELDS(DLAUNCH_SDK_JOB_IN_USE)
    DLAUNCH_FAILOVER_FIELDS(DLAUNCH_SDK_FAILOVER_IN_USE)
    for (size_t i = 0; i < job.roles.size(); ++i) {
      const Role& role = job.roles[i];
      const detail::InUse role_in_use{job, &role};
      DLAUNCH_ROLE_FIELDS(DLAUNCH_SDK_ROLE_IN_USE)
      DLAUNCH_RESOURCES_FIELDS(DLAUNCH_SDK_RESOURCES_IN_USE)
    }
  }
#undef DLAUNCH_SDK_RESOURCES_IN_USE
#undef DLAUNCH_SDK_ROLE_IN_USE
#undef DLAUNCH_SDK_FAILOVER_IN_USE
#undef DLAUNCH_SDK_JOB_IN_USE
#undef DLAUNCH_SDK_IN_USE
  return found;
}

// The field as a spec writes it, for messages: its key ("min_replicas"), or "a share of a GPU" for gpu_share,
// which is the spec's gpu below 1 and not a key of its own.
inline std::string spec_name(const FieldInUse& used) {
  if (used.field == "roles.resources.gpu_share") return "a share of a GPU";
  return used.field.substr(used.field.rfind('.') + 1);
}

// Why a platform cannot honour a field above version 1: `field` as fields_in_use() names it
// ("roles.min_replicas"), `reason` the platform fact ("a Ray placement group is placed whole").
struct NotHonoured {
  std::string_view field;
  std::string_view reason;
};

// Reports an error at every field above version 1 that the job uses and `platform` cannot honour: those
// `not_honoured` names, and every field not in `honoured` (a field newer than the plugin's code, which it
// must not silently ignore). Call it from validate.
inline void refuse_fields_not_honoured(const Job& job, std::string_view platform,
                                       std::initializer_list<std::string_view> honoured,
                                       std::initializer_list<NotHonoured> not_honoured, const DiagnosticsOut& out) {
  for (const FieldInUse& used : fields_in_use(job)) {
    if (std::find(honoured.begin(), honoured.end(), used.field) != honoured.end()) continue;
    std::string reason = "the " + std::string(platform) + " plugin does not implement it yet";
    for (const auto& n : not_honoured) {
      if (n.field == used.field) reason = std::string(n.reason);
    }
    const bool share = used.field == "roles.resources.gpu_share";
    const std::string name = spec_name(used);
    out.error(used.path, "the " + std::string(platform) + " platform cannot honour " + name + ": " + reason,
              (share ? std::string("ask for whole GPUs") : "leave " + name + " out") +
                  " for this platform, or choose a platform that honours it (docs/job-spec.md)");
  }
}

namespace detail {
// The newest version among the fields the job uses (1 when it uses none above version 1), so a plugin that
// knows an older version keeps reading the jobs whose meaning it knows, and refuses the others.
inline int document_version(const Job& job) {
  int version = 1;
  for (const FieldInUse& used : fields_in_use(job)) version = std::max(version, used.since);
  return version;
}
}  // namespace detail

// Reads a job document. Fields it does not know are ignored; fields it knows but cannot find keep their
// defaults (job_fields.hpp).
inline Job parse_job(std::string_view json) {
  rapidjson::Document doc;
  detail::parse_object(doc, json, "the job document");
  Job job;
  const auto& version = detail::member(doc, "schema_version");
  job.schema_version = version.IsInt() ? version.GetInt() : 0;
  if (job.schema_version < 1 || job.schema_version > DLAUNCH_JOB_SCHEMA_VERSION) {
    throw Error(DLAUNCH_ERR_INVALID_ARGUMENT, "job document schema_version " + std::to_string(job.schema_version) +
                                                  " is not one of the supported versions 1 to " +
                                                  std::to_string(DLAUNCH_JOB_SCHEMA_VERSION));
  }
  detail::read(doc, job);
  detail::resolve_inherited(job);
  return job;
}

// Writes a job document: what the host sends (it builds its documents with this), and what a plugin's tests
// build instead of writing JSON by hand. The job is written with what its roles inherit resolved; given a
// temporary, it is resolved in place rather than copied (a copy costs as much as the environment is large).
inline std::string write_job(Job&& job) {
  detail::resolve_inherited(job);
  rapidjson::StringBuffer buffer;
  detail::Writer writer(buffer);
  detail::write(writer, job);
  return std::string(buffer.GetString(), buffer.GetSize());
}
inline std::string write_job(const Job& job) { return write_job(Job(job)); }

// The job's and its roles' environment variables whose names look secret (secrets.hpp) with "***" as their
// value: the job as it may be shown or kept on disk, never as it is run.
inline void mask_secret_env(Job& job) {
  mask_secret_values(job.env);
  for (auto& role : job.roles) mask_secret_values(role.env);
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_JOB_DOCUMENT_HPP_
