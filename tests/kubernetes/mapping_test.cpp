// Names, quantities, the objects a job becomes, their YAML, and the status read back from objects: the
// plugin's pure functions, without a cluster.
#include "job_plan.hpp"
#include "job_status.hpp"
#include "json.hpp"
#include "manifests.hpp"
#include "names.hpp"
#include "yaml_text.hpp"

#include <dlaunch/job_document.hpp>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace dlaunch::kubernetes {
namespace {

// A two-role job: 2 trainers (2 GPUs, 1.5 CPUs, 3 GiB) and one non-driver evaluator.
std::string two_role_job(const std::string& platform = R"({"image":"busybox:1.36","kind":"job","master_port":29500})") {
  sdk::Job job;
  job.name = "ddp";
  job.spec_file = "/s/ddp.toml";
  job.working_dir = "/s";
  job.env = {{"SHARED", "job"}, {"HF_TOKEN", "hf_secret"}};
  job.labels = {{"team", "nlp"}};
  job.failover.max_restarts = 2;
  sdk::Role& trainer = job.roles.emplace_back();
  trainer.name = "trainer";
  trainer.entrypoint = {"python3", "train.py"};
  trainer.replicas = 2;
  trainer.resources = {.cpu = 1.5, .gpu = 2, .memory_bytes = 3221225472};
  trainer.env = {{"SHARED", "role"}};
  sdk::Role& evaluator = job.roles.emplace_back();
  evaluator.name = "evaluator";
  evaluator.entrypoint = {"/bin/sh", "-c", "echo 1"};
  evaluator.driver = false;
  job.platform = sdk::Options::parse(platform);
  return sdk::write_job(job);
}

JobPlan plan_of(const std::string& job_json) {
  KubeOptions options = KubeOptions::from(options_of(job_json));
  return plan_job(job_json, options, "dlaunch-ddp-0123456789ab", "ns1");
}

std::map<std::string, std::string> env_of(const json::Value& container) {
  std::map<std::string, std::string> env;
  for (const auto& var : json::at(container, "env").GetArray()) {
    std::string value = var.HasMember("value") ? json::text(var, "value") : "from:" + json::text(var, "valueFrom.fieldRef.fieldPath");
    env[json::text(var, "name")] = value;
  }
  return env;
}

TEST(Names, DnsLabels) {
  EXPECT_FALSE(dns_label_problem("ddp-0a1b-trainer"));
  EXPECT_TRUE(dns_label_problem("Trainer"));
  EXPECT_TRUE(dns_label_problem("-x"));
  EXPECT_TRUE(dns_label_problem(std::string(64, 'a')));
  EXPECT_FALSE(dns_label_problem(std::string(63, 'a')));
  EXPECT_FALSE(dns_subdomain_problem("nvidia.com"));
  EXPECT_TRUE(dns_subdomain_problem("nvidia..com"));
}

TEST(Names, LabelKeysAndValues) {
  EXPECT_FALSE(qualified_name_problem("app.kubernetes.io/name"));
  EXPECT_FALSE(qualified_name_problem("team"));
  EXPECT_TRUE(qualified_name_problem("bad key"));
  EXPECT_TRUE(qualified_name_problem("Bad_Prefix/x"));
  EXPECT_FALSE(label_value_problem(""));
  EXPECT_FALSE(label_value_problem("v1.2_beta-3"));
  EXPECT_TRUE(label_value_problem("has space"));
  EXPECT_TRUE(label_value_problem("-x"));
}

TEST(Names, Quantities) {
  EXPECT_EQ(cpu_quantity(1), "1");
  EXPECT_EQ(cpu_quantity(1.5), "1500m");
  EXPECT_EQ(cpu_quantity(0.0001), "1m");  // rounded up to the API's resolution
  EXPECT_EQ(memory_quantity(3221225472), "3Gi");
  EXPECT_EQ(memory_quantity(256 * 1024 * 1024), "256Mi");
  EXPECT_EQ(memory_quantity(1000), "1000");
  EXPECT_EQ(memory_quantity(1536 * 1024), "1536Ki");
}

TEST(Plan, NamesComeFromTheSubmissionId) {
  std::string job = two_role_job();
  JobPlan a = plan_of(job);
  EXPECT_EQ(a.base, "ddp-" + short_digest("dlaunch-ddp-0123456789ab"));
  EXPECT_EQ(a.base, plan_of(job).base);  // the same submission: the same names
  KubeOptions options = KubeOptions::from(options_of(job));
  EXPECT_NE(plan_job(job, options, "dlaunch-ddp-ffffffffffff", "ns1").base, a.base);
}

TEST(Manifests, IndexedJobPerRoleAndAHeadlessService) {
  JobPlan plan = plan_of(two_role_job());
  KubeOptions options = KubeOptions::from(options_of(two_role_job()));
  auto manifests = build_manifests(plan, options);
  ASSERT_EQ(manifests.size(), 3u);
  const auto& service = *manifests[0].object;
  EXPECT_EQ(json::text(service, "kind"), "Service");
  EXPECT_EQ(json::text(service, "metadata.name"), plan.base);
  EXPECT_EQ(json::text(service, "spec.clusterIP"), "None");
  EXPECT_EQ(json::member(json::at(service, "spec.selector"), kJobLabel), plan.base);
  EXPECT_EQ(json::member(json::at(service, "metadata.annotations"), kSubmissionLabel), "dlaunch-ddp-0123456789ab");

  const auto& trainer = *manifests[1].object;
  EXPECT_EQ(json::text(trainer, "apiVersion"), "batch/v1");
  EXPECT_EQ(json::text(trainer, "metadata.name"), plan.base + "-trainer");
  EXPECT_EQ(json::text(trainer, "metadata.namespace"), "ns1");
  EXPECT_EQ(json::text(trainer, "spec.completionMode"), "Indexed");
  EXPECT_EQ(json::integer(trainer, "spec.completions"), 2);
  EXPECT_EQ(json::integer(trainer, "spec.parallelism"), 2);
  EXPECT_EQ(json::integer(trainer, "spec.backoffLimit"), 2);  // failover.max_restarts
  const auto& labels = json::at(trainer, "metadata.labels");
  EXPECT_EQ(json::member(labels, kManagedByLabel), "dlaunch");
  EXPECT_EQ(json::member(labels, kSubmissionLabel), "dlaunch-ddp-0123456789ab");
  EXPECT_EQ(json::member(json::at(trainer, "metadata.annotations"), kSubmissionLabel), "dlaunch-ddp-0123456789ab");
  EXPECT_EQ(json::member(json::at(trainer, "spec.template.metadata.labels"), kSubmissionLabel), "dlaunch-ddp-0123456789ab");
  EXPECT_EQ(json::member(labels, "team"), "nlp");
  EXPECT_EQ(json::text(trainer, "spec.template.spec.subdomain"), plan.base);
  EXPECT_EQ(json::text(trainer, "spec.template.spec.restartPolicy"), "Never");

  const auto& container = json::at(trainer, "spec.template.spec.containers")[0];
  EXPECT_EQ(json::text(container, "image"), "busybox:1.36");
  auto env = env_of(container);
  EXPECT_EQ(env["RANK"], std::string("from:metadata.annotations['") + kCompletionIndexAnnotation + "']");
  EXPECT_EQ(env["WORLD_SIZE"], "2");
  EXPECT_EQ(env["LOCAL_RANK"], "0");
  EXPECT_EQ(env["LOCAL_WORLD_SIZE"], "1");
  EXPECT_EQ(env["MASTER_ADDR"], plan.base + "-trainer-0." + plan.base);
  EXPECT_EQ(env["MASTER_PORT"], "29500");
  EXPECT_EQ(env["DLAUNCH_JOB"], "ddp");
  EXPECT_EQ(env["DLAUNCH_ROLE"], "trainer");
  EXPECT_EQ(env["SHARED"], "role");  // the role's env wins over the job's
  EXPECT_EQ(json::text(container, "resources.requests.cpu"), "1500m");
  EXPECT_EQ(json::text(container, "resources.requests.memory"), "3Gi");
  EXPECT_EQ(json::text(container, "resources.limits.memory"), "3Gi");
  EXPECT_EQ(json::member(json::at(container, "resources.limits"), "nvidia.com/gpu"), "2");

  const auto& evaluator = *manifests[2].object;
  auto evaluator_env = env_of(json::at(evaluator, "spec.template.spec.containers")[0]);
  EXPECT_EQ(evaluator_env["WORLD_SIZE"], "1");  // ranks count the role's own replicas
  EXPECT_EQ(evaluator_env["MASTER_ADDR"], plan.base + "-evaluator-0." + plan.base);
  EXPECT_EQ(json::member(json::at(evaluator, "metadata.annotations"), kDriverAnnotation), "false");
  EXPECT_EQ(json::member(json::at(evaluator, "metadata.annotations"), kRolesAnnotation), "2");
}

TEST(Manifests, OptionsAndThePodTemplatePatch) {
  std::string job = two_role_job(
      R"({"image":"img","gpu_resource":"amd.com/gpu","service_account":"trainer","node_selector":{"pool":"gpu"},)"
      R"("tolerations":[{"key":"gpu","operator":"Exists"}],"labels":{"x":"y"},"annotations":{"note":"1"},)"
      R"("image_pull_secrets":["regcred"],"priority_class":"high",)"
      R"("pod_template":{"spec":{"hostNetwork":true,"restartPolicy":null},"metadata":{"labels":{"x":"z"}}}})");
  JobPlan plan = plan_of(job);
  auto manifests = build_manifests(plan, KubeOptions::from(options_of(job)));
  const auto& pod = json::at(*manifests[1].object, "spec.template");
  EXPECT_TRUE(json::at(pod, "spec.hostNetwork").IsTrue());
  EXPECT_FALSE(json::at(pod, "spec").HasMember("restartPolicy"));  // null deletes
  EXPECT_EQ(json::member(json::at(pod, "metadata.labels"), "x"), "z");  // the patch comes last
  EXPECT_EQ(json::text(pod, "spec.serviceAccountName"), "trainer");
  EXPECT_EQ(json::text(pod, "spec.priorityClassName"), "high");
  EXPECT_EQ(json::text(pod, "spec.nodeSelector.pool"), "gpu");
  EXPECT_EQ(json::text(json::at(pod, "spec.tolerations")[0], "key"), "gpu");
  EXPECT_EQ(json::text(json::at(pod, "spec.imagePullSecrets")[0], "name"), "regcred");
  EXPECT_EQ(json::member(json::at(pod, "metadata.annotations"), "note"), "1");
  const auto& container = json::at(pod, "spec.containers")[0];
  EXPECT_EQ(json::member(json::at(container, "resources.limits"), "amd.com/gpu"), "2");
}

TEST(Manifests, JobSetRestartsTheWholeJobMaxRestartsTimes) {
  std::string job = two_role_job(R"({"image":"img","kind":"jobset"})");
  JobPlan plan = plan_of(job);
  auto manifests = build_manifests(plan, KubeOptions::from(options_of(job)));
  ASSERT_EQ(manifests.size(), 1u);
  const auto& jobset = *manifests[0].object;
  EXPECT_EQ(json::text(jobset, "apiVersion"), "jobset.x-k8s.io/v1alpha2");
  EXPECT_EQ(json::integer(jobset, "spec.failurePolicy.maxRestarts"), 2);
  const auto& replicated = json::at(jobset, "spec.replicatedJobs");
  ASSERT_EQ(replicated.Size(), 2u);
  EXPECT_EQ(json::text(replicated[0], "name"), "trainer");
  EXPECT_EQ(json::integer(replicated[0], "template.spec.completions"), 2);
  EXPECT_EQ(json::integer(replicated[0], "template.spec.backoffLimit"), 0);
  EXPECT_EQ(json::at(jobset, "spec.successPolicy.targetReplicatedJobs").Size(), 1u);  // drivers only
  auto env = env_of(json::at(replicated[0], "template.spec.template.spec.containers")[0]);
  EXPECT_EQ(env["MASTER_ADDR"], plan.base + "-trainer-0-0." + plan.base);
}

TEST(Manifests, ElasticJobHasAReplicaSpecPerRole) {
  sdk::Job elastic_job;
  elastic_job.name = "el";
  elastic_job.failover.max_restarts = 3;
  elastic_job.roles.push_back({.name = "worker", .entrypoint = {"dlrover-run", "t.py"}, .replicas = 3});
  elastic_job.platform = sdk::Options::parse(R"({"image":"img","kind":"elasticjob"})");
  const std::string job = sdk::write_job(elastic_job);
  JobPlan plan = plan_of(job);
  auto manifests = build_manifests(plan, KubeOptions::from(options_of(job)));
  ASSERT_EQ(manifests.size(), 1u);
  const auto& elastic = *manifests[0].object;
  EXPECT_EQ(json::text(elastic, "kind"), "ElasticJob");
  EXPECT_EQ(json::text(elastic, "spec.distributionStrategy"), "AllreduceStrategy");
  EXPECT_EQ(json::integer(elastic, "spec.replicaSpecs.worker.replicas"), 3);
  EXPECT_EQ(json::integer(elastic, "spec.replicaSpecs.worker.restartCount"), 3);
}

TEST(Yaml, ReadsBackAsTheSameStrings) {
  std::string job = two_role_job();
  auto manifests = build_manifests(plan_of(job), KubeOptions::from(options_of(job)));
  YAML::Node node = YAML::Load(to_yaml(*manifests[1].object));
  auto env = node["spec"]["template"]["spec"]["containers"][0]["env"];
  bool saw_world_size = false;
  for (const auto& var : env) {
    if (var["name"].as<std::string>() != "WORLD_SIZE") continue;
    saw_world_size = true;
    // Quoted: a YAML reader would make a bare 2 a number, which the API refuses for an env value.
    EXPECT_EQ(var["value"].Tag(), "!");
    EXPECT_EQ(var["value"].as<std::string>(), "2");
  }
  EXPECT_TRUE(saw_world_size);
  EXPECT_EQ(node["spec"]["completions"].as<int>(), 2);
  json::Value text(rapidjson::kStringType);
  rapidjson::Document doc;
  for (const char* s : {"yes", "on", "null", "1.5", "-x", "", "a\nb", "plain", "x\n", "a\n\n", " a\nb\n",
                        "import os\n\nif x:\n    print(\"#: {y}\")\n  - 'z'\n"}) {
    doc.SetString(s, doc.GetAllocator());
    EXPECT_EQ(YAML::Load(to_yaml(doc)).as<std::string>(), s) << s;
  }
}

TEST(Checks, NamesThatGrowTooLongAreLocated) {
  struct Found {
    std::vector<std::pair<std::string, std::string>> errors, warnings;
  } found;
  dlaunch_diagnostic_sink sink{};
  sink.context = &found;
  sink.report = [](void* context, int32_t severity, const char* path, const char* message, const char*) {
    auto* f = static_cast<Found*>(context);
    (severity == DLAUNCH_SEVERITY_ERROR ? f->errors : f->warnings).emplace_back(path, message);
  };
  std::string long_name(50, 'a');
  sdk::Job long_job;
  long_job.name = long_name;
  long_job.labels = {{"bad key", "v"}};
  long_job.roles.push_back({.name = "trainer", .entrypoint = {"x"}, .replicas = 10, .per_node = 2});
  long_job.platform = sdk::Options::parse(R"({"image":"i"})");
  const std::string job = sdk::write_job(long_job);
  check_job(job, "dlaunch-x-0123456789ab", sdk::DiagnosticsOut(&sink));
  ASSERT_EQ(found.errors.size(), 2u);
  EXPECT_EQ(found.errors[0].first, "roles[0].name");
  EXPECT_NE(found.errors[0].second.find("reach 69 characters"), std::string::npos) << found.errors[0].second;
  EXPECT_EQ(found.errors[1].first, "labels.bad key");
  ASSERT_EQ(found.warnings.size(), 1u);
  EXPECT_EQ(found.warnings[0].first, "roles[0].per_node");
}

TEST(Checks, OptionsTheDeclaredTypesCannotCheck) {
  std::vector<std::string> paths;
  dlaunch_diagnostic_sink sink{};
  sink.context = &paths;
  sink.report = [](void* context, int32_t, const char* path, const char*, const char*) {
    static_cast<std::vector<std::string>*>(context)->push_back(path);
  };
  auto options = sdk::Options::parse(
      R"({"image":"i","kind":"pods","namespace":"Team","labels":{"ok":"v","bad key":"v"},"annotations":{"a/b/c":"x"},)"
      R"("node_selector":{"pool":"has space"},"tolerations":{"key":"x"},"pod_template":[],"gpu_resource":"nvidia.com/",)"
      R"("master_port":70000,"image_pull_policy":"Sometimes","image_pull_secrets":["ok","Not_OK"],"request_timeout_s":0})");
  validate_options(options, sdk::DiagnosticsOut(&sink));
  std::vector<std::string> expected = {
      "platform.kubernetes.kind", "platform.kubernetes.namespace", "platform.kubernetes.image_pull_secrets[1]",
      "platform.kubernetes.image_pull_policy", "platform.kubernetes.node_selector.pool",
      "platform.kubernetes.labels.bad key", "platform.kubernetes.annotations.a/b/c", "platform.kubernetes.tolerations",
      "platform.kubernetes.pod_template", "platform.kubernetes.gpu_resource", "platform.kubernetes.master_port",
      "platform.kubernetes.request_timeout_s"};
  EXPECT_EQ(paths, expected);
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc = json::parse(text);
  EXPECT_FALSE(doc.IsNull()) << text;
  return doc;
}

TEST(Status, FailedJobTakesTheFirstFailedContainersExitCode) {
  auto jobs = parse(R"([{"metadata":{"name":"j-trainer","labels":{"dlaunch.io/role":"trainer","dlaunch.io/name":"ddp",)"
                    R"("app.kubernetes.io/managed-by":"dlaunch"}},"spec":{"completions":2},"status":{"failed":1,)"
                    R"("startTime":"2026-01-01T00:00:00Z","conditions":[{"type":"Failed","status":"True",)"
                    R"("reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit",)"
                    R"("lastTransitionTime":"2026-01-01T00:00:09Z"}]}}])");
  auto pods = parse(R"([{"metadata":{"name":"p1"},"status":{"phase":"Failed","containerStatuses":[{"state":{"terminated":)"
                    R"({"exitCode":7,"finishedAt":"2026-01-01T00:00:08Z"}}}]}},)"
                    R"({"metadata":{"name":"p0"},"status":{"phase":"Failed","containerStatuses":[{"state":{"terminated":)"
                    R"({"exitCode":3,"reason":"Error","finishedAt":"2026-01-01T00:00:05Z"}}}]}}])");
  sdk::JobStatus status = status_of_jobs("ns/j", jobs, pods);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  ASSERT_TRUE(status.exit_code);
  EXPECT_EQ(*status.exit_code, 3);
  EXPECT_EQ(status.restarts, 0u);
  EXPECT_EQ(status.name, "ddp");
  EXPECT_TRUE(status.submitted_by_dlaunch);
  EXPECT_EQ(status.start_time_ms, 1767225600000);
  EXPECT_EQ(status.end_time_ms, 1767225609000);
  EXPECT_NE(status.message.find("pod p0 exited with code 3 (Error)"), std::string::npos) << status.message;
}

TEST(Status, DriversDecideSuccessAndSuspendedJobsAreStopped) {
  auto done_and_running = parse(
      R"([{"metadata":{"labels":{"dlaunch.io/role":"trainer"}},"status":{"conditions":[{"type":"Complete","status":"True"}]}},)"
      R"({"metadata":{"labels":{"dlaunch.io/role":"evaluator"},"annotations":{"dlaunch.io/driver":"false"}},"status":{}}])");
  auto none = parse("[]");
  EXPECT_EQ(status_of_jobs("ns/j", done_and_running, none).state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_EQ(*status_of_jobs("ns/j", done_and_running, none).exit_code, 0);
  auto suspended = parse(R"([{"metadata":{},"status":{"conditions":[{"type":"Suspended","status":"True"}]}}])");
  EXPECT_EQ(status_of_jobs("ns/j", suspended, none).state, DLAUNCH_STATE_STOPPED);
  auto open = parse(R"([{"metadata":{},"status":{"active":1}}])");
  EXPECT_EQ(status_of_jobs("ns/j", open, none).state, DLAUNCH_STATE_PENDING);
  auto running_pod = parse(R"([{"status":{"phase":"Running"}}])");
  EXPECT_EQ(status_of_jobs("ns/j", open, running_pod).state, DLAUNCH_STATE_RUNNING);
}

TEST(Status, JobSetAndElasticJob) {
  auto none = parse("[]");
  auto restarted = parse(R"({"status":{"restarts":2,"conditions":[{"type":"Completed","status":"True"}]}})");
  sdk::JobStatus s = status_of_jobset("ns/j", restarted, none);
  EXPECT_EQ(s.state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_EQ(s.restarts, 2u);
  auto failed = parse(R"({"status":{"conditions":[{"type":"Failed","status":"True","reason":"FailedJobs"}]}})");
  EXPECT_EQ(status_of_jobset("ns/j", failed, none).state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status_of_elasticjob("ns/j", parse(R"({"status":{"phase":"Running"}})"), none).state, DLAUNCH_STATE_RUNNING);
  EXPECT_EQ(status_of_elasticjob("ns/j", parse(R"({"status":{"phase":"Succeeded"}})"), none).state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_EQ(status_of_elasticjob("ns/j", parse(R"({"spec":{"suspend":true}})"), none).state, DLAUNCH_STATE_STOPPED);
}

}  // namespace
}  // namespace dlaunch::kubernetes
