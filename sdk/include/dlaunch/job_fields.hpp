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
  kDriver,           // spec: true/false or absent; document: explicit (no role marked: every role is one)
  kPlatform,         // spec: the platform id, or a table of [platform.<id>] tables; document: this plugin's options
  kFailover,         // the [failover] table (DLAUNCH_FAILOVER_FIELDS)
  kResources,        // a role's resources table (DLAUNCH_RESOURCES_FIELDS)
  kRoles,            // the [[roles]] array of tables (DLAUNCH_ROLE_FIELDS)
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

// The rows: X(member, key, kind, default, constraint, doc)
//   member      the member of the C++ structs and the job document's key
//   key         the spec's key; it differs only where the document holds a converted value (memory ->
//               memory_bytes); "" for a document-only field
//   kind        a Kind, without "Kind::"
//   default     the C++ initializer: the value a spec that leaves the key out gets ({} is empty or unset)
//   constraint  from job_fields::constraints
//   doc         one line, for `dlaunch schema` and docs/job-document.md
// Tables are in document order.

#define DLAUNCH_FAILOVER_FIELDS(X) \
  X(max_restarts, "max_restarts", kInteger, 0, at_least(0), "restarts of the whole job allowed after a failure")

#define DLAUNCH_RESOURCES_FIELDS(X)                                                                      \
  X(cpu, "cpu", kNumber, 1.0, above(0), "CPUs per replica; fractions allowed")                           \
  X(gpu, "gpu", kInteger, 0, at_least(0), "GPUs (accelerators of device_type) per replica")              \
  X(memory_bytes, "memory", kMemory, 0, none(),                                                          \
    "memory per replica in bytes; a spec writes `memory` with a unit: Ki Mi Gi Ti (powers of 1024) or K M G T")

#define DLAUNCH_ROLE_FIELDS(X)                                                                                \
  X(name, "name", kName, {}, required(), "the role's name, unique within the job")                            \
  X(entrypoint, "entrypoint", kArgv, {}, required(),                                                          \
    "the program and its arguments; a spec's string S arrives as [\"/bin/sh\", \"-c\", S]")                   \
  X(replicas, "replicas", kInteger, 1, at_least(1), "processes of this role")                                 \
  X(per_node, "per_node", kInteger, 1, at_least(1),                                                           \
    "replicas placed together on one node; replicas is a multiple of it")                                     \
  X(resources, "resources", kResources, {}, none(), "what each replica needs")                                \
  X(env, "env", kEnv, {}, none(), "the role's environment variables, over the job's")                        \
  X(driver, "driver", kDriver, {}, none(),                                                                    \
    "the job ends when every driver role has ended; with no role marked, every role is a driver")

#define DLAUNCH_JOB_FIELDS(X)                                                                                 \
  X(name, "name", kName, {}, none(), "the job's name; a spec's default is its file's stem")                  \
  X(description, "description", kString, {}, none(), "one line saying what the job is for")                 \
  X(spec_file, "", kSpecFile, {}, none(), "the spec's absolute path; empty for a job built in code")         \
  X(node_num, "node_num", kInteger, 1, at_least(1), "nodes the job asks for")                                 \
  X(device_per_node, "device_per_node", kOptionalInteger, {}, at_least(0),                                    \
    "accelerators per node; when given, the GPUs the roles ask for are checked against it")                   \
  X(device_type, "device_type", kChoice, "CPU", one_of("CPU|GPU|NPU|TPU"), "the kind of accelerator")       \
  X(working_dir, "working_dir", kDirectory, ".", none(),                                                      \
    "the directory the job runs in, relative to the spec file; it exists on the submitting machine")         \
  X(env, "env", kEnv, {}, none(), "environment variables of every process")                                   \
  X(labels, "labels", kStringMap, {}, none(), "free-form labels")                                             \
  X(failover, "failover", kFailover, {}, none(), "what happens after a failure")                              \
  X(roles, "roles", kRoles, {}, required(), "the job's roles, in the spec's order")                           \
  X(platform, "platform", kPlatform, {}, none(),                                                              \
    "a spec: the platform id or [platform.<id>] option tables; the document: the receiving plugin's options")

// The rows as data, for code that needs names and properties but no values.
struct Field {
  std::string_view member;
  std::string_view key;
  Kind kind;
  Constraint constraint;
  std::string_view doc;
};

namespace detail {
using namespace constraints;
#define DLAUNCH_JOB_FIELD_DESCRIPTOR(member, key, kind, def, constraint, doc) \
  Field{#member, key, Kind::kind, constraint, doc},
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
