// The semantic stage: each field's constraint and kind rules (from job_fields.hpp), then the rules that look
// across fields. Reports key paths; the pipeline adds positions.
#include "validation/stages.hpp"

#include <dlaunch/core/did_you_mean.hpp>
#include <dlaunch/job_fields.hpp>
#include <dlaunch/key_path.hpp>
#include <dlaunch/node_groups.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <set>
#include <string>

#include "model/gpu_share.hpp"

namespace dlaunch {
namespace {

using job_fields::Constraint;
using job_fields::Kind;
using sdk::KeyPath;

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

// "0.4", "1.5", "-1": a number as a user writes it.
std::string number_text(double value) {
  std::string s = std::to_string(value);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
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


  void env_names(const KeyPath& path, const EnvMap& env) {
    for (const auto& [name, value] : env) {
      if (!is_identifier(name)) {
        error(path.member(name), "environment variable name '" + name + "' is not a valid identifier",
              "use letters, digits and '_', not starting with a digit");
      }
    }
  }

 private:
  Diagnostics& out_;
  const std::set<std::string>& unusable_;
};

// The checks every row gets from its kind and its constraint (job_fields.hpp). `what` names the table the
// row is in ("job", "role") for messages.
struct FieldCheck {
  Rules& rules;
  std::string_view what;

