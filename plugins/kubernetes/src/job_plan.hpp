// What a dlaunch job becomes on Kubernetes, before it is written as objects: names, and for every role its
// pods' command, environment and resources. job_plan.cpp is the only file that reads sdk::Job.
//
// The mapping (docs/kubernetes.md): every replica is one pod, and a role's pods are one Indexed Job
// (kind job), one replicatedJob (kind jobset) or one replica type (kind elasticjob). A pod's RANK is its
// completion index, WORLD_SIZE the role's replicas, MASTER_ADDR the stable DNS name of the role's index-0
// pod. Each pod is a node of its own to the processes in it (its own network and devices): LOCAL_RANK=0,
// LOCAL_WORLD_SIZE=1, NODE_RANK=RANK; per_node does not co-locate pods.
#ifndef DLAUNCH_KUBERNETES_JOB_PLAN_HPP_
#define DLAUNCH_KUBERNETES_JOB_PLAN_HPP_

#include "options.hpp"

#include <dlaunch/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::kubernetes {

// The annotation the Job controller sets on every pod of an Indexed Job: its completion index.
inline constexpr const char* kCompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";
// The labels the plugin puts on every object it creates, and looks objects up by.
inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "dlaunch";
inline constexpr const char* kJobLabel = "dlaunch.io/job";  // the job's base name: the native id's name part
inline constexpr const char* kNameLabel = "dlaunch.io/name";  // the dlaunch job's name
inline constexpr const char* kSubmissionLabel = "dlaunch.io/submission-id";
inline constexpr const char* kRoleLabel = "dlaunch.io/role";
// On a role's Job: "false" for a role whose end the job does not wait for (driver = false).
inline constexpr const char* kDriverAnnotation = "dlaunch.io/driver";
// On a role's Job: how many role Jobs the job has, which tells a submit cut short from a whole one.
inline constexpr const char* kRolesAnnotation = "dlaunch.io/roles";
inline constexpr const char* kContainerName = "main";

struct EnvVar {
  std::string name;
  std::string value;
  std::string field_path;  // set: the value comes from the pod through the downward API
};

struct RolePlan {
  std::string name;
  std::string object_name;  // kind job: the role's Job; jobset: the replicatedJob; elasticjob: the replica type
  int64_t replicas = 1;
  bool driver = true;
  std::vector<std::string> command;
  std::vector<EnvVar> env;  // the whole environment, in order
  double cpu = 1;
  int64_t gpu = 0;
  int64_t memory_bytes = 0;
};

struct JobPlan {
  std::string job_name;
  std::string submission_id;
  std::string base;        // every object's name starts with it: <job name>-<digest of the submission id>
  std::string namespace_;
  sdk::StringMap labels;   // the job's labels
  int64_t max_restarts = 0;
  std::vector<RolePlan> roles;
};

// Builds the plan. Assumes the job passed check_job (throws sdk::Error(INVALID_ARGUMENT) otherwise).
JobPlan plan_job(std::string_view job_json, const KubeOptions& options, std::string_view submission_id,
                 const std::string& namespace_);

// The checks of the job as Kubernetes will see it (names with every suffix, label syntax, what does not
// map), as located diagnostics.
void check_job(std::string_view job_json, std::string_view submission_id, const sdk::DiagnosticsOut& out);

// The options of a job document (its "platform" object).
sdk::Options options_of(std::string_view job_json);

// The base name of a job's objects for a submission id: the same id always gives the same name.
std::string base_name(const std::string& job_name, std::string_view submission_id);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_JOB_PLAN_HPP_
