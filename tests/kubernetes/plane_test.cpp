// The plugin against a real Kubernetes control plane (kube-apiserver, controller-manager, scheduler, etcd;
// kwok's fake nodes run the pods): the objects it creates, exit codes, logs, stop, delete, idempotent
// submission and the errors of refused credentials and unverifiable servers.
#include "job_plan.hpp"
#include "json.hpp"
#include "kubernetes_plane.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace dlaunch::kubernetes_test {
namespace {

using kubernetes::json::at;
using kubernetes::json::member;
using kubernetes::json::text;

constexpr const char* kTwoRoles =
    R"([{"name":"trainer","entrypoint":["/bin/sh","-c","echo train"],"replicas":2,"per_node":1,)"
    R"("resources":{"cpu":1,"gpu":0,"memory_bytes":268435456},"env":{"ROLE_VAR":"t"},"driver":true},)"
    R"({"name":"evaluator","entrypoint":["/bin/sh","-c","echo eval"],"replicas":1,"per_node":1,)"
    R"("resources":{"cpu":0.5,"gpu":0,"memory_bytes":0},"env":{},"driver":true}])";

std::string one_role(const std::string& name = "worker", int replicas = 1) {
  return R"([{"name":")" + name + R"(","entrypoint":["/bin/sh","-c","echo hi"],"replicas":)" + std::to_string(replicas) +
         R"(,"per_node":1,"resources":{"cpu":1,"gpu":0,"memory_bytes":0},"env":{},"driver":true}])";
}

std::map<std::string, const rapidjson::Value*> env_by_name(const rapidjson::Value& container) {
  std::map<std::string, const rapidjson::Value*> env;
  for (const auto& var : at(container, "env").GetArray()) env[text(var, "name")] = &var;
  return env;
}

class KubernetesPlane : public PlaneTest {
 protected:
  std::string pods_path() const { return "/api/v1/namespaces/" + namespace_ + "/pods"; }
  std::string jobs_path() const { return "/apis/batch/v1/namespaces/" + namespace_ + "/jobs"; }
  std::string services_path() const { return "/api/v1/namespaces/" + namespace_ + "/services"; }

