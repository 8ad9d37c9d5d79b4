// The schema stage: reads the located tree into a Job, field by field as job_fields.hpp lists them, reporting
// wrong types and unknown keys (with did-you-mean). It keeps going after a problem so that every one is reported.
#include "validation/stages.hpp"

#include <dlaunch/core/did_you_mean.hpp>
#include <dlaunch/job_fields.hpp>
#include <dlaunch/key_path.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <span>
#include <string_view>
#include <vector>

namespace dlaunch {
namespace {

using job_fields::Field;
using job_fields::Kind;
using job_fields::KindTag;
using sdk::KeyPath;

// Reads typed fields out of tables, recording a diagnostic for every mismatch.
class SchemaReader {
 public:
  SchemaReader(Diagnostics& out, Job& job) : out_(out), job_(job) {}

  // The job being read, for the fields that fill more than their own member (platform).
  Job& job() { return job_; }

  void error(const std::string& path, const SourceLocation& where, std::string message, std::string hint = {}) {
    out_.push_back(Diagnostic{Severity::kError, path, where, std::move(message), std::move(hint)});
  }

  // Reports every key of `table` that is no field of `fields`, with the nearest field's key as a hint.
  void unknown_keys(const Value& table, const KeyPath& path, std::span<const Field> fields, std::string_view what) {
    std::vector<std::string> known;
    for (const Field& f : fields) {
      if (!f.key.empty()) known.emplace_back(f.key);
    }
    for (const auto& m : table.members()) {
      if (std::find(known.begin(), known.end(), m.key) != known.end()) continue;
      error(path.member(m.key), m.key_location.known() ? m.key_location : m.value.location(),
            "unknown key '" + m.key + "' in " + std::string(what), did_you_mean(m.key, known));
    }
  }

  bool expect(const Value& v, const std::string& path, Value::Kind kind, std::string_view what) {
    if (v.kind() == kind) return true;
    error(path, v.location(), std::string(path) + " must be " + std::string(what) + ", got " + describe(v));
    return false;
  }

  void read_string(const Value& v, const std::string& path, std::string& out) {
    if (expect(v, path, Value::Kind::kString, "a string")) out = v.as_string();
  }

  void read_integer(const Value& v, const std::string& path, int64_t& out) {
    if (v.is_integer()) {
      out = v.as_integer();
      return;
    }
    error(path, v.location(), path + " must be an integer, got " + describe(v));
  }

  void read_number(const Value& v, const std::string& path, double& out) {
    if (v.is_number()) {
      out = v.as_number();
      return;
    }
    error(path, v.location(), path + " must be a number, got " + describe(v));
  }

  void read_string_map(const Value& v, const KeyPath& path, EnvMap& out) {
    if (!expect(v, path, Value::Kind::kTable, "a table of strings")) return;
    for (const auto& m : v.members()) {
      if (m.value.is_string()) {
        out.insert_or_assign(m.key, m.value.as_string());
      } else {
        const std::string item_path = path.member(m.key);
        std::string hint = m.value.is_number() || m.value.is_bool()
                               ? "quote it: " + m.key + " = \"" + literal(m.value) + "\""
                               : std::string();
        error(item_path, m.value.location(), item_path + " must be a string, got " + describe(m.value), hint);
      }
    }
  }

  static std::string literal(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kBool:
        return v.as_bool() ? "true" : "false";
      case Value::Kind::kInteger:
        return std::to_string(v.as_integer());
      case Value::Kind::kFloat: {
        std::string s = std::to_string(v.as_number());
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
      }
      case Value::Kind::kString:
        return "\"" + v.as_string() + "\"";
      default:
        return v.kind_name();
    }
  }

  static std::string describe(const Value& v) {
    if (v.is_table() || v.is_array() || v.is_null()) return std::string("a ") + v.kind_name();
    return std::string(v.kind_name()) + " " + literal(v);
  }

