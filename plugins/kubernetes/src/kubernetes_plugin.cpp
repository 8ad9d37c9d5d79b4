#include "kubernetes_plugin.hpp"

#include "job_listing.hpp"
#include "job_plan.hpp"
#include "job_status.hpp"
#include "json.hpp"
#include "manifests.hpp"
#include "pod_logs.hpp"
#include "yaml_text.hpp"

#include <dlaunch/secrets.hpp>

#include <set>

namespace dlaunch::kubernetes {
namespace {

constexpr const char* kMergePatch = "application/merge-patch+json";
constexpr const char* kDeleteInBackground =
    R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})";

KubeOptions options_from_json(std::string_view options_json) {
  return KubeOptions::from(sdk::Options::parse(options_json));
}

std::string named_path(const ResourceType& type, const std::string& namespace_, const std::string& name) {
  return type.collection(namespace_) + "/" + name;
}

// A list of `type` in the namespace, `query` its "?labelSelector=...". An answer without an items array
// throws: never taken for "none of them".
rapidjson::Document list_of(const ApiClient& client, const ResourceType& type, const std::string& namespace_,
                            const std::string& query) {
  rapidjson::Document answer = client.get(type.collection(namespace_) + query);
  if (!json::at(answer, "items").IsArray()) {
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE,
                     client.access().server + " answered a list of " + type.plural + " without its items");
  }
  return answer;
}

void delete_named(const ApiClient& client, const ResourceType& type, const std::string& namespace_,
                  const std::vector<std::string>& names) {
  for (const auto& name : names) client.call("DELETE", named_path(type, namespace_, name), kDeleteInBackground, {404});
}

// The garbage collector removes a deleted job's pods in its own time; deleting them now leaves nothing behind.
void delete_pods(const ApiClient& client, const std::string& namespace_, const std::string& base) {
  client.call("DELETE", kPods.collection(namespace_) + "?labelSelector=" + selector_query(job_selector(base)), {}, {404});
}

// Deletes what a failed submit made, and says so; an object it cannot delete is named in a warning.
void roll_back(const ApiClient& client, const std::vector<const Manifest*>& made, const std::string& namespace_,
               const std::string& base, const sdk::Host& host) {
  if (made.empty()) return;
  try {
    for (const Manifest* manifest : made) delete_named(client, *manifest->type, namespace_, {manifest->name});
    delete_pods(client, namespace_, base);
    host.info("the submit failed: deleted the " + std::to_string(made.size()) + " object(s) it had made");
  } catch (const sdk::Error& error) {
    host.warn("the submit failed and what it made could not all be deleted (" + std::string(error.what()) +
              "): delete the objects labelled dlaunch.io/job=" + base + " in namespace '" + namespace_ + "'");
  }
}

// Environment values whose names look secret, shown as *** (the dry run's promise).
void mask_secrets(json::Value& value) {
  if (value.IsArray()) {
    for (auto& item : value.GetArray()) mask_secrets(item);
    return;
  }
  if (!value.IsObject()) return;
  auto name = value.FindMember("name");
  auto text = value.FindMember("value");
  if (name != value.MemberEnd() && text != value.MemberEnd() && name->value.IsString() && text->value.IsString() &&
      sdk::looks_secret(name->value.GetString())) {
    text->value.SetString(rapidjson::StringRef(sdk::kMasked.data(), sdk::kMasked.size()));
  }
  for (auto& m : value.GetObject()) mask_secrets(m.value);
}

// What the create of one object answered: created; or a 404 explained; or a 409: an object of that name that
// belongs to the same submission is the same job (a retried submit), one of another submission is an error.
void check_created(const ApiClient& client, const Manifest& manifest, const support::HttpResponse& response,
                   const std::string& namespace_, const std::string& submission_id, const sdk::Host& host) {
  if (response.ok()) return;
  if (response.status == 404) {
    // Either the namespace is missing, or the cluster does not serve this kind of object (a CRD not installed).
    rapidjson::Document answer = json::parse(response.body);
    if (json::text(answer, "details.kind") == "namespaces") {
      throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "namespace '" + namespace_ + "' does not exist on " +
                                                         client.access().server + "; create it, or set "
                                                         "[platform.kubernetes] namespace");
    }
    throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION,
                     client.access().server + " does not serve " + manifest.type->plural + " of " +
                         manifest.type->group_version + ": install its CustomResourceDefinition (and controller) first");
  }
  rapidjson::Document existing = client.get(named_path(*manifest.type, namespace_, manifest.name));
  std::string owner = submission_of(existing);
  if (owner != submission_id) {
    throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION,
                     std::string("a ") + manifest.type->kind + " named '" + manifest.name + "' already exists in namespace '" +
                         namespace_ + "'" + (owner.empty() ? " (not made by dlaunch)" : " for submission " + owner) +
                         "; delete it, or name the job differently");
  }
  host.debug(std::string(manifest.type->kind) + " " + manifest.name + " already exists for this submission");
}

}  // namespace