  bool terminal_within(const std::string& native_id, const std::string& options, int seconds = 60) {
    return eventually([&] { return status_of(native_id, options).terminal(); }, seconds);
  }
  // A spec file for the CLI, in the scratch directory.
  std::string spec(const std::string& name, const std::string& platform_toml, int replicas = 1) {
    return scratch_->write(name + ".toml", "name = \"" + name + "\"\n[[roles]]\nname = \"worker\"\nreplicas = " +
                                               std::to_string(replicas) + "\nentrypoint = \"echo hi\"\n" +
                                               "[platform.kubernetes]\nimage = \"busybox:1.36\"\nnamespace = \"" +
                                               namespace_ + "\"\n" + platform_toml);
  }
};

TEST_F(KubernetesPlane, TwoRolePodsCarryRankWorldSizeAndMasterAddr) {
  std::string options = options_json(R"("annotations":{"dlaunch.test/duration":"30s"})");
  std::string id = submit(job_json("ddp", kTwoRoles, options), "dlaunch-ddp-000000000001");
  std::string base = base_of(id);
  EXPECT_EQ(id, namespace_ + "/" + base);
  rapidjson::Document pods;
  ASSERT_TRUE(eventually([&] {
    pods = list(pods_path(), selector(base));
    return at(pods, "items").Size() == 3;
  })) << "the Job controller made no 3 pods";

  auto service = get(services_path() + "/" + base);
  EXPECT_EQ(text(service, "spec.clusterIP"), "None");
  std::set<std::string> trainer_ranks;
  for (const auto& pod : at(pods, "items").GetArray()) {
    std::string role = member(at(pod, "metadata.labels"), kubernetes::kRoleLabel);
    std::string index = member(at(pod, "metadata.annotations"), kubernetes::kCompletionIndexAnnotation);
    const auto& container = at(pod, "spec.containers")[0];
    auto env = env_by_name(container);
    // RANK is the pod's completion index, read through the downward API.
    EXPECT_EQ(text(*env["RANK"], "valueFrom.fieldRef.fieldPath"),
              std::string("metadata.annotations['") + kubernetes::kCompletionIndexAnnotation + "']");
    EXPECT_EQ(text(*env["WORLD_SIZE"], "value"), role == "trainer" ? "2" : "1");
    EXPECT_EQ(text(*env["LOCAL_RANK"], "value"), "0");
    EXPECT_EQ(text(*env["DLAUNCH_ROLE"], "value"), role);
    EXPECT_EQ(text(*env["SHARED"], "value"), "1");
    // MASTER_ADDR is the DNS name of the role's index-0 pod: <hostname>.<service>.
    std::string master = text(*env["MASTER_ADDR"], "value");
    EXPECT_EQ(master, base + "-" + role + "-0." + base);
    EXPECT_EQ(text(pod, "spec.hostname"), base + "-" + role + "-" + index);
    EXPECT_EQ(text(pod, "spec.subdomain"), base);
    if (role == "trainer") trainer_ranks.insert(index);
  }
  EXPECT_EQ(trainer_ranks, (std::set<std::string>{"0", "1"}));
  EXPECT_TRUE(eventually([&] { return status_of(id, options).state == DLAUNCH_STATE_RUNNING; }));
}

TEST_F(KubernetesPlane, SubmitCreatesItsObjectsAtOnceOverTheClientsOwnHttp11) {
  // Two roles: a Service and two Jobs, created together, each on a connection of its own (the API server at
  // https:// without a proxy: the HTTP client's own HTTP/1.1 over TLS, no libcurl and its HTTP/2). -v shows
  // what the connections did.
  std::string file = scratch_->write("two.toml", "name = \"two\"\n"
                                                 "[[roles]]\nname = \"a\"\nentrypoint = \"echo a\"\n"
                                                 "[[roles]]\nname = \"b\"\nentrypoint = \"echo b\"\n"
                                                 "[platform.kubernetes]\nimage = \"busybox:1.36\"\nnamespace = \"" +
                                                     namespace_ + "\"\n");
  auto result = dlaunch({"run", file, "-p", "kubernetes", "-v"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("3 requests at once over HTTP/1.1: "), std::string::npos) << result.err;
  std::string base = base_of(result.out.substr(result.out.rfind(':') + 1, result.out.find_last_not_of('\n') -
                                                                            result.out.rfind(':')));
  EXPECT_EQ(at(list(jobs_path(), selector(base)), "items").Size(), 2u);
  EXPECT_EQ(at(list(services_path(), selector(base)), "items").Size(), 1u);
}

TEST_F(KubernetesPlane, RunWaitReturnsTheExitCodeOfTheFailedPod) {
  std::string file = spec("fails", "annotations = { \"dlaunch.test/exit-code\" = \"3\" }\n");
  auto result = dlaunch({"run", file, "-p", "kubernetes", "--wait"});
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_NE(result.err.find("exited with code 3"), std::string::npos) << result.err;

  auto ok = dlaunch({"run", spec("succeeds", ""), "-p", "kubernetes", "--wait"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

TEST_F(KubernetesPlane, LogsShowEveryPodsLinesAndFollowEndsWithTheJob) {
  std::string options = options_json();
  std::string id = submit(job_json("logs", kTwoRoles, options), "dlaunch-logs-000000000002");
  std::string followed;
  auto result = plugin().logs(id, options, true, followed);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_TRUE(status_of(id, options).terminal());
  std::string text;
  ASSERT_TRUE(plugin().logs(id, options, false, text).ok());
  for (const char* prefix : {"[trainer/0] ", "[trainer/1] ", "[evaluator/0] "}) {
    EXPECT_NE(text.find(prefix), std::string::npos) << prefix << " missing in:\n" << text;
    EXPECT_NE(followed.find(prefix), std::string::npos) << prefix << " missing in the followed logs:\n" << followed;
  }
}

TEST_F(KubernetesPlane, StopLeavesNoRunningPod) {
  std::string options = options_json(R"("annotations":{"dlaunch.test/duration":"120s"})");
  std::string id = submit(job_json("stops", one_role("worker", 2), options), "dlaunch-stops-000000000003");
  ASSERT_TRUE(eventually([&] { return status_of(id, options).state == DLAUNCH_STATE_RUNNING; }));
  auto result = plugin().stop(id, options);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_TRUE(eventually([&] {
    auto pods = list(pods_path(), selector(base_of(id)));
    for (const auto& pod : at(pods, "items").GetArray()) {
      if (text(pod, "status.phase") == "Running" || text(pod, "status.phase") == "Pending") return false;
    }
    return true;
  })) << "pods still run after stop";
  EXPECT_TRUE(eventually([&] { return status_of(id, options).state == DLAUNCH_STATE_STOPPED; }));
  EXPECT_TRUE(plugin().stop(id, options).ok());  // stopping a stopped job is no error
}

TEST_F(KubernetesPlane, DeleteLeavesNothingLabelledWithTheJob) {
  std::string options = options_json();
  std::string id = submit(job_json("deletes", kTwoRoles, options), "dlaunch-deletes-000000000004");
  ASSERT_TRUE(terminal_within(id, options));
  auto result = plugin().delete_job(id, options);
  ASSERT_TRUE(result.ok()) << result.message;
  std::string base = base_of(id);
  EXPECT_TRUE(eventually([&] {
    return at(list(pods_path(), selector(base)), "items").Empty() &&
           at(list(jobs_path(), selector(base)), "items").Empty() &&
           at(list(services_path(), selector(base)), "items").Empty();
  })) << "objects labelled with the job remain";
  sdk::JobStatus gone;
  EXPECT_EQ(plugin().status(id, options, gone).code, DLAUNCH_ERR_NOT_FOUND);
}

TEST_F(KubernetesPlane, DeletingARunningJobIsRefused) {
  std::string options = options_json(R"("annotations":{"dlaunch.test/duration":"120s"})");
  std::string id = submit(job_json("running", one_role(), options), "dlaunch-running-000000000005");
  EXPECT_EQ(plugin().delete_job(id, options).code, DLAUNCH_ERR_FAILED_PRECONDITION);
}

TEST_F(KubernetesPlane, ResubmittingTheSameSubmissionCreatesNothingNew) {
  std::string options = options_json(R"("annotations":{"dlaunch.test/duration":"30s"})");
  std::string job = job_json("again", kTwoRoles, options);
  std::string first = submit(job, "dlaunch-again-000000000006");
  auto jobs = list(jobs_path(), selector(base_of(first)));
  ASSERT_EQ(at(jobs, "items").Size(), 2u);
  std::string uid = text(at(jobs, "items")[0], "metadata.uid");
  std::string second = submit(job, "dlaunch-again-000000000006");
  EXPECT_EQ(second, first);
  auto again = list(jobs_path(), selector(base_of(first)));
  ASSERT_EQ(at(again, "items").Size(), 2u);
  EXPECT_EQ(text(at(again, "items")[0], "metadata.uid"), uid);
  // Another submission of the same job is another job.
  EXPECT_NE(submit(job, "dlaunch-again-000000000007"), first);
  std::vector<sdk::JobStatus> listed;
  ASSERT_TRUE(plugin().list(options, listed).ok());
  EXPECT_EQ(listed.size(), 2u);
}

TEST_F(KubernetesPlane, ARestrictedUserGets77NamingWhatWasRefused) {
  // A service account that may only read pods in this namespace, and a token for it.
  post("/api/v1/namespaces/" + namespace_ + "/serviceaccounts",
       R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"reader"}})");
  post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + namespace_ + "/roles",
       R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"pod-reader"},)"
       R"("rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]})");
  post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + namespace_ + "/rolebindings",
       R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"reader"},)"
       R"("roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-reader"},)"
       R"("subjects":[{"kind":"ServiceAccount","name":"reader","namespace":")" + namespace_ + R"("}]})");
  auto response = admin_->call("POST", "/api/v1/namespaces/" + namespace_ + "/serviceaccounts/reader/token",
                               R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}})");
  rapidjson::Document token = kubernetes::json::parse(response.body);
  std::string reader = scratch_->write("reader.kubeconfig", kubeconfig_with("    token: " + text(token, "status.token") + "\n"));
  auto refused = dlaunch({"run", spec("restricted", ""), "-p", "kubernetes"}, reader);
  EXPECT_EQ(refused.exit_code, 77) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("user 'tester' (context 'test') may not create"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("in namespace '" + namespace_ + "'"), std::string::npos) << refused.err;

  std::string bogus = scratch_->write("bogus.kubeconfig", kubeconfig_with("    token: not-a-valid-token\n"));
  auto unauthenticated = dlaunch({"run", spec("bogus", ""), "-p", "kubernetes"}, bogus);
  EXPECT_EQ(unauthenticated.exit_code, 77) << unauthenticated.out << unauthenticated.err;
  EXPECT_NE(unauthenticated.err.find("refused the credentials of user 'tester' (context 'test'"), std::string::npos)
      << unauthenticated.err;
}