  void number(const std::string& path, std::string_view key, const Constraint& c, double value, std::string text) {
    if (!rules.usable({path})) return;
    if (c.type == Constraint::Type::kAtLeast && value < static_cast<double>(c.bound)) {
      rules.error(path, std::string(key) + " must be at least " + std::to_string(c.bound) + ", got " + text);
    } else if (c.type == Constraint::Type::kAbove && !(value > static_cast<double>(c.bound))) {
      rules.error(path, std::string(key) + " must be greater than " + std::to_string(c.bound));
    }
  }
  void operator()(const KeyPath& path, std::string_view key, Kind, const Constraint& c, int64_t value) {
    number(path, key, c, static_cast<double>(value), std::to_string(value));
  }
  void operator()(const KeyPath& path, std::string_view key, Kind kind, const Constraint& c,
                  const std::optional<int64_t>& value) {
    if (value) (*this)(path, key, kind, c, *value);
  }
  void operator()(const KeyPath& path, std::string_view key, Kind, const Constraint& c, double value) {
    number(path, key, c, value, number_text(value));
  }
  void operator()(const KeyPath& path, std::string_view key, Kind kind, const Constraint& c, const std::string& value) {
    // A required name that is missing has its own rule below.
    const bool missing = value.empty() && c.type == Constraint::Type::kRequired;
    if (kind == Kind::kName && !missing) rules.dns_label(path, std::string(what) + " " + std::string(key), value);
    if (c.type != Constraint::Type::kOneOf || !rules.usable({path})) return;
    std::vector<std::string> choices;
    job_fields::for_each_choice(c.choices, [&](std::string_view choice) { choices.emplace_back(choice); });
    if (std::find(choices.begin(), choices.end(), value) != choices.end()) return;
    std::string listed;
    for (const auto& choice : choices) listed += (listed.empty() ? "" : ", ") + choice;
    rules.error(path, std::string(key) + " '" + value + "' is not one of " + listed, did_you_mean(value, choices));
  }
  void operator()(const KeyPath& path, std::string_view, Kind kind, const Constraint&, const EnvMap& value) {
    if (kind == Kind::kEnv) rules.env_names(path, value);
  }
  void operator()(const KeyPath&, std::string_view, Kind, const Constraint&, const Failover& value);
  void operator()(const KeyPath&, std::string_view, Kind, const Constraint&, const Resources& value);
  void operator()(const KeyPath&, std::string_view, Kind, const Constraint&, const std::vector<Role>& value);
  // Kinds whose rules need more than their own value (argv, driver) are the cross-field rules below.
  template <class T>
  void operator()(const KeyPath&, std::string_view, Kind, const Constraint&, const T&) {}
};

// Expands a table's rows into calls check(path of the row, its key, its kind, its constraint, its value).
#define DLAUNCH_CHECK_FIELD(field, key, kind, def, constraint, since, doc)                                            \
  if (!std::string_view(key).empty()) {                                                                       \
    check(path.member(key), key, Kind::kind, constraint, in.field);                                           \
  }

void check_fields(FieldCheck check, const KeyPath& path, const Failover& in) {
  using namespace job_fields::constraints;
  DLAUNCH_FAILOVER_FIELDS(DLAUNCH_CHECK_FIELD)
}
void check_fields(FieldCheck check, const KeyPath& path, const Resources& in) {
  using namespace job_fields::constraints;
  DLAUNCH_RESOURCES_FIELDS(DLAUNCH_CHECK_FIELD)
}
void check_fields(FieldCheck check, const KeyPath& path, const Role& in) {
  using namespace job_fields::constraints;
  DLAUNCH_ROLE_FIELDS(DLAUNCH_CHECK_FIELD)
}
void check_fields(FieldCheck check, const KeyPath& path, const Job& in) {
  using namespace job_fields::constraints;
  DLAUNCH_JOB_FIELDS(DLAUNCH_CHECK_FIELD)
}
#undef DLAUNCH_CHECK_FIELD

void FieldCheck::operator()(const KeyPath& path, std::string_view, Kind, const Constraint&, const Failover& value) {
  check_fields(*this, path, value);
}
void FieldCheck::operator()(const KeyPath& path, std::string_view, Kind, const Constraint&, const Resources& value) {
  check_fields(*this, path, value);
}
void FieldCheck::operator()(const KeyPath& path, std::string_view, Kind, const Constraint&,
                            const std::vector<Role>& roles) {
  for (size_t i = 0; i < roles.size(); ++i) check_fields(FieldCheck{rules, "role"}, path.element(i), roles[i]);
}

std::filesystem::path base_directory(const Job& job) {
  if (job.spec_file.empty()) return std::filesystem::current_path();
  return std::filesystem::absolute(job.spec_file).parent_path();
}

// [config] reaches the processes as JSON, which has no NaN and no infinity (TOML has both).
void check_config_values(Rules& rules, const Value& value, const KeyPath& path) {
  if (value.is_float() && !std::isfinite(value.as_number())) {
    rules.error(path, path.str() + " is " + (std::isnan(value.as_number()) ? "nan" : "infinite") +
                          ", which the config file (JSON) cannot hold",
                "write a finite number, or a string such as \"inf\"");
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.items().size(); ++i) check_config_values(rules, value.items()[i], path.element(i));
  } else if (value.is_table()) {
    for (const auto& m : value.members()) check_config_values(rules, m.value, path.member(m.key));
  }
}

// min_replicas: within replicas, and whole nodes, so that the range of nodes (DLAUNCH_NNODES) is whole too.
void check_elastic_range(Rules& rules, const Role& role, const KeyPath& path, bool counts_usable) {
  const KeyPath min_path = path.member("min_replicas");
  if (!role.min_replicas || !counts_usable || !rules.usable({min_path}) || *role.min_replicas < 1) return;
  const int64_t min = *role.min_replicas;
  if (min > role.replicas) {
    rules.error(min_path,
                "min_replicas (" + std::to_string(min) + ") must not exceed replicas (" +
                    std::to_string(role.replicas) + ")",
                "replicas is the most the role runs with, min_replicas the fewest it goes on with");
  } else if (role.per_node >= 1 && min % role.per_node != 0) {
    rules.error(min_path,
                "min_replicas (" + std::to_string(min) + ") must be a multiple of per_node (" +
                    std::to_string(role.per_node) + ")",
                "the role grows and shrinks by whole nodes of per_node replicas");
  }
}

// The torchrun settings belong to launcher = "torchrun"; torchrun's own rules on them.
void check_launcher(Rules& rules, const Role& role, const KeyPath& path) {
  const KeyPath port_path = path.member("rdzv_port");
  if (rules.usable({port_path}) && role.rdzv_port > 65535) {
    rules.error(port_path, "rdzv_port (" + std::to_string(role.rdzv_port) + ") is not a port (0 to 65535)");
  }
  if (!rules.usable({path.member("launcher")})) return;
  if (role.launcher != "torchrun") {
    const std::string hint = "set launcher = \"torchrun\" in this role, or remove it";
    if (role.nproc_per_node != 1 && rules.usable({path.member("nproc_per_node")})) {
      rules.error(path.member("nproc_per_node"), "nproc_per_node is a setting of launcher = \"torchrun\"", hint);
    }
    if (role.rdzv_backend != "c10d" && rules.usable({path.member("rdzv_backend")})) {
      rules.error(path.member("rdzv_backend"), "rdzv_backend is a setting of launcher = \"torchrun\"", hint);
    }
    if (role.rdzv_port != 0 && rules.usable({port_path})) {
      rules.error(port_path, "rdzv_port is a setting of launcher = \"torchrun\"", hint);
    }
    return;
  }
  if (role.per_node != 1 && rules.usable({path.member("per_node")})) {
    rules.error(path.member("per_node"),
                "with launcher = \"torchrun\" each replica is one torchrun node, so per_node must be 1, got " +
                    std::to_string(role.per_node),
                "start several processes per node with nproc_per_node = " + std::to_string(role.per_node));
  }
  if (role.rdzv_backend == "static" && role.min_replicas && *role.min_replicas != role.replicas &&
      rules.usable({path.member("rdzv_backend"), path.member("min_replicas")})) {
    rules.error(path.member("min_replicas"),
                "a static rendezvous has a fixed number of nodes, so min_replicas (" +
                    std::to_string(*role.min_replicas) + ") must equal replicas (" + std::to_string(role.replicas) +
                    ")",
                "use rdzv_backend = \"c10d\" for an elastic range");
  }
}

// tf_task: TF_CONFIG's cluster holds one address list per task type, and TensorFlow has one chief.
void check_tf_tasks(Rules& rules, const Job& job) {
  std::map<std::string, size_t> role_of_task;
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const Role& role = job.roles[i];
    const KeyPath path = KeyPath("roles").element(i).member("tf_task");
    if (role.tf_task == "none" || !rules.usable({path})) continue;
    auto [first, inserted] = role_of_task.emplace(role.tf_task, i);
    if (!inserted) {
      rules.error(path,
                  "tf_task \"" + role.tf_task + "\" is already the task type of roles[" +
                      std::to_string(first->second) + "]",
                  "TF_CONFIG lists one role's replicas per task type: give that role all of them");
    } else if (role.tf_task == "chief" && role.replicas > 1 && rules.usable({KeyPath("roles").element(i).member("replicas")})) {
      rules.error(path, "TensorFlow has one chief, but this role has " + std::to_string(role.replicas) + " replicas",
                  "make it replicas = 1, or the extra replicas tf_task = \"worker\" in a role of their own");
    }
  }
}