JobLocation JobLocation::parse(std::string_view native_id) {
  auto slash = native_id.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == native_id.size()) {
    throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "'" + std::string(native_id) + "' is not a Kubernetes job id (NAMESPACE/NAME)");
  }
  return JobLocation{std::string(native_id.substr(0, slash)), std::string(native_id.substr(slash + 1))};
}

void KubernetesPlugin::init(const sdk::InitContext& context) { host_ = context.host; }

std::optional<ClusterAccess> KubernetesPlugin::find_access(const KubeOptions& options) const {
  return load_access(options.kubeconfig, options.context, Environment::process());
}

std::string KubernetesPlugin::namespace_for(const KubeOptions& options, const std::optional<ClusterAccess>& access) const {
  if (!options.namespace_.empty()) return options.namespace_;
  if (access && !access->namespace_.empty()) return access->namespace_;
  return "default";
}

ApiClient KubernetesPlugin::connect(const KubeOptions& options) const {
  std::optional<ClusterAccess> access = find_access(options);
  if (!access) {
    throw sdk::Error(DLAUNCH_ERR_UNAVAILABLE,
                     "no Kubernetes cluster is configured: no kubeconfig (" +
                         kubeconfig_files("", Environment::process()).origin +
                         ") and not inside a cluster. Point KUBECONFIG at one, or set [platform.kubernetes] kubeconfig");
  }
  return ApiClient(std::move(*access), options.request_timeout, host_);
}

void KubernetesPlugin::validate(const sdk::JobRequest& request, const sdk::DiagnosticsOut& out) {
  sdk::Options options = options_of(request.job_json);
  validate_options(options, out);
  check_job(request.job_json, request.submission_id, out);
}

void KubernetesPlugin::dry_run(const sdk::JobRequest& request, const sdk::TextOut& out) {
  KubeOptions options = KubeOptions::from(options_of(request.job_json));
  // Offline: the kubeconfig only supplies the default namespace, and a missing one is no error here.
  std::optional<ClusterAccess> access;
  try {
    access = find_access(options);
  } catch (const sdk::Error&) {
  }
  std::string namespace_ = namespace_for(options, access);
  JobPlan plan = plan_job(request.job_json, options, request.submission_id, namespace_);
  std::string text = "# Kubernetes dry run: nothing is sent. `kubectl apply -f -` accepts these objects.\n";
  text += access ? "# server " + access->server + " (context '" + access->context + "', " + access->source + "), " +
                       describe_credentials(*access) + "\n"
                 : "# no cluster is configured (no kubeconfig, not in a cluster)\n";
  for (const auto& manifest : build_manifests(plan, options)) {
    mask_secrets(*manifest.object);
    text += "---\n" + to_yaml(*manifest.object);
  }
  out.write(text);
}

std::string KubernetesPlugin::submit(const sdk::JobRequest& request) {
  if (request.submission_id.empty()) {
    throw sdk::Error(DLAUNCH_ERR_INVALID_ARGUMENT, "the host passed no submission_id; it names the job's objects");
  }
  KubeOptions options = KubeOptions::from(options_of(request.job_json));
  ApiClient client = connect(options);
  std::string namespace_ = namespace_for(options, client.access());
  JobPlan plan = plan_job(request.job_json, options, request.submission_id, namespace_);
  std::vector<Manifest> manifests = build_manifests(plan, options);
  // The objects do not depend on each other (pods find the Service by name later): created at once, over
  // one connection.
  std::vector<ApiRequest> creates;
  for (const auto& manifest : manifests) {
    creates.push_back(ApiRequest{"POST", manifest.type->collection(namespace_), json::write(*manifest.object)});
  }
  std::vector<support::HttpResponse> answers = client.exchange_all(creates);
  size_t checked = 0;  // the answers before it say the object is this submission's: made, or its own 409
  try {
    for (; checked < manifests.size(); ++checked) {
      const support::HttpResponse& answer = answers[checked];
      if (answer.transport_failed() || (!answer.ok() && answer.status != 404 && answer.status != 409)) {
        client.fail(creates[checked].method, creates[checked].path, answer);
      }
      check_created(client, manifests[checked], answer, namespace_, plan.submission_id, host_);
    }
  } catch (const sdk::Error&) {
    // A failed submit leaves nothing behind: the host journals it as failed, with no handle to delete it by.
    std::vector<const Manifest*> made;
    for (size_t i = 0; i < manifests.size(); ++i) {
      if (answers[i].ok() || (i < checked && answers[i].status == 409)) made.push_back(&manifests[i]);
    }
    roll_back(client, made, namespace_, plan.base, host_);
    throw;
  }
  return JobLocation{namespace_, plan.base}.native_id();
}

