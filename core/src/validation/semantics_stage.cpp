// The semantic stage: rules that look across fields. Reports key paths; the pipeline adds positions.
#include "validation/stages.hpp"

#include <dlaunch/core/did_you_mean.hpp>

#include <filesystem>
#include <initializer_list>
#include <map>
#include <set>
#include <string>

namespace dlaunch {
namespace {

const std::vector<std::string> kDeviceTypes = {"CPU", "GPU", "NPU", "TPU"};

bool is_dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : s) {
    if (!alnum(c) && c != '-') return false;
  }
  return alnum(s.front()) && alnum(s.back());
}

bool is_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

class Rules {
 public:
  Rules(Diagnostics& out, const std::set<std::string>& unusable) : out_(out), unusable_(unusable) {}

  // False when a value the rule reads already failed the schema (its default stands in): judging the
  // default would only add a confusing second error.
  bool usable(std::initializer_list<std::string> paths) const {
    for (const auto& p : paths) {
      if (unusable_.count(p) != 0) return false;
    }
    return true;
  }

  void error(std::string path, std::string message, std::string hint = {}) {
    out_.push_back(Diagnostic{Severity::kError, std::move(path), {}, std::move(message), std::move(hint)});
  }

  void dns_label(const std::string& path, const std::string& what, const std::string& value) {
    if (!usable({path}) || is_dns_label(value)) return;
    error(path, what + " '" + value + "' is not a valid name",
          "use 1 to 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit");
  }

  void at_least(const std::string& path, int64_t value, int64_t minimum) {
    if (usable({path}) && value < minimum) error(path, path.substr(path.rfind('.') + 1) + " must be at least " + std::to_string(minimum) +
                                         ", got " + std::to_string(value));
  }

  void env_names(const std::string& path, const EnvMap& env) {
    for (const auto& [name, value] : env) {
      if (!is_identifier(name)) {
        error(path + "." + name, "environment variable name '" + name + "' is not a valid identifier",
              "use letters, digits and '_', not starting with a digit");
      }
    }
  }

 private:
  Diagnostics& out_;
  const std::set<std::string>& unusable_;
};

std::filesystem::path base_directory(const Job& job) {
  if (job.spec_file.empty()) return std::filesystem::current_path();
  return std::filesystem::absolute(job.spec_file).parent_path();
}

}  // namespace