bool is_whole(double gpu) { return gpu == std::floor(gpu); }

// gpu is whole devices, or a share of one device. A share is seen as the replica's one device, so the
// replica must be alone in its group: LOCAL_RANK (0) then indexes the devices the process sees.
void check_gpu(Rules& rules, const Role& role, const KeyPath& path, bool counts_usable) {
  const KeyPath gpu_path = path.member("resources").member("gpu");
  const double gpu = role.resources.gpu;
  if (!rules.usable({gpu_path}) || gpu < 0) return;
  if (!is_whole(gpu) && !is_gpu_share(gpu)) {
    rules.error(gpu_path, "gpu " + number_text(gpu) + " is neither whole devices nor a share of one device",
                "ask for whole GPUs (gpu = " + std::to_string(static_cast<int64_t>(std::ceil(gpu))) +
                    ") or a share of one below 1 (gpu = 0.5)");
  } else if (is_gpu_share(gpu) && counts_usable && role.per_node != 1) {
    rules.error(path.member("per_node"),
                "a replica with a share of a GPU (gpu = " + number_text(gpu) +
                    ") sees that one device, so its role places one replica per group: per_node must be 1, got " +
                    std::to_string(role.per_node),
                "LOCAL_RANK indexes the devices a process sees (docs/job-spec.md#fractional-gpus-and-colocations)");
  }
}

