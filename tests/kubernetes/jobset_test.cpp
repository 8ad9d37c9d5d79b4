// kind = "jobset" against the plane: JobSets checked by JobSet's own CRD (from its Go module), and run to
// their end by JobSet's own controller and webhooks (built with the plane, started for those tests only:
// scripts/k8s-plane.sh start-jobset / stop-jobset). Their own executable, under one RESOURCE_LOCK: the
// controller watches every namespace, and must not run while the CRD-only test plays its part.
#include "json.hpp"
#include "kubernetes_plane.hpp"
#include "support/cluster_env.hpp"

#include <gtest/gtest.h>

namespace dlaunch::kubernetes_test {
namespace {

using kubernetes::json::at;
using kubernetes::json::integer;

// A leader and two workers, both drivers: the JobSet succeeds when all three pods do.
constexpr const char* kRoles =
    R"([{"name":"leader","entrypoint":["/bin/sh","-c","echo lead"],"replicas":1,"per_node":1,)"
    R"("resources":{"cpu":1,"gpu":0,"memory_bytes":0},"env":{},"driver":true},)"
    R"({"name":"workers","entrypoint":["/bin/sh","-c","echo work"],"replicas":2,"per_node":1,)"
    R"("resources":{"cpu":0.5,"gpu":0,"memory_bytes":0},"env":{},"driver":true}])";

class JobSets : public PlaneTest {
 protected:
  void SetUp() override {
    PlaneTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto crd = test::run_process({DLAUNCH_TEST_KUBERNETES_DIR "/crds/jobset-crd.sh"});
    ASSERT_EQ(crd.exit_code, 0) << crd.err;
    install_crd(crd.out.substr(0, crd.out.find('\n')), "jobsets.jobset.x-k8s.io");
  }
  std::string jobset_path(const std::string& native_id) const {
    return "/apis/jobset.x-k8s.io/v1alpha2/namespaces/" + namespace_ + "/jobsets/" + base_of(native_id);
  }
};

TEST_F(JobSets, AreAcceptedByJobSetsOwnCrdAndTheirStatusIsMapped) {
  std::string options = options_json(R"("kind":"jobset")");
  std::string job = job_json("sets", kRoles, options);
  job.replace(job.find(R"("max_restarts":0)"), 16, R"("max_restarts":3)");
  std::string id = submit(job, "dlaunch-sets-000000000008");
  ASSERT_FALSE(id.empty());
  auto jobset = get(jobset_path(id));
  EXPECT_EQ(integer(jobset, "spec.failurePolicy.maxRestarts"), 3);
  EXPECT_EQ(at(jobset, "spec.replicatedJobs").Size(), 2u);
  EXPECT_EQ(status_of(id, options).state, DLAUNCH_STATE_PENDING);  // no JobSet controller runs in this test

  // The status as JobSet's controller writes it.
  admin_->call("PATCH", jobset_path(id) + "/status",
               R"({"status":{"restarts":1,"conditions":[{"type":"Completed","status":"True","reason":"AllJobsCompleted",)"
               R"("message":"jobset completed successfully","lastTransitionTime":"2026-01-01T00:00:00Z"}]}})",
               {}, "application/merge-patch+json");
  sdk::JobStatus done = status_of(id, options);
  EXPECT_EQ(done.state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_EQ(done.restarts, 1u);
  // find_submissions reads the JobSet as status does.
  Found found = find_submissions({"dlaunch-sets-000000000008", "dlaunch-sets-000000000009"}, options);
  ASSERT_EQ(found.code, 0) << found.message;
  EXPECT_EQ(found.native_ids, (std::map<std::string, std::string>{{"dlaunch-sets-000000000008", id}}));
  EXPECT_EQ(found.states["dlaunch-sets-000000000008"], DLAUNCH_STATE_SUCCEEDED);
  ASSERT_TRUE(plugin().stop(id, options).ok());
  EXPECT_TRUE(at(get(jobset_path(id)), "spec.suspend").IsTrue());
}

// JobSet's controller runs for each of these tests.
class JobSetController : public JobSets {
 protected:
  void SetUp() override {
    JobSets::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto started = test::run_process({DLAUNCH_TEST_K8S_PLANE_SCRIPT, "start-jobset", plane_.state_dir});
    if (started.exit_code != 0 && started.err.find("is not built") != std::string::npos) {
      if (test::running_in_ci()) FAIL() << started.err;
      GTEST_SKIP() << "JOBSET'S CONTROLLER IS NOT BUILT (scripts/k8s-plane.sh build), test skipped: " << started.err;
    }
    ASSERT_EQ(started.exit_code, 0) << started.err;
    controller_started_ = true;
  }
  void TearDown() override {
    if (controller_started_) {
      auto stopped = test::run_process({DLAUNCH_TEST_K8S_PLANE_SCRIPT, "stop-jobset", plane_.state_dir});
      EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    }
    JobSets::TearDown();
  }
  // Runs the job to its end and returns its last status; id_ is its native id.
  sdk::JobStatus run_to_the_end(const std::string& name, const std::string& options, const std::string& submission_id) {
    std::string id = id_ = submit(job_json(name, kRoles, options), submission_id);
    // The controller makes one Job per replicatedJob (role), labelled with the JobSet's name.
    EXPECT_TRUE(eventually([&] {
      return at(list("/apis/batch/v1/namespaces/" + namespace_ + "/jobs", "jobset.sigs.k8s.io%2Fjobset-name%3D" + base_of(id)),
                "items").Size() == 2;
    })) << "JobSet's controller made no Jobs for " << id;
    EXPECT_TRUE(eventually([&] { return status_of(id, options).terminal(); }, 90)) << id << " did not end";
    return status_of(id, options);
  }

  bool controller_started_ = false;
  std::string id_;
};

TEST_F(JobSetController, RunsAJobSetToSucceeded) {
  sdk::JobStatus status = run_to_the_end("set-ok", options_json(R"("kind":"jobset")"), "dlaunch-setok-000000000010");
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.native_state << ": " << status.message;
  EXPECT_EQ(status.exit_code, 0);
  // JobSet's defaulting webhook ran: the plugin sets no startup policy, and the CRD has no default for it.
  EXPECT_EQ(kubernetes::json::text(get(jobset_path(id_)), "spec.startupPolicy.startupPolicyOrder"), "AnyOrder");
}

TEST_F(JobSetController, AFailingPodMakesItFailedWithItsExitCode) {
  sdk::JobStatus status = run_to_the_end(
      "set-fails", options_json(R"("kind":"jobset","annotations":{"dlaunch.test/exit-code":"3"})"),
      "dlaunch-setfails-000000000011");
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED) << status.native_state << ": " << status.message;
  EXPECT_EQ(status.exit_code, 3) << status.message;
}

}  // namespace
}  // namespace dlaunch::kubernetes_test