Diagnostics check_semantics(const Job& job, const std::set<std::string>& unusable) {
  Diagnostics out;
  Rules rules(out, unusable);
  rules.dns_label("name", "job name", job.name);
  rules.at_least("node_num", job.node_num, 1);
  if (job.device_per_node) rules.at_least("device_per_node", *job.device_per_node, 0);
  rules.at_least("failover.max_restarts", job.failover.max_restarts, 0);
  bool known_device = false;
  for (const auto& t : kDeviceTypes) known_device = known_device || t == job.device_type;
  if (!known_device && rules.usable({"device_type"})) {
    rules.error("device_type", "device_type '" + job.device_type + "' is not one of CPU, GPU, NPU, TPU",
                did_you_mean(job.device_type, kDeviceTypes));
  }
  std::error_code ec;
  std::filesystem::path working_dir = base_directory(job) / job.working_dir;
  if (rules.usable({"working_dir"}) && !std::filesystem::is_directory(working_dir, ec)) {
    rules.error("working_dir", "working_dir '" + job.working_dir + "' is not a directory (resolved to " +
                                   working_dir.lexically_normal().string() + ")",
                "working_dir is relative to the spec file");
  }
  rules.env_names("env", job.env);

  if (job.roles.empty()) {
    rules.error("roles", "a job needs at least one role", "add a [[roles]] table with a name and an entrypoint");
  }
  std::map<std::string, size_t> first_index_of;
  int64_t total_gpus = 0;
  bool gpu_inputs_usable = rules.usable({"node_num", "device_per_node"});
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const Role& role = job.roles[i];
    const std::string path = "roles[" + std::to_string(i) + "]";
    const std::string who = role.name.empty() ? path : "role '" + role.name + "'";
    if (role.name.empty()) {
      rules.error(path + ".name", "a role needs a name", "add: name = \"trainer\"");
    } else {
      rules.dns_label(path + ".name", "role name", role.name);
      auto [it, inserted] = first_index_of.emplace(role.name, i);
      if (!inserted) {
        rules.error(path + ".name", "role name '" + role.name + "' is already used by roles[" +
                                        std::to_string(it->second) + "]",
                    "role names must be unique within a job");
      }
    }
    if (role.entrypoint.empty() || role.entrypoint.front().empty()) {
      rules.error(path + ".entrypoint", who + " has no entrypoint",
                  "give the program and its arguments: entrypoint = [\"python3\", \"train.py\"]");
    } else if (role.entrypoint.size() == 3 && role.entrypoint[0] == "/bin/sh" && role.entrypoint[1] == "-c" &&
               role.entrypoint[2].find_first_not_of(" \t\n") == std::string::npos) {
      rules.error(path + ".entrypoint", "the entrypoint of " + who + " is an empty command");
    }
    rules.at_least(path + ".replicas", role.replicas, 1);
    rules.at_least(path + ".per_node", role.per_node, 1);
    const bool counts_usable = rules.usable({path + ".replicas", path + ".per_node"});
    if (counts_usable && role.replicas >= 1 && role.per_node >= 1 && role.replicas % role.per_node != 0) {
      rules.error(path + ".per_node",
                  "replicas (" + std::to_string(role.replicas) + ") must be a multiple of per_node (" +
                      std::to_string(role.per_node) + ")",
                  "every node hosts exactly per_node replicas of a role");
    }
    if (rules.usable({path + ".resources.cpu"}) && !(role.resources.cpu > 0)) {
      rules.error(path + ".resources.cpu", "cpu must be greater than 0");
    }
    rules.at_least(path + ".resources.gpu", role.resources.gpu, 0);
    if (!role.resources.memory.empty() && !parse_memory_bytes(role.resources.memory)) {
      rules.error(path + ".resources.memory",
                  "memory '" + role.resources.memory + "' needs a positive amount and a unit",
                  "units: Ki Mi Gi Ti (powers of 1024) or K M G T (powers of 1000), e.g. \"512Mi\"");
    }
    const bool gpu_usable = counts_usable && rules.usable({path + ".resources.gpu"});
    gpu_inputs_usable = gpu_inputs_usable && gpu_usable;
    if (gpu_usable && rules.usable({"device_per_node"}) && job.device_per_node && role.resources.gpu > 0 &&
        role.per_node >= 1 &&
        role.per_node * role.resources.gpu > *job.device_per_node) {
      rules.error(path + ".resources.gpu",
                  who + " places " + std::to_string(role.per_node) + " replicas × " +
                      std::to_string(role.resources.gpu) + " GPUs = " +
                      std::to_string(role.per_node * role.resources.gpu) + " GPUs on one node, but device_per_node is " +
                      std::to_string(*job.device_per_node));
    }
    if (role.replicas > 0 && role.resources.gpu > 0) total_gpus += role.replicas * role.resources.gpu;
    rules.env_names(path + ".env", role.env);
  }
  if (gpu_inputs_usable && job.device_per_node && job.node_num >= 1 &&
      total_gpus > job.node_num * *job.device_per_node) {
    rules.error("device_per_node",
                "the roles ask for " + std::to_string(total_gpus) + " GPUs in all (replicas × gpu, summed), but " +
                    std::to_string(job.node_num) + " nodes × " + std::to_string(*job.device_per_node) +
                    " devices give " + std::to_string(job.node_num * *job.device_per_node),
                "raise node_num or device_per_node, or lower replicas or gpu");
  }
  return out;
}

void semantics_stage(ValidationContext& context) {
  if (!context.job) return;
  // Values the earlier stages rejected keep their defaults in the job; the rules leave them alone.
  std::set<std::string> unusable;
  for (const auto& d : context.diagnostics) {
    if (d.severity == Severity::kError) unusable.insert(d.path);
  }
  Diagnostics found = check_semantics(*context.job, unusable);
  context.diagnostics.insert(context.diagnostics.end(), found.begin(), found.end());
}

}  // namespace dlaunch
