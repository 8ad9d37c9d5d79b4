#include "job_plan.hpp"

#include "names.hpp"

#include <dlaunch/job_document.hpp>
#include <dlaunch/key_path.hpp>

namespace dlaunch::kubernetes {
namespace {

sdk::KeyPath role_path(size_t index) { return sdk::KeyPath("roles").element(index); }

// The longest DNS label the plugin derives from a role: the hostname of its last pod.
std::string last_hostname(const std::string& base, const sdk::Role& role, Kind kind) {
  std::string last = std::to_string(role.replicas - 1);
  if (kind == Kind::kJobSet) return base + "-" + role.name + "-0-" + last;
  return base + "-" + role.name + "-" + last;
}

// The stable DNS name of a role's index-0 pod, through the job's headless Service (kind job) or the one
// the JobSet controller creates (named after the JobSet).
std::string master_address(const std::string& base, const std::string& role, Kind kind) {
  if (kind == Kind::kJobSet) return base + "-" + role + "-0-0." + base;
  return base + "-" + role + "-0." + base;
}

std::vector<EnvVar> environment(const sdk::Job& job, const sdk::Role& role, const std::string& base,
                                const KubeOptions& options) {
  const std::string index_field = std::string("metadata.annotations['") + kCompletionIndexAnnotation + "']";
  std::vector<EnvVar> env{{"DLAUNCH_JOB", job.name, ""}, {"DLAUNCH_ROLE", role.name, ""}};
  if (options.kind != Kind::kElasticJob) {
    // DLRover's own launcher (dlrover-run) sets the rendezvous variables of an ElasticJob's pods.
    env.push_back({"RANK", "", index_field});
    env.push_back({"WORLD_SIZE", std::to_string(role.replicas), ""});
    env.push_back({"LOCAL_RANK", "0", ""});
    env.push_back({"LOCAL_WORLD_SIZE", "1", ""});
    env.push_back({"NODE_RANK", "", index_field});
    env.push_back({"MASTER_ADDR", master_address(base, role.name, options.kind), ""});
    env.push_back({"MASTER_PORT", std::to_string(options.master_port), ""});
  }
  // The job's env, then the role's: a role's value replaces the job's.
  sdk::StringMap merged = job.env;
  for (const auto& [name, value] : role.env) merged[name] = value;
  for (const auto& [name, value] : merged) {
    std::erase_if(env, [&](const EnvVar& var) { return var.name == name; });
    env.push_back({name, value, ""});
  }
  return env;
}

}  // namespace

sdk::Options options_of(std::string_view job_json) { return sdk::parse_job(job_json).platform; }

std::string base_name(const std::string& job_name, std::string_view submission_id) {
  return job_name + "-" + short_digest(submission_id);
}

JobPlan plan_job(std::string_view job_json, const KubeOptions& options, std::string_view submission_id,
                 const std::string& namespace_) {
  sdk::Job job = sdk::parse_job(job_json);
  JobPlan plan;
  plan.job_name = job.name;
  plan.submission_id = std::string(submission_id);
  plan.base = base_name(job.name, submission_id);
  plan.namespace_ = namespace_;
  plan.labels = job.labels;
  plan.max_restarts = job.failover.max_restarts;
  for (const auto& role : job.roles) {
    RolePlan r;
    r.name = role.name;
    r.object_name = options.kind == Kind::kJob ? plan.base + "-" + role.name : role.name;
    r.replicas = role.replicas;
    r.driver = role.driver;
    r.command = role.entrypoint;
    r.env = environment(job, role, plan.base, options);
    r.cpu = role.resources.cpu;
    r.gpu = role.resources.gpu;
    r.memory_bytes = role.resources.memory_bytes;
    plan.roles.push_back(std::move(r));
  }
  return plan;
}

void check_job(std::string_view job_json, std::string_view submission_id, const sdk::DiagnosticsOut& out) {
  sdk::Job job = sdk::parse_job(job_json);
  sdk::refuse_fields_not_honoured(
      job, "kubernetes", {},
      {{"roles.resources.gpu_share", "a pod's GPUs are an extended resource, which Kubernetes counts in whole units"},
       {"colocations", "each replica is a pod with GPUs of its own: pods do not share a device"}},
      out);
  KubeOptions options = KubeOptions::from(job.platform);
  std::string base = base_name(job.name, submission_id);
  if (!job.name.empty() && !(job.name.front() >= 'a' && job.name.front() <= 'z')) {
    out.error("name", "on Kubernetes the job name must start with a letter: it names the job's Service",
              "e.g. 'job-" + job.name + "'");
  }
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const auto& role = job.roles[i];  // its name is a DNS label and its env names identifiers (plugin.h)
    std::string longest = last_hostname(base, role, options.kind);
    if (longest.size() > kMaxLabelLength) {
      out.error(role_path(i).member("name"),
                "the pod hostnames of role '" + role.name + "' reach " + std::to_string(longest.size()) +
                    " characters ('" + longest + "'); Kubernetes allows 63",
                "shorten the job name or the role name by " + std::to_string(longest.size() - kMaxLabelLength) +
                    " characters");
    }
    if (role.per_node > 1 && options.kind != Kind::kElasticJob) {
      out.warning(role_path(i).member("per_node"),
                  "on Kubernetes every replica is a pod of its own, placed by the scheduler: per_node = " +
                      std::to_string(role.per_node) + " is not enforced, and each pod has LOCAL_RANK=0 and "
                      "LOCAL_WORLD_SIZE=1");
    }
  }
  for (const auto& [key, value] : job.labels) {
    const sdk::KeyPath path = sdk::KeyPath("labels").member(key);
    if (auto problem = qualified_name_problem(key)) out.error(path, "as a Kubernetes label: " + *problem);
    if (auto problem = label_value_problem(value)) out.error(path, "as a Kubernetes label: " + *problem);
  }
  if (options.kind == Kind::kElasticJob) {
    for (size_t i = 0; i < job.roles.size(); ++i) {
      const std::string& name = job.roles[i].name;
      if (name != "worker" && name != "ps" && name != "chief" && name != "evaluator") {
        out.error(role_path(i).member("name"),
                  "an ElasticJob's roles are DLRover's replica types; '" + name + "' is not one",
                  "name the role worker, ps, chief or evaluator");
      }
    }
  }
}

}  // namespace dlaunch::kubernetes