sdk::JobStatus KubernetesPlugin::status_at(const ApiClient& client, const KubeOptions& options,
                                           const JobLocation& where) const {
  const std::string selector = "?labelSelector=" + selector_query(job_selector(where.base));
  rapidjson::Document pods = list_of(client, kPods, where.namespace_, selector);
  const auto& pod_items = json::at(pods, "items");
  if (options.kind == Kind::kJob) {
    rapidjson::Document jobs = list_of(client, kJobs, where.namespace_, selector);
    const auto& items = json::at(jobs, "items");
    if (!items.Empty()) return status_of_jobs(where.native_id(), items, pod_items);
    // No Job: a Service alone is what a submit cut short may leave, shown so that `delete` removes it.
    support::HttpResponse service = client.call("GET", named_path(kServices, where.namespace_, where.base), {}, {404});
    if (service.status == 404) {
      throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "no Kubernetes Jobs of job " + where.base + " in namespace '" +
                                                  where.namespace_ + "'");
    }
    return status_of_service_alone(where.native_id(), json::parse(service.body));
  }
  const ResourceType& type = workload_type(options.kind);
  rapidjson::Document object = client.get(named_path(type, where.namespace_, where.base));
  if (options.kind == Kind::kJobSet) return status_of_jobset(where.native_id(), object, pod_items);
  return status_of_elasticjob(where.native_id(), object, pod_items);
}

sdk::JobStatus KubernetesPlugin::status(const sdk::JobRef& ref) {
  KubeOptions options = options_from_json(ref.options_json);
  JobLocation where = JobLocation::parse(ref.native_id);
  return status_at(connect(options), options, where);
}

void KubernetesPlugin::logs(const sdk::JobRef& ref, bool follow, const sdk::TextOut& out) {
  KubeOptions options = options_from_json(ref.options_json);
  JobLocation where = JobLocation::parse(ref.native_id);
  ApiClient client = connect(options);
  const std::string selector = selector_query(job_selector(where.base));
  if (!follow) {
    status_at(client, options, where);  // NOT_FOUND for a job that is not there
    write_logs(client, where.namespace_, selector, out);
    return;
  }
  follow_logs(client, where.namespace_, selector, [&] { return status_at(client, options, where).terminal(); }, host_,
              out);
}

void KubernetesPlugin::stop(const sdk::JobRef& ref) {
  KubeOptions options = options_from_json(ref.options_json);
  JobLocation where = JobLocation::parse(ref.native_id);
  ApiClient client = connect(options);
  const std::string suspend = R"({"spec":{"suspend":true}})";
  if (options.kind != Kind::kJob) {
    client.call("PATCH", named_path(workload_type(options.kind), where.namespace_, where.base), suspend, {}, kMergePatch);
    return;
  }
  rapidjson::Document jobs =
      list_of(client, kJobs, where.namespace_, "?labelSelector=" + selector_query(job_selector(where.base)));
  const auto& items = json::at(jobs, "items");
  if (items.Empty()) {
    throw sdk::Error(DLAUNCH_ERR_NOT_FOUND, "no Kubernetes Jobs of job " + where.base + " in namespace '" + where.namespace_ + "'");
  }
  // A suspended Job's controller deletes its running pods; Jobs that ended stay as they are.
  for (const auto& job : items.GetArray()) {
    if (json::text(job, "status.completionTime").size() > 0) continue;
    bool ended = false;
    const auto& conditions = json::at(job, "status.conditions");
    if (conditions.IsArray()) {
      for (const auto& c : conditions.GetArray()) {
        std::string type = json::text(c, "type");
        ended = ended || ((type == "Failed" || type == "Complete") && json::text(c, "status") == "True");
      }
    }
    if (ended) continue;
    client.call("PATCH", named_path(kJobs, where.namespace_, json::text(job, "metadata.name")), suspend, {404},
                kMergePatch);
  }
}