// [[colocations]]: replica i of each listed role is placed with replica i of the others, so the roles have
// the same size and groups; a role is in one colocation at most; shares of one device fit in it.
void check_colocations(Rules& rules, const Job& job) {
  std::map<std::string, size_t> role_index;
  for (size_t i = 0; i < job.roles.size(); ++i) role_index.emplace(job.roles[i].name, i);
  std::vector<std::string> names;
  for (const Role& role : job.roles) names.push_back(role.name);
  std::map<std::string, size_t> colocation_of;
  for (size_t c = 0; c < job.colocations.size(); ++c) {
    const Colocation& colocation = job.colocations[c];
    const KeyPath path = KeyPath("colocations").element(c).member("roles");
    if (!rules.usable({path})) continue;
    if (colocation.roles.size() < 2) {
      rules.error(path, "a colocation places two roles or more together, got " +
                            std::to_string(colocation.roles.size()),
                  "list the roles whose replicas share nodes and devices: roles = [\"actor\", \"critic\"]");
      continue;
    }
    const Role* first = nullptr;
    double shares = 0;
    bool any_share = false;
    for (size_t k = 0; k < colocation.roles.size(); ++k) {
      const std::string& name = colocation.roles[k];
      const KeyPath name_path = path.element(k);
      auto role = role_index.find(name);
      if (role == role_index.end()) {
        rules.error(name_path, "no role is named '" + name + "'", did_you_mean(name, names));
        continue;
      }
      auto [earlier, inserted] = colocation_of.emplace(name, c);
      if (!inserted) {
        rules.error(name_path,
                    "role '" + name + "' is already in " +
                        (earlier->second == c ? std::string("this colocation")
                                              : "colocations[" + std::to_string(earlier->second) + "]"),
                    "a role is placed with one set of roles: merge the colocations");
        continue;
      }
      const Role& r = job.roles[role->second];
      const double gpu = r.resources.gpu;
      shares += gpu;
      any_share = any_share || is_gpu_share(gpu);
      if (first == nullptr) {
        first = &r;
        continue;
      }
      const int64_t min = r.min_replicas.value_or(r.replicas);
      const int64_t first_min = first->min_replicas.value_or(first->replicas);
      if (r.replicas != first->replicas || r.per_node != first->per_node || min != first_min) {
        rules.error(name_path,
                    "role '" + name + "' has replicas " + std::to_string(r.replicas) + ", min_replicas " +
                        std::to_string(min) + " and per_node " + std::to_string(r.per_node) + ", but '" +
                        first->name + "', colocated with it, has " + std::to_string(first->replicas) + ", " +
                        std::to_string(first_min) + " and " + std::to_string(first->per_node),
                    "replica i of each colocated role is placed with replica i of the others: give them the "
                    "same replicas, min_replicas and per_node");
      }
    }
    // The tolerance lets 0.1 + 0.2 + 0.7 (1.0000000000000002) fill one device.
    if (any_share && shares > 1 + 1e-9) {
      rules.error(path, "colocated replicas with shares of a GPU share one device, but their gpu add up to " +
                            number_text(shares),
                  "give the colocated roles shares that add up to 1 at most (DLRover gives each 1/n)");
    }
  }
}

// The GPUs of the most loaded node, with the job's groups laid out on its nodes as every platform lays them
// out (dlaunch/node_groups.hpp): what each node must hold.
int64_t gpus_on_the_most_loaded_node(const Job& job) {
  sdk::Job layout;
  layout.node_num = job.node_num;
  for (const Role& role : job.roles) {
    sdk::Role r;
    r.name = role.name;
    r.replicas = role.replicas;
    r.per_node = role.per_node;
    r.resources.gpu = is_gpu_share(role.resources.gpu) ? 0 : static_cast<int64_t>(role.resources.gpu);
    r.resources.gpu_share = is_gpu_share(role.resources.gpu) ? role.resources.gpu : 0;
    layout.roles.push_back(r);
  }
  for (const Colocation& colocation : job.colocations) layout.colocations.push_back({colocation.roles});
  return sdk::NodeGroups(layout).most_on_a_node().gpu;
}

}  // namespace

