// The job model: what a user describes once and dlaunch submits anywhere. Loaded from a spec file
// (spec_loader.hpp + validation.hpp) or built in code (builder.hpp). Its fields are declared once, in the
// SDK's job_fields.hpp (which the job document and its readers share); this gives them their C++ types.
#ifndef DLAUNCH_CORE_JOB_HPP_
#define DLAUNCH_CORE_JOB_HPP_

#include <dlaunch/core/value.hpp>
#include <dlaunch/job_fields.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dlaunch {

using EnvMap = std::map<std::string, std::string>;

namespace job_model {

using job_fields::Kind;

// The C++ type of a field of each kind in the core's model (what a spec says, before the job document
// resolves it), and how a row's default becomes its value.
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
template <> struct Member<Kind::kDirectory> : Plain<std::string> {};  // relative to the spec file
template <> struct Member<Kind::kSpecFile> : Plain<std::string> {};
template <> struct Member<Kind::kInteger> : Plain<int64_t> {};
template <> struct Member<Kind::kMemory> : Plain<int64_t> {};         // bytes, read from "512Mi"
template <> struct Member<Kind::kNumber> : Plain<double> {};
template <> struct Member<Kind::kEnv> : Plain<EnvMap> {};
template <> struct Member<Kind::kStringMap> : Plain<EnvMap> {};
// argv. A spec's plain string becomes {"/bin/sh", "-c", STRING} (see shell_entrypoint()).
template <> struct Member<Kind::kArgv> : Plain<std::vector<std::string>> {};
template <> struct Member<Kind::kOptionalInteger> : Plain<std::optional<int64_t>> {};  // unset: not checked
template <> struct Member<Kind::kDriver> : Plain<std::optional<bool>> {};  // unset: see the row's doc
template <> struct Member<Kind::kPlatform> : Plain<std::string> {};  // the id; empty: "local" (-p wins)
template <> struct Member<Kind::kDuration> : Plain<int64_t> {};      // seconds, read from "10m"
template <> struct Member<Kind::kConfig> : Plain<Value> {};          // a table, or null when not given
// Unset: the document writes what they inherit (the role's replicas, failover.max_restarts).
template <> struct Member<Kind::kMinReplicas> : Plain<std::optional<int64_t>> {};
template <> struct Member<Kind::kRoleRestarts> : Plain<std::optional<int64_t>> {};
// What the spec says: whole devices, or a share of one below 1; the document splits it into gpu and gpu_share.
template <> struct Member<Kind::kGpu> : Plain<double> {};
// gpu_share is the document's half of the spec's gpu: the core holds nothing for it.
struct DerivedInDocument {};
template <>
struct Member<Kind::kGpuShare> {
  using type = DerivedInDocument;
  static type initial(double) { return {}; }
};

}  // namespace job_model

#define DLAUNCH_CORE_JOB_MEMBER(member, key, kind, def, constraint, since, doc) \
  job_model::Member<job_fields::Kind::kind>::type member = job_model::Member<job_fields::Kind::kind>::initial(def);

// The members are the rows of sdk/include/dlaunch/job_fields.hpp.
struct Failover {
  DLAUNCH_FAILOVER_FIELDS(DLAUNCH_CORE_JOB_MEMBER)
};
template <> struct job_model::Member<job_fields::Kind::kFailover> : job_model::Plain<Failover> {};

struct Resources {
  DLAUNCH_RESOURCES_FIELDS(DLAUNCH_CORE_JOB_MEMBER)
};
template <> struct job_model::Member<job_fields::Kind::kResources> : job_model::Plain<Resources> {};

struct Role {
  DLAUNCH_ROLE_FIELDS(DLAUNCH_CORE_JOB_MEMBER)
};
template <> struct job_model::Member<job_fields::Kind::kRoles> : job_model::Plain<std::vector<Role>> {};

// [[colocations]]: roles placed together (replica i of each on the same node and devices).
struct Colocation {
  std::vector<std::string> roles;
};
template <> struct job_model::Member<job_fields::Kind::kColocations> : job_model::Plain<std::vector<Colocation>> {};

struct Job {
  DLAUNCH_JOB_FIELDS(DLAUNCH_CORE_JOB_MEMBER)
  // [platform.<id>] tables, each validated by that platform's plugin.
  std::map<std::string, Value> platform_options;
};

#undef DLAUNCH_CORE_JOB_MEMBER

std::vector<std::string> shell_entrypoint(const std::string& command);

// The platform a job runs on: the override when given, else the job's own, else "local".
std::string effective_platform(const Job& job, const std::string& platform_override);

// Bytes of a memory quantity such as "512Mi" or "1.5G"; nullopt when it has no valid unit.
std::optional<int64_t> parse_memory_bytes(const std::string& quantity);

// Seconds of a duration such as "90s", "10m", "1h30m" or "2d" (units s m h d, each at most once, largest
// first); nullopt when it is not one.
std::optional<int64_t> parse_duration_seconds(const std::string& text);

// The argv of a Python module entrypoint: {python, "-m", module, args...}.
std::vector<std::string> module_entrypoint(const std::string& python, const std::string& module,
                                           const std::vector<std::string>& args);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOB_HPP_