void KubernetesPlugin::delete_job(const sdk::JobRef& ref) {
  KubeOptions options = options_from_json(ref.options_json);
  JobLocation where = JobLocation::parse(ref.native_id);
  ApiClient client = connect(options);
  sdk::JobStatus status = status_at(client, options, where);
  if (!status.terminal()) {
    throw sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION, "job " + where.native_id() + " has not ended (" +
                                                          status.native_state + "); stop it first: dlaunch stop kubernetes:" +
                                                          where.native_id());
  }
  if (options.kind == Kind::kJob) {
    rapidjson::Document jobs =
        list_of(client, kJobs, where.namespace_, "?labelSelector=" + selector_query(job_selector(where.base)));
    std::vector<std::string> names;
    for (const auto& job : json::at(jobs, "items").GetArray()) names.push_back(json::text(job, "metadata.name"));
    delete_named(client, kJobs, where.namespace_, names);
    delete_named(client, kServices, where.namespace_, {where.base});
  } else {
    delete_named(client, workload_type(options.kind), where.namespace_, {where.base});
  }
  delete_pods(client, where.namespace_, where.base);
}

void KubernetesPlugin::list(std::string_view options_json, const sdk::StatusOut& out) {
  KubeOptions options = options_from_json(options_json);
  ApiClient client = connect(options);
  std::string namespace_ = namespace_for(options, client.access());
  const std::string managed = "?labelSelector=" + selector_query(std::string(kManagedByLabel) + "=" + kManagedByValue);
  rapidjson::Document pods = list_of(client, kPods, namespace_, managed);
  rapidjson::Document objects = list_of(client, workload_type(options.kind), namespace_, managed);
  for (const auto& job : listed_jobs(namespace_, options.kind, json::at(objects, "items"), json::at(pods, "items"))) {
    if (!out.report(job.status)) return;
  }
}

// Kubernetes keeps objects until they are deleted, so a submission none of whose objects is listed was never
// accepted (dlaunch delete needs the handle the killed submit did not journal; only a deletion by hand can
// hide one). No age limit, then. One list of the batch's workload objects (and, for kind job, one of their
// Services); a list that fails, or answers without its items, throws: never taken for "none of them".
//
// Nothing is changed: requests a killed submit sent may still be processed by the API server after this
// answer, and the native id is the same whatever part of a job exists. A kind-job submit cut short between its
// creates (a Service alone, or fewer role Jobs than dlaunch.io/roles says) is reported held, FAILED as status
// shows it, so a create landing later belongs to a journaled job and `dlaunch delete` removes all of it. The
// state is read from the workload objects alone (no pods: the host needs the handle; status reads them).
void KubernetesPlugin::find_submissions(const std::vector<std::string_view>& submission_ids,
                                        std::string_view options_json, int64_t /*since_ms*/, const sdk::StatusOut& out) {
  if (submission_ids.empty()) return;
  KubeOptions options = options_from_json(options_json);
  ApiClient client = connect(options);
  std::string namespace_ = namespace_for(options, client.access());
  const std::string selector = "?labelSelector=" + selector_query(submissions_selector(submission_ids));
  rapidjson::Document objects = list_of(client, workload_type(options.kind), namespace_, selector);
  const rapidjson::Value no_pods(rapidjson::kArrayType);
  std::vector<ListedJob> found = listed_jobs(namespace_, options.kind, json::at(objects, "items"), no_pods);
  if (options.kind == Kind::kJob) {
    rapidjson::Document services = list_of(client, kServices, namespace_, selector);
    for (auto& alone : services_alone(namespace_, json::at(objects, "items"), json::at(services, "items"))) {
      found.push_back(std::move(alone));
    }
  }
  const std::set<std::string_view> wanted(submission_ids.begin(), submission_ids.end());
  for (auto& job : found) {
    if (!wanted.contains(job.submission_id)) continue;  // another id of the same digest
    job.status.submission_id = job.submission_id;
    if (!out.report(job.status)) return;
  }
}

}  // namespace dlaunch::kubernetes