 private:
  Diagnostics& out_;
  Job& job_;
};

// One reader per kind (job_fields.hpp): the value at `path` is present; a wrong one is reported and leaves
// `out` at its default.
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kString>, std::string& out) {
  r.read_string(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kName>, std::string& out) {
  r.read_string(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kChoice>, std::string& out) {
  r.read_string(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kDirectory>, std::string& out) {
  r.read_string(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kInteger>, int64_t& out) {
  r.read_integer(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kOptionalInteger>,
          std::optional<int64_t>& out) {
  int64_t n = 0;
  r.read_integer(v, path, n);
  if (v.is_integer()) out = n;
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kMinReplicas>,
          std::optional<int64_t>& out) {
  read(r, v, path, KindTag<Kind::kOptionalInteger>{}, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kRoleRestarts>,
          std::optional<int64_t>& out) {
  read(r, v, path, KindTag<Kind::kOptionalInteger>{}, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kDuration>, int64_t& out) {
  if (v.is_integer()) {
    out = v.as_integer();  // whole seconds; a negative one is the constraint's to report
    return;
  }
  const std::string hint = "write a duration such as \"90s\", \"10m\" or \"1h30m\" (units s m h d), or whole seconds";
  if (!v.is_string()) {
    r.error(path, v.location(), path.str() + " must be a duration, got " + SchemaReader::describe(v), hint);
  } else if (auto seconds = parse_duration_seconds(v.as_string())) {
    out = *seconds;
  } else {
    r.error(path, v.location(), path.str() + " '" + v.as_string() + "' is not a duration", hint);
  }
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kConfig>, Value& out) {
  if (r.expect(v, path, Value::Kind::kTable, "a table")) out = v;
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kNumber>, double& out) {
  r.read_number(v, path, out);
}
// Whole devices or a share of one: the semantic stage judges which values are either.
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kGpu>, double& out) {
  r.read_number(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kEnv>, EnvMap& out) {
  r.read_string_map(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kStringMap>, EnvMap& out) {
  r.read_string_map(v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kDriver>, std::optional<bool>& out) {
  if (r.expect(v, path, Value::Kind::kBool, "true or false")) out = v.as_bool();
}

void read_strings(SchemaReader& r, const Value& v, const KeyPath& path, std::vector<std::string>& out) {
  for (size_t i = 0; i < v.items().size(); ++i) {
    const Value& item = v.items()[i];
    const KeyPath item_path = path.element(i);
    if (item.is_string()) {
      out.push_back(item.as_string());
    } else {
      r.error(item_path, item.location(), item_path.str() + " must be a string, got " + SchemaReader::describe(item),
              "quote every argument: [\"python3\", \"train.py\", \"--epochs\", \"1\"]");
      out.push_back(SchemaReader::literal(item));
    }
  }
}

// A dotted Python module name: identifiers of ASCII letters, digits and '_' joined by '.'.
bool is_module_name(const std::string& s) {
  bool at_start = true;
  for (char c : s) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (c == '.' && !at_start) {
      at_start = true;
    } else if (letter || (!at_start && c >= '0' && c <= '9')) {
      at_start = false;
    } else {
      return false;
    }
  }
  return !at_start;
}

// entrypoint = { module = "pkg.train", args = [...], python = "python3" }: python -m, as DLRover's
// "module.func" entrypoints and TorchX's -m run a package's module.
void read_module_entrypoint(SchemaReader& r, const Value& v, const KeyPath& path, std::vector<std::string>& out) {
  static constexpr std::string_view kKeys[] = {"module", "args", "python"};
  std::vector<std::string> known(std::begin(kKeys), std::end(kKeys));
  for (const auto& m : v.members()) {
    if (std::find(known.begin(), known.end(), m.key) != known.end()) continue;
    r.error(path.member(m.key), m.key_location.known() ? m.key_location : m.value.location(),
            "unknown key '" + m.key + "' in a module entrypoint", did_you_mean(m.key, known));
  }
  std::string module;
  std::string python = "python3";
  std::vector<std::string> args;
  // Every problem with the module is reported at the entrypoint itself: the entrypoint is then unusable, and
  // the semantic rule "has no entrypoint" does not pile up on it.
  const Value* module_value = v.find("module");
  if (module_value == nullptr) {
    r.error(path, v.location(), "a module entrypoint needs a module",
            "entrypoint = { module = \"pkg.train\", args = [\"--epochs\", \"1\"] }");
  } else if (!module_value->is_string()) {
    r.error(path, module_value->location(),
            path.member("module").str() + " must be a string, got " + SchemaReader::describe(*module_value));
  } else if (!is_module_name(module_value->as_string())) {
    r.error(path, module_value->location(), "'" + module_value->as_string() + "' is not a Python module name",
            "dotted identifiers, as python -m takes them: pkg.train");
  } else {
    module = module_value->as_string();
  }
  if (const Value* p = v.find("python")) {
    r.read_string(*p, path.member("python"), python);
    if (p->is_string() && python.empty()) {
      r.error(path.member("python"), p->location(), "python must name an interpreter", "python = \"python3\"");
    }
  }
  if (const Value* a = v.find("args")) {
    if (r.expect(*a, path.member("args"), Value::Kind::kArray, "an array of strings")) {
      read_strings(r, *a, path.member("args"), args);
    }
  }
  if (!module.empty()) out = module_entrypoint(python, module, args);
}

void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kArgv>, std::vector<std::string>& out) {
  if (v.is_string()) {
    out = shell_entrypoint(v.as_string());
  } else if (v.is_array()) {
    read_strings(r, v, path, out);
  } else if (v.is_table()) {
    read_module_entrypoint(r, v, path, out);
  } else {
    r.error(path, v.location(),
            path.str() + " must be an argv array, a shell command string or a { module = ... } table, got " +
                SchemaReader::describe(v));
  }
}

void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kMemory>, int64_t& out) {
  if (!v.is_string()) {
    r.error(path, v.location(), "memory must be a string with a unit, got " + SchemaReader::describe(v),
            "write it with a unit, e.g. memory = \"512Mi\" (units: Ki Mi Gi Ti, or K M G T)");
    return;
  }
  if (auto bytes = parse_memory_bytes(v.as_string())) {
    out = *bytes;
    return;
  }
  r.error(path, v.location(), "memory '" + v.as_string() + "' needs a positive amount and a unit",
          "units: Ki Mi Gi Ti (powers of 1024) or K M G T (powers of 1000), e.g. \"512Mi\"");
}

// "platform" is the platform id (platform = "ray"), or a table of option tables ([platform.ray]) that may
// name the id too (platform.name = "ray"): TOML cannot give one key both a string and tables.
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kPlatform>, std::string& out) {
  if (v.is_string()) {
    out = v.as_string();
    return;
  }
  if (!v.is_table()) {
    r.error(path, v.location(),
            "platform must be a platform id or a table of [platform.<id>] options, got " + SchemaReader::describe(v));
    return;
  }
  for (const auto& m : v.members()) {
    const KeyPath member_path = path.member(m.key);
    if (m.key == "name") {
      r.read_string(m.value, member_path, out);
    } else if (m.value.is_table()) {
      r.job().platform_options.emplace(m.key, m.value);
    } else {
      r.error(member_path, m.value.location(),
              member_path.str() + " must be a table of options for platform '" + m.key + "', got " +
                  SchemaReader::describe(m.value),
              "to choose the platform inside [platform], write: name = \"" + m.key + "\"");
    }
  }
}

// [[colocations]] roles = ["actor", "critic"]: the names are checked against the roles by the semantic stage.
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kColocations>,
          std::vector<Colocation>& out) {
  if (!r.expect(v, path, Value::Kind::kArray, "an array of [[colocations]] tables")) return;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const Value& item = v.items()[i];
    const KeyPath item_path = path.element(i);
    if (!r.expect(item, item_path, Value::Kind::kTable, "a table")) continue;
    for (const auto& m : item.members()) {
      if (m.key == "roles") continue;
      r.error(item_path.member(m.key), m.key_location.known() ? m.key_location : m.value.location(),
              "unknown key '" + m.key + "' in a colocation", did_you_mean(m.key, {"roles"}));
    }
    Colocation& colocation = out.emplace_back();
    const Value* roles = item.find("roles");
    if (roles == nullptr) {
      r.error(item_path, item.location(), "a colocation needs roles", "roles = [\"actor\", \"critic\"]");
    } else if (r.expect(*roles, item_path.member("roles"), Value::Kind::kArray, "an array of role names")) {
      read_strings(r, *roles, item_path.member("roles"), colocation.roles);
    }
  }
}

void read_table(SchemaReader& r, const Value& table, const KeyPath& path, Failover& out);
void read_table(SchemaReader& r, const Value& table, const KeyPath& path, Resources& out);
void read_table(SchemaReader& r, const Value& table, const KeyPath& path, Role& out);

void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kFailover>, Failover& out) {
  if (r.expect(v, path, Value::Kind::kTable, "a table")) read_table(r, v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kResources>, Resources& out) {
  if (r.expect(v, path, Value::Kind::kTable, "a table")) read_table(r, v, path, out);
}
void read(SchemaReader& r, const Value& v, const KeyPath& path, KindTag<Kind::kRoles>, std::vector<Role>& out) {
  if (!r.expect(v, path, Value::Kind::kArray, "an array of [[roles]] tables")) return;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const Value& item = v.items()[i];
    const KeyPath item_path = path.element(i);
    // A missing name or entrypoint is a semantic rule (jobs built in code need them too).
    if (r.expect(item, item_path, Value::Kind::kTable, "a table")) read_table(r, item, item_path, out.emplace_back());
  }
}

// A row of a table, read when the table has it.
template <Kind K, class T>
void read_field(SchemaReader& r, const Value& table, const KeyPath& path, const char* key, T& out) {
  if constexpr (K == Kind::kSpecFile || K == Kind::kGpuShare) {
    return;  // never in a spec: the loader knows the one, the document derives the other
  } else if (const Value* v = table.find(key)) {
    read(r, *v, path.member(key), KindTag<K>{}, out);
  }
}

#define DLAUNCH_READ_FIELD(field, key, kind, def, constraint, since, doc) \
  read_field<Kind::kind>(r, table, path, key, out.field);

void read_table(SchemaReader& r, const Value& table, const KeyPath& path, Failover& out) {
  r.unknown_keys(table, path, job_fields::kFailoverFields, "[failover]");
  DLAUNCH_FAILOVER_FIELDS(DLAUNCH_READ_FIELD)
}
void read_table(SchemaReader& r, const Value& table, const KeyPath& path, Resources& out) {
  r.unknown_keys(table, path, job_fields::kResourcesFields, "resources");
  DLAUNCH_RESOURCES_FIELDS(DLAUNCH_READ_FIELD)
}
void read_table(SchemaReader& r, const Value& table, const KeyPath& path, Role& out) {
  r.unknown_keys(table, path, job_fields::kRoleFields, "a role");
  DLAUNCH_ROLE_FIELDS(DLAUNCH_READ_FIELD)
}
void read_table(SchemaReader& r, const Value& table, const KeyPath& path, Job& out) {
  r.unknown_keys(table, path, job_fields::kJobFields, "the job");
  DLAUNCH_JOB_FIELDS(DLAUNCH_READ_FIELD)
}
#undef DLAUNCH_READ_FIELD

// A default job name from the file's stem, made DNS-label safe ("MNIST_ddp.toml" -> "mnist-ddp").
std::string name_from_file(const std::string& spec_file) {
  std::string stem = std::filesystem::path(spec_file).stem().string();
  std::string name;
  for (char c : stem) {
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    if (ok) {
      name += lower;
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  while (!name.empty() && name.back() == '-') name.pop_back();
  if (name.size() > 63) name.resize(63);
  return name.empty() ? "job" : name;
}

}  // namespace

void schema_stage(ValidationContext& context) {
  if (!context.tree) return;
  const Value& root = *context.tree;
  Job job;
  SchemaReader reader(context.diagnostics, job);
  if (!reader.expect(root, "", Value::Kind::kTable, "a table")) {
    context.stop = true;
    return;
  }
  read_table(reader, root, KeyPath(), job);
  // A spec from stdin has no file: its working directory is the current one, as for a job built in code.
  job.spec_file = context.spec_text ? std::string() : context.spec_file;
  if (root.find("name") == nullptr) job.name = name_from_file(context.spec_file);
  // "at least one role" is a semantic rule, so that jobs built in code get it too.
  context.job = std::move(job);
}

}  // namespace dlaunch
