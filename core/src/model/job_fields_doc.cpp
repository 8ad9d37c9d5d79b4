// The field reference of docs/job-document.md, generated from the field table (job_fields.hpp).
#include <dlaunch/core/job_schema.hpp>
#include <dlaunch/job_fields.hpp>

#include <span>
#include <string>
#include <string_view>

#include "model/field_defaults.hpp"

namespace dlaunch {
namespace {

using job_fields::Constraint;
using job_fields::Field;
using job_fields::Kind;

std::string code(std::string_view s) { return "`" + std::string(s) + "`"; }

std::string bound(const Constraint& c) {
  if (c.type == Constraint::Type::kAtLeast) return " ≥ " + std::to_string(c.bound);
  if (c.type == Constraint::Type::kAbove) return " > " + std::to_string(c.bound);
  return {};
}

// The field's JSON type in the document, with what the host guarantees about its value.
std::string document_type(const Field& f) {
  switch (f.kind) {
    case Kind::kString:
      return "string";
    case Kind::kName:
      return "string: a DNS label (`[a-z0-9-]`, 1–63 characters, starting and ending with a letter or digit)";
    case Kind::kInteger:
      return "integer" + bound(f.constraint);
    case Kind::kOptionalInteger:
      return "integer" + bound(f.constraint) + "; `0` when a spec leaves it out";
    case Kind::kNumber:
      return "number" + bound(f.constraint) + ", always written as a float (`1.0`)";
    case Kind::kChoice: {
      std::string out = "string, one of";
      job_fields::for_each_choice(f.constraint.choices, [&](std::string_view c) { out += " " + code(c); });
      return out;
    }
    case Kind::kDirectory:
      return "string: an absolute, normalized path without a trailing `/`";
    case Kind::kSpecFile:
      return "string: an absolute path, or `\"\"`";
    case Kind::kEnv:
      return "object of strings, names sorted, each matching `[A-Za-z_][A-Za-z0-9_]*`";
    case Kind::kStringMap:
      return "object of strings, keys sorted";
    case Kind::kArgv:
      return "array of strings, ≥ 1; the first is not empty";
    case Kind::kMemory:
      return "integer ≥ 0, bytes (`\"512Mi\"` → 536870912, `\"1G\"` → 1000000000); `0` when not given";
    case Kind::kDriver:
      return "boolean, always explicit";
    case Kind::kDuration:
      return "integer" + bound(f.constraint) + ", seconds (`\"1h30m\"` → 5400); `0` when not given";
    case Kind::kConfig:
      return "object, any JSON values; `{}` when not given";
    case Kind::kMinReplicas:
      return "integer" + bound(f.constraint) + ", ≤ `replicas`; `replicas` when a spec leaves it out";
    case Kind::kRoleRestarts:
      return "integer" + bound(f.constraint) + "; `failover.max_restarts` when a spec leaves it out";
    case Kind::kPlatform:
      return "object: **this plugin's** options (below)";
    case Kind::kFailover:
    case Kind::kResources:
      return "object";
    case Kind::kRoles:
      return "array of objects, ≥ 1 (a role: below)";
    case Kind::kGpu:
      return "integer" + bound(f.constraint) + ", whole devices; `0` when a spec asks for a share (`gpu_share`)";
    case Kind::kGpuShare:
      return "number, 0 < share < 1, or `0.0` for whole devices";
    case Kind::kColocations:
      return "array of objects `{\"roles\": [names]}`, each ≥ 2 roles of the job, a role in one at most; `[]` "
             "when none";
  }
  return {};
}

std::string spec_side(std::span<const Field> table, const Field& f) {
  if (f.key.empty()) return "(not in a spec)";
  std::string out = f.key != f.member ? code(f.key) + ", " : std::string();
  if (f.constraint.type == Constraint::Type::kRequired) return out + "required";
  const std::string def = f.kind == Kind::kMemory ? std::string() : default_json(table, f);
  return out + (def.empty() ? "optional" : "default " + code(def));
}

void rows(std::string& out, std::span<const Field> table, const std::string& prefix) {
  for (const Field& f : table) {
    const std::string name = prefix + std::string(f.member);
    const std::string since = f.since > 1 ? " (version " + std::to_string(f.since) + ")" : std::string();
    out += "| " + code(name) + since + " | " + document_type(f) + " | " + spec_side(table, f) + " | " +
           std::string(f.doc) + " |\n";
    if (f.kind == Kind::kFailover || f.kind == Kind::kResources) rows(out, job_fields::fields_of(f.kind), name + ".");
  }
}

constexpr std::string_view kHeader = "| field | JSON type | in a spec | meaning |\n|---|---|---|---|\n";

}  // namespace

std::string job_fields_markdown() {
  std::string out = "### The job\n\n";
  out += kHeader;
  out += "| `schema_version` | integer | (not in a spec) | the newest version among the fields the job uses: `1`, `2` "
         "or `3` (see [Versions](#versions)). Check it first; refuse a version you do not know (the C++ reader does) "
         "|\n";
  rows(out, job_fields::kJobFields, "");
  out += "\n### A role\n\n";
  out += kHeader;
  rows(out, job_fields::kRoleFields, "");
  return out;
}

}  // namespace dlaunch
