// The job's fields, defined once: one row per field, with its name, kind, default, constraint and one line
// of documentation. Everything else is derived from these rows: the core's Job structs and the SDK's
// (dlaunch::Job, dlaunch::sdk::Job), the schema stage's type checks and key lists (with did-you-mean), the
// generic semantic checks (bounds, choices), the job document's writer and the SDK's reader with its
// defaults, `dlaunch schema` and the field reference of docs/job-document.md.
//
// Why here, and why macros: the SDK is header-only and must not depend on the core, while the core builds on
// the SDK; so the one table lives in the SDK, as a header with no dependency (not even plugin.h), and the
// core includes it. C++ cannot declare struct members from a constexpr array, so the rows are X-macros
// (as LLVM's .def files): each user expands a row into a member, a read, a write or a descriptor. The
// descriptors (kJobFields...) are the constexpr table for code that only needs names and properties.
//
// Adding a field: add its row; give its meaning a semantic check in the core if it has one beyond the
// constraint column; read it in the plugin that uses it. Nothing else changes. Adding a *kind* is rarer:
// it needs a reader (core schema stage), a writer and a reader of the document (SDK) and a schema fragment.
#ifndef DLAUNCH_JOB_FIELDS_HPP_
#define DLAUNCH_JOB_FIELDS_HPP_

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace dlaunch::job_fields {

// How a field is written in a spec and in the job document.
enum class Kind {
  kString,           // a string
  kName,             // a DNS label: 1 to 63 of a-z, 0-9 and '-', starting and ending with a letter or digit
  kInteger,          // a 64-bit integer
  kNumber,           // a number; the document always writes a float (1.0)
  kChoice,           // a string, one of the constraint's choices
  kOptionalInteger,  // an integer a spec may leave out; the document writes 0 then
  kDirectory,        // spec: relative to the spec file; document: absolute and normalized, no trailing '/'
  kSpecFile,         // not in a spec; document: the spec file's absolute path, "" for a job built in code
  kEnv,              // a table of strings whose names match [A-Za-z_][A-Za-z0-9_]*
  kStringMap,        // a table of strings
  kArgv,             // spec: an argv array, or a string run as /bin/sh -c STRING; document: always argv
  kMemory,           // spec: a quantity with a unit ("512Mi", "1G"); document: bytes, 0 when not given
  kDuration,         // spec: "90s", "10m", "1h30m" (s m h d) or whole seconds; document: seconds, 0 when not given
  kConfig,           // spec: a table of any values; document: the same values as a JSON object, {} when not given
  kMinReplicas,      // an integer a spec may leave out; the document writes the role's replicas then
  kRoleRestarts,     // an integer a spec may leave out; the document writes failover.max_restarts then
  kDriver,           // spec: true/false or absent; document: explicit (no role marked: every role is one)
  kPlatform,         // spec: the platform id, or a table of [platform.<id>] tables; document: this plugin's options
  kFailover,         // the [failover] table (DLAUNCH_FAILOVER_FIELDS)
  kResources,        // a role's resources table (DLAUNCH_RESOURCES_FIELDS)
  kRoles,            // the [[roles]] array of tables (DLAUNCH_ROLE_FIELDS)
  kGpu,              // spec: a whole number of devices, or a share of one (0 < gpu < 1); document: the whole
                     // devices, an integer (0 for a share, which travels as the kGpuShare beside it)
  kGpuShare,         // not in a spec; document: the share of one device (0 < share < 1) a spec's fractional
                     // gpu asks for, 0.0 for whole devices
  kColocations,      // spec: [[colocations]] tables of roles = [names]; document: [{"roles": [names]}], [] when none
};

template <Kind K>
using KindTag = std::integral_constant<Kind, K>;

// What a value must satisfy beyond its kind. One per field at most.
struct Constraint {
  enum class Type { kNone, kRequired, kAtLeast, kAbove, kOneOf };
  Type type = Type::kNone;
  int64_t bound = 0;         // kAtLeast: value >= bound; kAbove: value > bound
  std::string_view choices;  // kOneOf: "A|B|C"
};

namespace constraints {
constexpr Constraint none() { return {}; }
// Must be given (a table: non-empty for kRoles).
constexpr Constraint required() { return {Constraint::Type::kRequired, 0, {}}; }
constexpr Constraint at_least(int64_t n) { return {Constraint::Type::kAtLeast, n, {}}; }
constexpr Constraint above(int64_t n) { return {Constraint::Type::kAbove, n, {}}; }
constexpr Constraint one_of(std::string_view choices) { return {Constraint::Type::kOneOf, 0, choices}; }
}  // namespace constraints

// The rows: X(member, key, kind, default, constraint, since, doc)
//   member      the member of the C++ structs and the job document's key
//   key         the spec's key; it differs only where the document holds a converted value (memory ->
//               memory_bytes); "" for a document-only field
//   kind        a Kind, without "Kind::"
//   default     the C++ initializer: the value a spec that leaves the key out gets ({} is empty or unset)
//   constraint  from job_fields::constraints
//   since       the document schema_version that introduced the field (1, 2 or 3). A document is written with
//               the lowest version whose fields express the job: the newest among the fields that hold
//               other than their default, so a plugin that knows an older version refuses exactly the
//               jobs whose meaning it would miss (fields_in_use() in job_document.hpp)
//   doc         one line, for `dlaunch schema` and docs/job-document.md
// Tables are in document order. A field a later version adds goes at the end of its table: the members of
// the SDK's structs follow this order, and a plugin's aggregate initializer ({cpu, gpu, memory}) keeps its meaning.

#define DLAUNCH_FAILOVER_FIELDS(X)                                                                            \
  X(max_restarts, "max_restarts", kInteger, 0, at_least(0), 1,                                                \
    "restarts allowed after a failure: of the whole job, and each role's default")                           \
  X(scope, "scope", kChoice, "job", one_of("job|role|replica"), 2,                                            \
    "what a failure restarts: every replica of the job, every replica of the failed one's role, or that replica")

#define DLAUNCH_RESOURCES_FIELDS(X)                                                                      \
  X(cpu, "cpu", kNumber, 1.0, above(0), 1, "CPUs per replica; fractions allowed")                        \
  X(gpu, "gpu", kGpu, 0, at_least(0), 1,                                                                 \
    "GPUs (accelerators of device_type) per replica: whole devices, or a share of one below 1 (0.4)")      \
  X(memory_bytes, "memory", kMemory, 0, none(), 1,                                                       \
    "memory per replica in bytes; a spec writes `memory` with a unit: Ki Mi Gi Ti (powers of 1024) or K M G T") \
  X(gpu_share, "", kGpuShare, 0.0, none(), 3,                                                            \
    "the share of one device (0 < share < 1) a replica asks for when the spec's gpu is a fraction; gpu is " \
    "0 then")

#define DLAUNCH_ROLE_FIELDS(X)                                                                                \
  X(name, "name", kName, {}, required(), 1, "the role's name, unique within the job")                         \
  X(entrypoint, "entrypoint", kArgv, {}, required(), 1,                                                       \
    "the program and its arguments; a spec's string S arrives as [\"/bin/sh\", \"-c\", S], its "              \
    "{ module = M, args = A } as [\"python3\", \"-m\", M, A...]")                                            \
  X(replicas, "replicas", kInteger, 1, at_least(1), 1, "processes of this role")                              \
  X(min_replicas, "min_replicas", kMinReplicas, {}, at_least(1), 2,                                           \
    "the fewest replicas the role runs with: the job goes on while at least this many are alive")             \
  X(per_node, "per_node", kInteger, 1, at_least(1), 1,                                                        \
    "replicas placed together on one node; replicas (and min_replicas) are multiples of it")                  \
  X(resources, "resources", kResources, {}, none(), 1, "what each replica needs")                             \
  X(env, "env", kEnv, {}, none(), 1, "the role's environment variables, over the job's")                     \
  X(driver, "driver", kDriver, {}, none(), 1,                                                                 \
    "the job ends when every driver role has ended; with no role marked, every role is a driver")             \
  X(max_restarts, "max_restarts", kRoleRestarts, {}, at_least(0), 2,                                          \
    "restarts a failure of this role may cause (see failover.scope)")                                         \
  X(launcher, "launcher", kChoice, "direct", one_of("direct|torchrun"), 2,                                    \
    "how a replica runs the entrypoint: directly, or as one node of torchrun (torch.distributed.run)")        \
  X(nproc_per_node, "nproc_per_node", kInteger, 1, at_least(1), 2,                                            \
    "launcher = \"torchrun\": the worker processes torchrun starts in each replica")                          \
  X(rdzv_backend, "rdzv_backend", kChoice, "c10d", one_of("c10d|static"), 2,                                  \
    "launcher = \"torchrun\": c10d (elastic, at the role's master) or static (fixed nodes)")                  \
  X(rdzv_port, "rdzv_port", kInteger, 0, at_least(0), 2,                                                      \
    "launcher = \"torchrun\": the rendezvous port on the role's master; 0: its MASTER_PORT")                   \
  X(tf_task, "tf_task", kChoice, "none", one_of("none|chief|worker|ps|evaluator"), 2,                         \
    "the role's TensorFlow task type: its processes get TF_CONFIG (every tf_task role's addresses, and their " \
    "own type and index); none: no TF_CONFIG")

#define DLAUNCH_JOB_FIELDS(X)                                                                                 \
  X(name, "name", kName, {}, none(), 1, "the job's name; a spec's default is its file's stem")               \
  X(description, "description", kString, {}, none(), 1, "one line saying what the job is for")              \
  X(spec_file, "", kSpecFile, {}, none(), 1, "the spec's absolute path; empty for a job built in code")      \
  X(node_num, "node_num", kInteger, 1, at_least(1), 1, "nodes the job asks for")                              \
  X(device_per_node, "device_per_node", kOptionalInteger, {}, at_least(0), 1,                                 \
    "accelerators per node; when given, the GPUs the roles ask for are checked against it")                   \
  X(device_type, "device_type", kChoice, "CPU", one_of("CPU|GPU|NPU|TPU"), 1, "the kind of accelerator")    \
  X(working_dir, "working_dir", kDirectory, ".", none(), 1,                                                   \
    "the directory the job runs in, relative to the spec file; it exists on the submitting machine")         \
  X(env, "env", kEnv, {}, none(), 1, "environment variables of every process")                                \
  X(labels, "labels", kStringMap, {}, none(), 1, "free-form labels")                                          \
  X(failover, "failover", kFailover, {}, none(), 1, "what happens after a failure")                           \
  X(start_timeout, "start_timeout", kDuration, 0, at_least(0), 2,                                             \
    "seconds the job may take to start (every replica placed and started) before it fails; 0: no limit")     \
  X(priority, "priority", kChoice, "normal", one_of("low|normal|high"), 2,                                    \
    "the job's priority among the platform's jobs, mapped to the platform's own notion")                      \
  X(config, "config", kConfig, {}, none(), 2,                                                                 \
    "the user's configuration, handed to every process as a JSON file (DLAUNCH_CONFIG_FILE)")                 \
  X(roles, "roles", kRoles, {}, required(), 1, "the job's roles, in the spec's order")                        \
  X(colocations, "colocations", kColocations, {}, none(), 3,                                                  \
    "roles placed together: replica i of each listed role on the same node and devices, counted once")      \
  X(platform, "platform", kPlatform, {}, none(), 1,                                                           \
    "a spec: the platform id or [platform.<id>] option tables; the document: the receiving plugin's options")

// The rows as data, for code that needs names and properties but no values.
struct Field {
  std::string_view member;
  std::string_view key;
  Kind kind;
  Constraint constraint;
  int since;  // the document schema_version that introduced it
  std::string_view doc;
};

namespace detail {
using namespace constraints;
#define DLAUNCH_JOB_FIELD_DESCRIPTOR(member, key, kind, def, constraint, since, doc) \
  Field{#member, key, Kind::kind, constraint, since, doc},
inline constexpr Field kFailover[] = {DLAUNCH_FAILOVER_FIELDS(DLAUNCH_JOB_FIELD_DESCRIPTOR)};
inline constexpr Field kResources[] = {DLAUNCH_RESOURCES_FIELDS(DLAUNCH_JOB_FIELD_DESCRIPTOR)};
inline constexpr Field kRole[] = {DLAUNCH_ROLE_FIELDS(DLAUNCH_JOB_FIELD_DESCRIPTOR)};
inline constexpr Field kJob[] = {DLAUNCH_JOB_FIELDS(DLAUNCH_JOB_FIELD_DESCRIPTOR)};
#undef DLAUNCH_JOB_FIELD_DESCRIPTOR
}  // namespace detail

inline constexpr std::span<const Field> kJobFields = detail::kJob;
inline constexpr std::span<const Field> kRoleFields = detail::kRole;
inline constexpr std::span<const Field> kResourcesFields = detail::kResources;
inline constexpr std::span<const Field> kFailoverFields = detail::kFailover;

// The fields of a table kind (kFailover, kResources, kRoles' elements); empty for other kinds.
constexpr std::span<const Field> fields_of(Kind kind) {
  switch (kind) {
    case Kind::kFailover:
      return kFailoverFields;
    case Kind::kResources:
      return kResourcesFields;
    case Kind::kRoles:
      return kRoleFields;
    default:
      return {};
  }
}

// "A|B|C" split at '|', for kOneOf.
template <class F>
constexpr void for_each_choice(std::string_view choices, F&& f) {
  while (!choices.empty()) {
    const auto bar = choices.find('|');
    f(choices.substr(0, bar));
    choices = bar == std::string_view::npos ? std::string_view() : choices.substr(bar + 1);
  }
}

}  // namespace dlaunch::job_fields

#endif  // DLAUNCH_JOB_FIELDS_HPP_