TEST_F(KubernetesPlane, AServerCertificateFromAnotherCaOrNoServerGets69) {
  std::string ca = plane_.other_ca_file;
  std::string token_line = "    tokenFile: " + plane_.token_file + "\n";
  std::string wrong = scratch_->write("wrong-ca.kubeconfig", kubeconfig_with(token_line, "    certificate-authority: " + ca + "\n"));
  auto result = dlaunch({"run", spec("wrongca", ""), "-p", "kubernetes"}, wrong);
  EXPECT_EQ(result.exit_code, 69) << result.out << result.err;
  EXPECT_NE(result.err.find("certificate"), std::string::npos) << result.err;

  // Nothing listening: the same exit code, with the HTTP client's reason.
  std::string nowhere = scratch_->write("nowhere.kubeconfig", "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                                        "clusters:\n- name: k\n  cluster: {server: \"https://127.0.0.1:1\"}\n"
                                        "users:\n- name: u\n  user: {token: t}\n"
                                        "contexts:\n- name: c\n  context: {cluster: k, user: u}\n");
  auto unreachable = dlaunch({"run", spec("nowhere", ""), "-p", "kubernetes"}, nowhere);
  EXPECT_EQ(unreachable.exit_code, 69) << unreachable.out << unreachable.err;
  EXPECT_NE(unreachable.err.find("cannot reach the Kubernetes API server at https://127.0.0.1:1 (context 'c')"),
            std::string::npos) << unreachable.err;

  // insecure-skip-tls-verify is honoured, with a warning.
  std::string insecure = scratch_->write("insecure.kubeconfig",
                                         kubeconfig_with(token_line, "    insecure-skip-tls-verify: true\n"));
  auto skipped = dlaunch({"run", spec("insecure", ""), "-p", "kubernetes"}, insecure);
  EXPECT_EQ(skipped.exit_code, 0) << skipped.out << skipped.err;
  EXPECT_NE(skipped.err.find("TLS verification is off"), std::string::npos) << skipped.err;
}

TEST_F(KubernetesPlane, ExecCredentialPluginAndTokenFileAuthenticate) {
  std::string plugin_script = scratch_->write("get-token", "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                                                           "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s\"}}' \"$(cat " +
                                                           plane_.token_file + ")\"\n");
  std::filesystem::permissions(plugin_script, std::filesystem::perms::owner_all);
  std::string exec = scratch_->write("exec.kubeconfig",
                                     kubeconfig_with("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                                     "      command: " + plugin_script + "\n"));
  auto result = dlaunch({"run", spec("exec", ""), "-p", "kubernetes", "--wait"}, exec);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  std::string token_file = scratch_->write("token.kubeconfig", kubeconfig_with("    tokenFile: " + plane_.token_file + "\n"));
  // list looks in the context's namespace (this test's).
  auto listed = dlaunch({"list", "-p", "kubernetes"}, token_file);
  EXPECT_EQ(listed.exit_code, 0) << listed.out << listed.err;
  EXPECT_NE(listed.out.find("SUCCEEDED"), std::string::npos) << listed.out;
}

TEST_F(KubernetesPlane, TheServersFieldCausesOfAnInvalidObjectGet65) {
  // A Job's pods must not restart in place: the API refuses restartPolicy Always.
  std::string file = spec("invalid", "pod_template = { spec = { restartPolicy = \"Always\" } }\n");
  auto result = dlaunch({"run", file, "-p", "kubernetes"});
  EXPECT_EQ(result.exit_code, 65) << result.out << result.err;
  EXPECT_NE(result.err.find("spec.template.spec.restartPolicy"), std::string::npos) << result.err;
  // The Service, created at once with the refused Job, is deleted: a failed submit leaves nothing behind.
  const std::string named = std::string(kubernetes::kNameLabel) + "%3Dinvalid";
  EXPECT_EQ(at(list("/api/v1/namespaces/" + namespace_ + "/services", named), "items").Size(), 0u) << result.err;
  EXPECT_EQ(at(list("/apis/batch/v1/namespaces/" + namespace_ + "/jobs", named), "items").Size(), 0u) << result.err;
}

TEST_F(KubernetesPlane, DryRunManifestsAreAcceptedByTheServer) {
  std::string file = spec("dryrun", "", 2);
  auto dry = dlaunch({"run", file, "-p", "kubernetes", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  std::string manifests = scratch_->write("manifests.yaml", dry.out);
  auto applied = test::run_process({plane_.kubectl, "--kubeconfig", plane_.kubeconfig, "apply",
                                    "--dry-run=server", "-f", manifests});
  EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_NE(applied.out.find("job.batch/dryrun-"), std::string::npos) << applied.out;
}

// Not DLRover's own CRD (which the Go module proxy refuses): a stand-in written from DLRover's documented
// types (see the file's header).
TEST_F(KubernetesPlane, ElasticJobIsAcceptedByAStandInCrdWrittenFromDlroversDocumentedTypes) {
  install_crd(DLAUNCH_TEST_KUBERNETES_DIR "/crds/elasticjob-crd.yaml", "elasticjobs.elastic.iml.github.io");
  std::string options = options_json(R"("kind":"elasticjob")");
  std::string id = submit(job_json("elastic", one_role("worker", 3), options), "dlaunch-elastic-000000000009");
  ASSERT_FALSE(id.empty());
  std::string path = "/apis/elastic.iml.github.io/v1alpha1/namespaces/" + namespace_ + "/elasticjobs/" + base_of(id);
  auto elastic = get(path);
  EXPECT_EQ(kubernetes::json::integer(elastic, "spec.replicaSpecs.worker.replicas"), 3);
  admin_->call("PATCH", path + "/status", R"({"status":{"phase":"Failed"}})", {}, "application/merge-patch+json");
  EXPECT_EQ(status_of(id, options).state, DLAUNCH_STATE_FAILED);
}

}  // namespace
}  // namespace dlaunch::kubernetes_test
