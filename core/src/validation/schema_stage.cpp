// The schema stage: reads the located tree into a Job, reporting wrong types, missing required keys and
// unknown keys (with did-you-mean). It keeps going after a problem so that every one is reported.
#include "validation/stages.hpp"

#include <dlaunch/core/did_you_mean.hpp>

#include <cctype>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {
namespace {

const std::vector<std::string> kJobKeys = {"name",  "platform", "node_num", "device_per_node", "device_type",
                                           "working_dir", "env", "labels", "failover", "roles"};
const std::vector<std::string> kFailoverKeys = {"max_restarts"};
const std::vector<std::string> kRoleKeys = {"name", "entrypoint", "replicas", "per_node",
                                            "resources", "env", "driver"};
const std::vector<std::string> kResourceKeys = {"cpu", "gpu", "memory"};

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// Reads typed fields out of tables, recording a diagnostic for every mismatch.
class SchemaReader {
 public:
  explicit SchemaReader(Diagnostics& out) : out_(out) {}

  void error(const std::string& path, const SourceLocation& where, std::string message, std::string hint = {}) {
    out_.push_back(Diagnostic{Severity::kError, path, where, std::move(message), std::move(hint)});
  }

  void unknown_keys(const Value& table, const std::string& path, const std::vector<std::string>& known,
                    std::string_view what) {
    for (const auto& m : table.members()) {
      bool is_known = false;
      for (const auto& k : known) is_known = is_known || k == m.key;
      if (is_known) continue;
      error(join_path(path, m.key), m.key_location.known() ? m.key_location : m.value.location(),
            "unknown key '" + m.key + "' in " + std::string(what), did_you_mean(m.key, known));
    }
  }

  bool expect(const Value& v, const std::string& path, Value::Kind kind, std::string_view what) {
    if (v.kind() == kind) return true;
    error(path, v.location(), std::string(path) + " must be " + std::string(what) + ", got " + describe(v));
    return false;
  }

  void read_string(const Value* v, const std::string& path, std::string& out) {
    if (v != nullptr && expect(*v, path, Value::Kind::kString, "a string")) out = v->as_string();
  }

  void read_integer(const Value* v, const std::string& path, int64_t& out) {
    if (v == nullptr) return;
    if (v->is_integer()) {
      out = v->as_integer();
      return;
    }
    error(path, v->location(), path + " must be an integer, got " + describe(*v));
  }

  void read_number(const Value* v, const std::string& path, double& out) {
    if (v == nullptr) return;
    if (v->is_number()) {
      out = v->as_number();
      return;
    }
    error(path, v->location(), path + " must be a number, got " + describe(*v));
  }