Diagnostics check_semantics(const Job& job, const std::set<std::string>& unusable) {
  Diagnostics out;
  Rules rules(out, unusable);
  check_fields(FieldCheck{rules, "job"}, KeyPath(), job);
  if (job.description.find_first_of("\r\n") != std::string::npos) {
    rules.error("description", "description must be one line", "put longer notes in a comment or in labels");
  }
  check_config_values(rules, job.config, KeyPath("config"));
  std::error_code ec;
  std::filesystem::path working_dir = base_directory(job) / job.working_dir;
  if (rules.usable({"working_dir"}) && !std::filesystem::is_directory(working_dir, ec)) {
    rules.error("working_dir", "working_dir '" + job.working_dir + "' is not a directory (resolved to " +
                                   working_dir.lexically_normal().string() + ")",
                "working_dir is relative to the spec file");
  }

  if (job.roles.empty()) {
    rules.error("roles", "a job needs at least one role", "add a [[roles]] table with a name and an entrypoint");
  }
  std::map<std::string, size_t> first_index_of;
  bool gpu_inputs_usable = rules.usable({"node_num", "device_per_node"});
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const Role& role = job.roles[i];
    const KeyPath path = KeyPath("roles").element(i);
    const KeyPath gpu_path = path.member("resources").member("gpu");
    const std::string who = role.name.empty() ? path.str() : "role '" + role.name + "'";
    if (role.name.empty()) {
      rules.error(path.member("name"), "a role needs a name", "add: name = \"trainer\"");
    } else {
      auto [it, inserted] = first_index_of.emplace(role.name, i);
      if (!inserted) {
        rules.error(path.member("name"), "role name '" + role.name + "' is already used by roles[" +
                                        std::to_string(it->second) + "]",
                    "role names must be unique within a job");
      }
    }
    if (!rules.usable({path.member("entrypoint")})) {
      // Already reported (a module entrypoint without a usable module): no second error about it.
    } else if (role.entrypoint.empty() || role.entrypoint.front().empty()) {
      rules.error(path.member("entrypoint"), who + " has no entrypoint",
                  "give the program and its arguments: entrypoint = [\"python3\", \"train.py\"]");
    } else if (role.entrypoint.size() == 3 && role.entrypoint[0] == "/bin/sh" && role.entrypoint[1] == "-c" &&
               role.entrypoint[2].find_first_not_of(" \t\n") == std::string::npos) {
      rules.error(path.member("entrypoint"), "the entrypoint of " + who + " is an empty command");
    }
    const bool counts_usable = rules.usable({path.member("replicas"), path.member("per_node")});
    if (counts_usable && role.replicas >= 1 && role.per_node >= 1 && role.replicas % role.per_node != 0) {
      rules.error(path.member("per_node"),
                  "replicas (" + std::to_string(role.replicas) + ") must be a multiple of per_node (" +
                      std::to_string(role.per_node) + ")",
                  "every node hosts exactly per_node replicas of a role");
    }
    check_elastic_range(rules, role, path, counts_usable);
    check_launcher(rules, role, path);
    check_gpu(rules, role, path, counts_usable);
    const bool gpu_usable = counts_usable && rules.usable({gpu_path}) && role.resources.gpu >= 0 &&
                            (is_whole(role.resources.gpu) || (is_gpu_share(role.resources.gpu) && role.per_node == 1));
    // A layout needs whole groups of per_node replicas: else the error above is the one to fix first.
    gpu_inputs_usable = gpu_inputs_usable && gpu_usable && role.per_node >= 1 && role.replicas % role.per_node == 0;
    const auto whole = static_cast<int64_t>(role.resources.gpu);  // a share's group needs one device at most
    if (gpu_usable && rules.usable({"device_per_node"}) && job.device_per_node && whole > 0 &&
        role.per_node >= 1 && role.per_node * whole > *job.device_per_node) {
      gpu_inputs_usable = false;  // one group already exceeds a node: that error says it
      rules.error(gpu_path,
                  who + " places " + std::to_string(role.per_node) + " replicas × " + std::to_string(whole) +
                      " GPUs = " + std::to_string(role.per_node * whole) + " GPUs on one node, but device_per_node is " +
                      std::to_string(*job.device_per_node));
    }
  }
  check_tf_tasks(rules, job);
  const size_t errors_before_colocations = out.size();
  check_colocations(rules, job);
  // The layout of colocated roles assumes a well-formed colocation.
  gpu_inputs_usable = gpu_inputs_usable && out.size() == errors_before_colocations && rules.usable({"colocations"});
  // Each node holds device_per_node: the most loaded one must fit, not merely the sum over the nodes (the
  // groups of per_node replicas are placed whole, so the sum may fit while no layout does).
  if (gpu_inputs_usable && job.device_per_node && job.node_num >= 1) {
    const int64_t most = gpus_on_the_most_loaded_node(job);
    if (most > *job.device_per_node) {
      const std::string node = job.node_num == 1 ? std::string("the job's one node")
                                                 : "the most loaded of the job's " + std::to_string(job.node_num) +
                                                       " nodes";
      rules.error("device_per_node",
                  "the roles' groups of per_node replicas, dealt onto the nodes in turn, put " + std::to_string(most) +
                      " GPUs on " + node + ", but device_per_node is " + std::to_string(*job.device_per_node),
                  "raise node_num or device_per_node, or lower replicas or gpu (docs/job-spec.md#nodes-and-per_node)");
    }
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
