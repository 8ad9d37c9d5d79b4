#include "manifests.hpp"

#include "job_listing.hpp"
#include "json.hpp"
#include "names.hpp"

#include <dlaunch/plugin.hpp>

namespace dlaunch::kubernetes {
namespace {

using json::Allocator;
using json::Value;

Value str(const std::string& text, Allocator& a) { return json::string(text, a); }

Value string_map(const sdk::StringMap& map, Allocator& a) {
  Value object(rapidjson::kObjectType);
  for (const auto& [key, value] : map) object.AddMember(str(key, a), str(value, a), a);
  return object;
}

// The labels every object of the job carries.
sdk::StringMap object_labels(const JobPlan& plan) {
  sdk::StringMap labels = plan.labels;
  labels[kManagedByLabel] = kManagedByValue;
  labels[kJobLabel] = plan.base;
  labels[kNameLabel] = plan.job_name;
  labels[kSubmissionLabel] = submission_label(plan.submission_id);
  return labels;
}

// A top-level object's metadata: annotated with the whole submission id, which the label may only digest.
Value metadata(const std::string& name, const JobPlan& plan, const sdk::StringMap& labels, Allocator& a) {
  Value meta(rapidjson::kObjectType);
  meta.AddMember("name", str(name, a), a);
  meta.AddMember("namespace", str(plan.namespace_, a), a);
  meta.AddMember("labels", string_map(labels, a), a);
  Value annotations(rapidjson::kObjectType);
  annotations.AddMember(rapidjson::StringRef(kSubmissionLabel), str(plan.submission_id, a), a);
  meta.AddMember("annotations", annotations, a);
  return meta;
}

std::shared_ptr<rapidjson::Document> object_of(const ResourceType& type) {
  auto doc = std::make_shared<rapidjson::Document>();
  doc->SetObject();
  auto& a = doc->GetAllocator();
  doc->AddMember("apiVersion", rapidjson::StringRef(type.group_version), a);
  doc->AddMember("kind", rapidjson::StringRef(type.kind), a);
  return doc;
}

Value container(const RolePlan& role, const KubeOptions& options, Allocator& a) {
  Value c(rapidjson::kObjectType);
  c.AddMember("name", rapidjson::StringRef(kContainerName), a);
  c.AddMember("image", str(options.image, a), a);
  if (!options.image_pull_policy.empty()) c.AddMember("imagePullPolicy", str(options.image_pull_policy, a), a);
  Value command(rapidjson::kArrayType);
  for (const auto& arg : role.command) command.PushBack(str(arg, a), a);
  c.AddMember("command", command, a);
  Value env(rapidjson::kArrayType);
  for (const auto& var : role.env) {
    Value entry(rapidjson::kObjectType);
    entry.AddMember("name", str(var.name, a), a);
    if (var.field_path.empty()) {
      entry.AddMember("value", str(var.value, a), a);
    } else {
      Value field(rapidjson::kObjectType);
      field.AddMember("fieldPath", str(var.field_path, a), a);
      Value from(rapidjson::kObjectType);
      from.AddMember("fieldRef", field, a);
      entry.AddMember("valueFrom", from, a);
    }
    env.PushBack(entry, a);
  }
  c.AddMember("env", env, a);
  // CPU and memory are requested (what the scheduler reserves); memory is also the limit, as on the other
  // platforms. No CPU limit: it would throttle the process below what it was given room for.
  Value requests(rapidjson::kObjectType);
  Value limits(rapidjson::kObjectType);
  requests.AddMember("cpu", str(cpu_quantity(role.cpu), a), a);
  if (role.memory_bytes > 0) {
    requests.AddMember("memory", str(memory_quantity(role.memory_bytes), a), a);
    limits.AddMember("memory", str(memory_quantity(role.memory_bytes), a), a);
  }
  if (role.gpu > 0) limits.AddMember(str(options.gpu_resource, a), str(std::to_string(role.gpu), a), a);
  Value resources(rapidjson::kObjectType);
  resources.AddMember("requests", requests, a);
  if (limits.MemberCount() > 0) resources.AddMember("limits", limits, a);
  c.AddMember("resources", resources, a);
  return c;
}

Value pod_template(const JobPlan& plan, const RolePlan& role, const KubeOptions& options, const Value& patch,
                   Allocator& a) {
  sdk::StringMap labels = object_labels(plan);
  labels[kRoleLabel] = role.name;
  for (const auto& [key, value] : options.labels) labels[key] = value;
  Value meta(rapidjson::kObjectType);
  meta.AddMember("labels", string_map(labels, a), a);
  if (!options.annotations.empty()) meta.AddMember("annotations", string_map(options.annotations, a), a);

  Value spec(rapidjson::kObjectType);
  spec.AddMember("restartPolicy", "Never", a);
  if (options.kind == Kind::kJob) spec.AddMember("subdomain", str(plan.base, a), a);
  if (!options.service_account.empty()) spec.AddMember("serviceAccountName", str(options.service_account, a), a);
  if (!options.priority_class.empty()) spec.AddMember("priorityClassName", str(options.priority_class, a), a);
  if (!options.node_selector.empty()) spec.AddMember("nodeSelector", string_map(options.node_selector, a), a);
  if (!options.image_pull_secrets.empty()) {
    Value secrets(rapidjson::kArrayType);
    for (const auto& name : options.image_pull_secrets) {
      Value ref(rapidjson::kObjectType);
      ref.AddMember("name", str(name, a), a);
      secrets.PushBack(ref, a);
    }
    spec.AddMember("imagePullSecrets", secrets, a);
  }
  rapidjson::Document tolerations = json::parse(options.tolerations_json);
  if (tolerations.IsArray() && !tolerations.Empty()) spec.AddMember("tolerations", Value(tolerations, a), a);
  Value containers(rapidjson::kArrayType);
  containers.PushBack(container(role, options, a), a);
  spec.AddMember("containers", containers, a);

  Value pod(rapidjson::kObjectType);
  pod.AddMember("metadata", meta, a);
  pod.AddMember("spec", spec, a);
  json::merge_patch(pod, patch, a);
  if (!pod.IsObject() || !json::at(pod, "spec").IsObject()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "platform.kubernetes.pod_template leaves the pod template without a spec");
  }
  return pod;
}

// An Indexed Job's spec: one pod per replica, index = RANK.
Value indexed_job_spec(const JobPlan& plan, const RolePlan& role, const KubeOptions& options, int64_t backoff_limit,
                       const Value& patch, Allocator& a) {
  Value spec(rapidjson::kObjectType);
  spec.AddMember("completionMode", "Indexed", a);
  spec.AddMember("completions", role.replicas, a);
  spec.AddMember("parallelism", role.replicas, a);
  spec.AddMember("backoffLimit", backoff_limit, a);
  spec.AddMember("template", pod_template(plan, role, options, patch, a), a);
  return spec;
}

std::vector<Manifest> job_manifests(const JobPlan& plan, const KubeOptions& options, const Value& patch) {
  std::vector<Manifest> manifests;
  sdk::StringMap labels = object_labels(plan);
  {
    auto service = object_of(kServices);
    auto& a = service->GetAllocator();
    json::set(*service, "metadata", metadata(plan.base, plan, labels, a), a);
    Value spec(rapidjson::kObjectType);
    spec.AddMember("clusterIP", "None", a);
    Value selector(rapidjson::kObjectType);
    selector.AddMember(rapidjson::StringRef(kJobLabel), str(plan.base, a), a);
    spec.AddMember("selector", selector, a);
    // Ranks look each other up before they are ready (rendezvous happens during start-up).
    spec.AddMember("publishNotReadyAddresses", true, a);
    service->AddMember("spec", spec, a);
    manifests.push_back({&kServices, plan.base, service});
  }
  for (const auto& role : plan.roles) {
    auto job = object_of(kJobs);
    auto& a = job->GetAllocator();
    sdk::StringMap role_labels = labels;
    role_labels[kRoleLabel] = role.name;
    Value meta = metadata(role.object_name, plan, role_labels, a);
    meta["annotations"].AddMember(rapidjson::StringRef(kDriverAnnotation),
                                  rapidjson::StringRef(role.driver ? "true" : "false"), a);
    meta["annotations"].AddMember(rapidjson::StringRef(kRolesAnnotation), str(std::to_string(plan.roles.size()), a), a);
    json::set(*job, "metadata", std::move(meta), a);
    // failover.max_restarts: how many failed pods the role's Job replaces before it fails.
    job->AddMember("spec", indexed_job_spec(plan, role, options, plan.max_restarts, patch, a), a);
    manifests.push_back({&kJobs, role.object_name, job});
  }
  return manifests;
}

std::vector<Manifest> jobset_manifests(const JobPlan& plan, const KubeOptions& options, const Value& patch) {
  auto jobset = object_of(kJobSets);
  auto& a = jobset->GetAllocator();
  json::set(*jobset, "metadata", metadata(plan.base, plan, object_labels(plan), a), a);
  Value spec(rapidjson::kObjectType);
  Value network(rapidjson::kObjectType);
  network.AddMember("enableDNSHostnames", true, a);
  network.AddMember("publishNotReadyAddresses", true, a);
  spec.AddMember("network", network, a);
  // Whole-job restarts: any failed Job restarts the JobSet, at most max_restarts times.
  Value failure(rapidjson::kObjectType);
  failure.AddMember("maxRestarts", plan.max_restarts, a);
  spec.AddMember("failurePolicy", failure, a);
  Value success(rapidjson::kObjectType);
  success.AddMember("operator", "All", a);
  Value targets(rapidjson::kArrayType);
  for (const auto& role : plan.roles) {
    if (role.driver) targets.PushBack(str(role.name, a), a);
  }
  success.AddMember("targetReplicatedJobs", targets, a);
  spec.AddMember("successPolicy", success, a);
  Value replicated(rapidjson::kArrayType);
  for (const auto& role : plan.roles) {
    Value rjob(rapidjson::kObjectType);
    rjob.AddMember("name", str(role.name, a), a);
    rjob.AddMember("replicas", 1, a);
    Value job_template(rapidjson::kObjectType);
    job_template.AddMember("spec", indexed_job_spec(plan, role, options, 0, patch, a), a);
    rjob.AddMember("template", job_template, a);
    replicated.PushBack(rjob, a);
  }
  spec.AddMember("replicatedJobs", replicated, a);
  jobset->AddMember("spec", spec, a);
  return {{&kJobSets, plan.base, jobset}};
}

std::vector<Manifest> elasticjob_manifests(const JobPlan& plan, const KubeOptions& options, const Value& patch) {
  auto elastic = object_of(kElasticJobs);
  auto& a = elastic->GetAllocator();
  json::set(*elastic, "metadata", metadata(plan.base, plan, object_labels(plan), a), a);
  Value spec(rapidjson::kObjectType);
  bool has_ps = false;
  for (const auto& role : plan.roles) has_ps = has_ps || role.name == "ps";
  spec.AddMember("distributionStrategy",
                 rapidjson::StringRef(has_ps ? "ParameterServerStrategy" : "AllreduceStrategy"), a);
  Value replicas(rapidjson::kObjectType);
  for (const auto& role : plan.roles) {
    Value replica(rapidjson::kObjectType);
    replica.AddMember("replicas", role.replicas, a);
    // DLRover relaunches a failed pod of this type up to restartCount times.
    replica.AddMember("restartCount", plan.max_restarts, a);
    replica.AddMember("template", pod_template(plan, role, options, patch, a), a);
    replicas.AddMember(str(role.name, a), replica, a);
  }
  spec.AddMember("replicaSpecs", replicas, a);
  elastic->AddMember("spec", spec, a);
  return {{&kElasticJobs, plan.base, elastic}};
}

}  // namespace

std::string ResourceType::collection(const std::string& namespace_) const {
  std::string gv = group_version;
  std::string prefix = gv.find('/') == std::string::npos ? "/api/" + gv : "/apis/" + gv;
  return prefix + "/namespaces/" + namespace_ + "/" + plural;
}

const ResourceType& workload_type(Kind kind) {
  switch (kind) {
    case Kind::kJobSet:
      return kJobSets;
    case Kind::kElasticJob:
      return kElasticJobs;
    case Kind::kJob:
      break;
  }
  return kJobs;
}

std::vector<Manifest> build_manifests(const JobPlan& plan, const KubeOptions& options) {
  rapidjson::Document patch = json::parse(options.pod_template_json);
  if (!patch.IsObject()) patch.SetObject();
  switch (options.kind) {
    case Kind::kJobSet:
      return jobset_manifests(plan, options, patch);
    case Kind::kElasticJob:
      return elasticjob_manifests(plan, options, patch);
    case Kind::kJob:
      break;
  }
  return job_manifests(plan, options, patch);
}

std::string job_selector(const std::string& base) { return std::string(kJobLabel) + "=" + base; }

}  // namespace dlaunch::kubernetes