  void read_string_map(const Value* v, const std::string& path, EnvMap& out) {
    if (v == nullptr || !expect(*v, path, Value::Kind::kTable, "a table of strings")) return;
    for (const auto& m : v->members()) {
      std::string item_path = join_path(path, m.key);
      if (m.value.is_string()) {
        out[m.key] = m.value.as_string();
      } else {
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
};

std::vector<std::string> read_entrypoint(SchemaReader& reader, const Value& v, const std::string& path) {
  if (v.is_string()) return shell_entrypoint(v.as_string());
  if (!v.is_array()) {
    reader.error(path, v.location(),
                 path + " must be an argv array or a shell command string, got " + SchemaReader::describe(v));
    return {};
  }
  std::vector<std::string> argv;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const Value& item = v.items()[i];
    std::string item_path = path + "[" + std::to_string(i) + "]";
    if (item.is_string()) {
      argv.push_back(item.as_string());
    } else {
      reader.error(item_path, item.location(), item_path + " must be a string, got " + SchemaReader::describe(item),
                   "quote every argument: [\"python3\", \"train.py\", \"--epochs\", \"1\"]");
      argv.push_back(SchemaReader::literal(item));
    }
  }
  return argv;
}

Role read_role(SchemaReader& reader, const Value& table, const std::string& path) {
  Role role;
  reader.unknown_keys(table, path, kRoleKeys, "a role");
  // A missing name or entrypoint is a semantic rule (jobs built in code need them too).
  reader.read_string(table.find("name"), path + ".name", role.name);
  if (const Value* entrypoint = table.find("entrypoint")) {
    role.entrypoint = read_entrypoint(reader, *entrypoint, path + ".entrypoint");
  }
  reader.read_integer(table.find("replicas"), path + ".replicas", role.replicas);
  reader.read_integer(table.find("per_node"), path + ".per_node", role.per_node);
  if (const Value* resources = table.find("resources")) {
    std::string rpath = path + ".resources";
    if (reader.expect(*resources, rpath, Value::Kind::kTable, "a table")) {
      reader.unknown_keys(*resources, rpath, kResourceKeys, "resources");
      reader.read_number(resources->find("cpu"), rpath + ".cpu", role.resources.cpu);
      reader.read_integer(resources->find("gpu"), rpath + ".gpu", role.resources.gpu);
      if (const Value* memory = resources->find("memory")) {
        if (memory->is_string()) {
          role.resources.memory = memory->as_string();
        } else {
          reader.error(rpath + ".memory", memory->location(),
                       "memory must be a string with a unit, got " + SchemaReader::describe(*memory),
                       "write it with a unit, e.g. memory = \"512Mi\" (units: Ki Mi Gi Ti, or K M G T)");
        }
      }
    }
  }
  reader.read_string_map(table.find("env"), path + ".env", role.env);
  if (const Value* driver = table.find("driver")) {
    if (reader.expect(*driver, path + ".driver", Value::Kind::kBool, "true or false")) role.driver = driver->as_bool();
  }
  return role;
}

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
  SchemaReader reader(context.diagnostics);
  Job job;
  // A spec from stdin has no file: its working directory is the current one, as for a job built in code.
  job.spec_file = context.spec_text ? std::string() : context.spec_file;
  if (!reader.expect(root, "", Value::Kind::kTable, "a table")) {
    context.stop = true;
    return;
  }
  reader.unknown_keys(root, "", kJobKeys, "the job");

  if (const Value* name = root.find("name")) {
    reader.read_string(name, "name", job.name);
  } else {
    job.name = name_from_file(context.spec_file);
  }
  // "platform" is the platform id (platform = "ray"), or a table of option tables ([platform.ray]) that may
  // name the id too (platform.name = "ray"): TOML cannot give one key both a string and tables.
  if (const Value* platform = root.find("platform")) {
    if (platform->is_string()) {
      job.platform = platform->as_string();
    } else if (platform->is_table()) {
      for (const auto& m : platform->members()) {
        std::string path = "platform." + m.key;
        if (m.key == "name") {
          reader.read_string(&m.value, path, job.platform);
        } else if (m.value.is_table()) {
          job.platform_options.emplace(m.key, m.value);
        } else {
          reader.error(path, m.value.location(),
                       path + " must be a table of options for platform '" + m.key + "', got " +
                           SchemaReader::describe(m.value),
                       "to choose the platform inside [platform], write: name = \"" + m.key + "\"");
        }
      }
    } else {
      reader.error("platform", platform->location(),
                   "platform must be a platform id or a table of [platform.<id>] options, got " +
                       SchemaReader::describe(*platform));
    }
  }
  reader.read_integer(root.find("node_num"), "node_num", job.node_num);
  if (const Value* devices = root.find("device_per_node")) {
    int64_t n = 0;
    reader.read_integer(devices, "device_per_node", n);
    if (devices->is_integer()) job.device_per_node = n;
  }
  reader.read_string(root.find("device_type"), "device_type", job.device_type);
  reader.read_string(root.find("working_dir"), "working_dir", job.working_dir);
  reader.read_string_map(root.find("env"), "env", job.env);
  reader.read_string_map(root.find("labels"), "labels", job.labels);
  if (const Value* failover = root.find("failover")) {
    if (reader.expect(*failover, "failover", Value::Kind::kTable, "a table")) {
      reader.unknown_keys(*failover, "failover", kFailoverKeys, "[failover]");
      reader.read_integer(failover->find("max_restarts"), "failover.max_restarts", job.failover.max_restarts);
    }
  }
  if (const Value* roles = root.find("roles")) {
    if (reader.expect(*roles, "roles", Value::Kind::kArray, "an array of [[roles]] tables")) {
      for (size_t i = 0; i < roles->items().size(); ++i) {
        const Value& item = roles->items()[i];
        std::string path = "roles[" + std::to_string(i) + "]";
        if (reader.expect(item, path, Value::Kind::kTable, "a table")) job.roles.push_back(read_role(reader, item, path));
      }
    }
  }
  // "at least one role" is a semantic rule, so that jobs built in code get it too.
  job.source = context.tree;
  context.job = std::move(job);
}

}  // namespace dlaunch
