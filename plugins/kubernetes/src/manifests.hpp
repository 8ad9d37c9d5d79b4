// The Kubernetes objects of a job plan, as the API takes them:
//  - kind job: a headless Service named <base> (every pod's stable name <pod hostname>.<base>) and one
//    Indexed batch/v1 Job per role, <base>-<role>, completions = parallelism = replicas;
//  - kind jobset: one JobSet (jobset.x-k8s.io/v1alpha2), a replicatedJob per role, whose controller makes
//    the Service; failurePolicy.maxRestarts = failover.max_restarts;
//  - kind elasticjob: one ElasticJob (elastic.iml.github.io/v1alpha1), a replicaSpec per role.
#ifndef DLAUNCH_KUBERNETES_MANIFESTS_HPP_
#define DLAUNCH_KUBERNETES_MANIFESTS_HPP_

#include "job_plan.hpp"
#include "options.hpp"

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

namespace dlaunch::kubernetes {

// Where objects of one kind live in the API.
struct ResourceType {
  const char* group_version;  // "v1", "batch/v1", ...
  const char* kind;
  const char* plural;
  // The collection's path in `namespace_`: /api/v1/namespaces/NS/services, /apis/batch/v1/namespaces/NS/jobs.
  std::string collection(const std::string& namespace_) const;
};

inline constexpr ResourceType kServices{"v1", "Service", "services"};
inline constexpr ResourceType kPods{"v1", "Pod", "pods"};
inline constexpr ResourceType kJobs{"batch/v1", "Job", "jobs"};
inline constexpr ResourceType kJobSets{"jobset.x-k8s.io/v1alpha2", "JobSet", "jobsets"};
inline constexpr ResourceType kElasticJobs{"elastic.iml.github.io/v1alpha1", "ElasticJob", "elasticjobs"};

// The resource a kind's top-level objects are (Jobs, the JobSet or the ElasticJob).
const ResourceType& workload_type(Kind kind);

struct Manifest {
  const ResourceType* type;
  std::string name;
  std::shared_ptr<rapidjson::Document> object;
};

// Every object of the job, in creation order. Throws sdk::Error(INVALID_ARGUMENT) when pod_template makes
// a pod template that is not an object.
std::vector<Manifest> build_manifests(const JobPlan& plan, const KubeOptions& options);

// The label selector of every object of a job: dlaunch.io/job=<base>.
std::string job_selector(const std::string& base);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_MANIFESTS_HPP_
