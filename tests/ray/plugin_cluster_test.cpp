// The ray plugin, driven through its C table (as the host does) against the real Ray cluster of the
// RayCluster fixture.
#include "cutting_proxy.hpp"
#include "plugin_test_fixture.hpp"

#include <support/process.hpp>

#include <fstream>
#include <random>
#include <thread>

namespace dlaunch::ray_test {
namespace {

using namespace std::chrono_literals;
using RayPlugin = PluginTest;

std::string random_text(size_t size) {
  std::mt19937_64 random(std::random_device{}());
  std::string text(size, ' ');
  for (auto& c : text) c = static_cast<char>('a' + random() % 26);
  return text;
}

TEST_F(RayPlugin, OneRoleJobSucceedsAndItsOutputIsInTheLogs) {
  JobSpec spec = job("one-role", "echo hello-from-ray");
  std::string id = submit(spec);
  Status status = wait_for_end(id, spec);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message;
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_TRUE(status.submitted_by_dlaunch);
  EXPECT_EQ(status.name, "one-role");
  EXPECT_TRUE(contains(logs(id, spec), "hello-from-ray"));
}

TEST_F(RayPlugin, FailingJobReportsItsExitCodeAndRaysMessage) {
  JobSpec spec = job("exit-three", "echo failing; exit 3");
  std::string id = submit(spec);
  Status status = wait_for_end(id, spec);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.native_state, "FAILED");
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_TRUE(contains(status.message, "exit code 3")) << status.message;
}

TEST_F(RayPlugin, TwoRoleJobRunsEveryReplicaWithItsRankAndRole) {
  JobSpec spec = job("two-roles", "");
  spec.roles.clear();
  const std::string report = "echo \"role=$DLAUNCH_ROLE rank=$RANK world=$WORLD_SIZE local=$LOCAL_RANK "
                             "master=$MASTER_ADDR:$MASTER_PORT job=$DLAUNCH_JOB\"";
  spec.roles.push_back(RoleSpec{"trainer", report, 2, 2, 0.5, {}, true});
  spec.roles.push_back(RoleSpec{"evaluator", report, 1, 1, 0.5, {}, true});
  std::string id = submit(spec);
  Status status = wait_for_end(id, spec);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message;
  std::string text = logs(id, spec);
  EXPECT_TRUE(contains(text, "[trainer/0] role=trainer rank=0 world=2 local=0")) << text;
  EXPECT_TRUE(contains(text, "[trainer/1] role=trainer rank=1 world=2 local=1")) << text;
  EXPECT_TRUE(contains(text, "[evaluator/0] role=evaluator rank=0 world=1 local=0")) << text;
  EXPECT_TRUE(contains(text, "job=two-roles")) << text;
  EXPECT_FALSE(contains(text, "master=:")) << "MASTER_ADDR must be set: " << text;
}

TEST_F(RayPlugin, GangJobExitsWithTheFailingReplicasCode) {
  JobSpec spec = job("gang-fails", "if [ \"$RANK\" = 1 ]; then exit 5; fi; sleep 1");
  spec.roles.front().replicas = 2;
  std::string id = submit(spec);
  Status status = wait_for_end(id, spec);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 5);
  EXPECT_TRUE(contains(logs(id, spec), "main/1 exited with code 5"));
}

TEST_F(RayPlugin, FailoverRestartsTheGangUpToMaxRestarts) {
  JobSpec spec = job("failover", "echo attempt-$DLAUNCH_RESTART; test \"$DLAUNCH_RESTART\" = 1 || exit 4");
  spec.max_restarts = 1;
  std::string id = submit(spec);
  Status status = wait_for_end(id, spec);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message;
  std::string text = logs(id, spec);
  EXPECT_TRUE(contains(text, "[main/0] attempt-0")) << text;
  EXPECT_TRUE(contains(text, "restart 1 of 1")) << text;
  EXPECT_TRUE(contains(text, "[main/0] attempt-1")) << text;
}

TEST_F(RayPlugin, WorkingDirIsReadByTheJobAndUploadedOnlyOnce) {
  test::TempDir dir;
  std::string content = random_text(32);  // new content: a package the cluster has never seen
  dir.write("data.txt", content + "\n");
  dir.write(".git/config", "left out\n");
  JobSpec spec = job("working-dir", "cat data.txt; test ! -e .git && echo no-git-dir");
  spec.working_dir = dir.path();

  std::string first = submit(spec);
  EXPECT_TRUE(any_contains(plugin().log_messages(), "uploading")) << "the first submit uploads";
  EXPECT_EQ(wait_for_end(first, spec).state, DLAUNCH_STATE_SUCCEEDED);
  std::string text = logs(first, spec);
  EXPECT_TRUE(contains(text, content)) << text;
  EXPECT_TRUE(contains(text, "no-git-dir")) << text;

  plugin().clear_log_messages();
  std::string second = submit(spec);
  auto messages = plugin().log_messages();
  EXPECT_FALSE(any_contains(messages, "uploading")) << "an identical working_dir is not uploaded again";
  EXPECT_TRUE(any_contains(messages, "already on the cluster"));
  EXPECT_EQ(wait_for_end(second, spec).state, DLAUNCH_STATE_SUCCEEDED);
}

TEST_F(RayPlugin, JobAndRoleEnvironmentReachTheJob) {
  JobSpec spec = job("env", "echo \"A=$JOB_VAR B=$ROLE_VAR RANK=$RANK WORLD=$WORLD_SIZE ROLE=$DLAUNCH_ROLE\"");
  spec.env = {{"JOB_VAR", "from job"}, {"ROLE_VAR", "overridden"}};
  spec.roles.front().env = {{"ROLE_VAR", "from role"}};
  std::string id = submit(spec);
  EXPECT_EQ(wait_for_end(id, spec).state, DLAUNCH_STATE_SUCCEEDED);
  std::string text = logs(id, spec);
  EXPECT_TRUE(contains(text, "A=from job B=from role RANK=0 WORLD=1 ROLE=main")) << text;
}

TEST_F(RayPlugin, FollowShowsOutputBeforeTheJobEndsAndReturnsAtTheEnd) {
  JobSpec spec = job("follow", "echo early-line; sleep 6; echo late-line");
  spec.option("poll_interval_s", "0.3");
  std::string id = submit(spec);
  std::string seen;
  std::string status_when_early_seen;
  Outcome followed = plugin().logs(id, spec.platform_json(), true, [&](std::string_view chunk) {
    seen += chunk;
    if (status_when_early_seen.empty() && contains(seen, "early-line")) {
      status_when_early_seen = rest_.get("/api/jobs/" + id)["status"].GetString();
    }
    return true;
  });
  ASSERT_TRUE(followed.ok()) << followed.message;
  EXPECT_EQ(status_when_early_seen, "RUNNING");
  EXPECT_TRUE(contains(seen, "late-line")) << seen;
  EXPECT_EQ(std::string(rest_.get("/api/jobs/" + id)["status"].GetString()), "SUCCEEDED");
}

TEST_F(RayPlugin, FollowRetriesDroppedConnectionsInsteadOfEndingEarly) {
  JobSpec spec = job("follow-drops", "echo first-line; sleep 4; echo last-line");
  std::string id = submit(spec);
  CuttingProxy proxy(cluster_.port(), "GET /api/jobs/" + id + "/logs ", 2);
  JobSpec through_proxy = spec;
  through_proxy.platform = {{"address", string_literal(proxy.address())}, {"max_attempts", "1"},
                            {"poll_interval_s", "0.3"}};
  std::string seen;
  Outcome followed = plugin().logs(id, through_proxy.platform_json(), true, [&](std::string_view chunk) {
    seen += chunk;
    return true;
  });
  ASSERT_TRUE(followed.ok()) << followed.message;
  EXPECT_EQ(proxy.cut_count(), 2);
  EXPECT_TRUE(any_contains(plugin().log_messages(), "still trying"));
  EXPECT_TRUE(contains(seen, "first-line")) << seen;
  EXPECT_TRUE(contains(seen, "last-line")) << seen;
}

TEST_F(RayPlugin, FollowStopsWhenTheHostIsCancelled) {
  JobSpec spec = job("follow-cancel", "sleep 300");
  std::string id = submit(spec);
  std::thread canceller([] {
    std::this_thread::sleep_for(1s);
    plugin().set_cancelled(true);
  });
  // Uncancelled, it would follow the job to its end, 300 s on: past the test's TIMEOUT.
  Outcome followed = plugin().logs(id, spec.platform_json(), true, [](std::string_view) { return true; });
  canceller.join();
  plugin().set_cancelled(false);
  EXPECT_EQ(followed.code, DLAUNCH_ERR_CANCELLED);
  EXPECT_TRUE(plugin().stop(id, spec.platform_json()).ok());
}

TEST_F(RayPlugin, StopBringsASleepingJobToStopped) {
  JobSpec spec = job("stop", "sleep 300");
  std::string id = submit(spec);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::string(rest_.get("/api/jobs/" + id)["status"].GetString()) != "RUNNING") {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the job never started";
    std::this_thread::sleep_for(200ms);
  }
  Outcome stopped = plugin().stop(id, spec.platform_json());
  ASSERT_TRUE(stopped.ok()) << stopped.message;
  Status status = wait_for_end(id, spec, 60s);  // far less than the 300 s the job would sleep
  EXPECT_EQ(status.state, DLAUNCH_STATE_STOPPED);
  EXPECT_TRUE(plugin().stop(id, spec.platform_json()).ok()) << "stopping an ended job is not an error";
}

TEST_F(RayPlugin, DeleteIsRefusedWhileRunningAndForgetsTheJobAfterItsEnd) {
  JobSpec spec = job("delete", "sleep 300");
  std::string id = submit(spec);
  Outcome refused = plugin().delete_job(id, spec.platform_json());
  EXPECT_EQ(refused.code, DLAUNCH_ERR_FAILED_PRECONDITION);
  EXPECT_TRUE(contains(refused.message, "dlaunch stop ray:" + id)) << refused.message;

  ASSERT_TRUE(plugin().stop(id, spec.platform_json()).ok());
  wait_for_end(id, spec);
  Outcome deleted = plugin().delete_job(id, spec.platform_json());
  EXPECT_TRUE(deleted.ok()) << deleted.message;
  Status status;
  EXPECT_EQ(plugin().status(id, spec.platform_json(), status).code, DLAUNCH_ERR_NOT_FOUND);
  EXPECT_EQ(rest_.count_jobs(id), 0);
}

TEST_F(RayPlugin, ListShowsEveryJobWithDlaunchJobsFirst) {
  JobSpec spec = job("listed", "true");
  std::string ours = submit(spec);
  std::string theirs = rest_.submit(R"({"entrypoint": "true"})");
  ASSERT_FALSE(theirs.empty());
  std::vector<Status> listed;
  Outcome outcome = plugin().list(spec.platform_json(), listed);
  ASSERT_TRUE(outcome.ok()) << outcome.message;
  auto position = [&](const std::string& id) {
    return std::find_if(listed.begin(), listed.end(), [&](const Status& s) { return s.native_id == id; });
  };
  ASSERT_NE(position(ours), listed.end());
  ASSERT_NE(position(theirs), listed.end());
  EXPECT_TRUE(position(ours)->submitted_by_dlaunch);
  EXPECT_FALSE(position(theirs)->submitted_by_dlaunch);
  auto first_foreign = std::find_if(listed.begin(), listed.end(), [](const Status& s) { return !s.submitted_by_dlaunch; });
  EXPECT_TRUE(std::all_of(first_foreign, listed.end(), [](const Status& s) { return !s.submitted_by_dlaunch; }));
}

TEST_F(RayPlugin, AmbiguousSubmitCreatesExactlyOneRayJob) {
  CuttingProxy proxy(cluster_.port());
  JobSpec spec = shell_job("ambiguous", "echo once");
  spec.option("address", string_literal(proxy.address()));
  std::string submission_id = unique_submission_id();
  std::string id;
  Outcome submitted = plugin().submit(spec.document(), submission_id, id);
  ASSERT_TRUE(submitted.ok()) << submitted.message;
  EXPECT_EQ(proxy.cut_count(), 1) << "the proxy must have cut the first submission";
  EXPECT_EQ(rest_.count_jobs(id), 1);
  EXPECT_TRUE(any_contains(plugin().log_messages(), "earlier attempt"));
  rest_.wait_until_terminal(id);
}

TEST_F(RayPlugin, SubmitOfTheSameSubmissionTwiceKeepsOneJob) {
  JobSpec spec = job("resubmitted", "true");
  std::string submission_id = unique_submission_id();
  std::string first, second;
  ASSERT_TRUE(plugin().submit(spec.document(), submission_id, first).ok());
  Outcome again = plugin().submit(spec.document(), submission_id, second);
  EXPECT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(first, second);
  EXPECT_EQ(rest_.count_jobs(first), 1);
}

TEST_F(RayPlugin, PackageOverTheUploadLimitIsRefusedBeforeUploading) {
  test::TempDir dir;
  dir.write("big.txt", random_text(64 * 1024));
  JobSpec spec = job("too-big", "true");
  spec.working_dir = dir.path();
  spec.option("upload_limit_bytes", "4096");
  std::string id;
  Outcome refused = plugin().submit(spec.document(), unique_submission_id(), id);
  EXPECT_EQ(refused.code, DLAUNCH_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(contains(refused.message, "upload limit of 4.0 KiB")) << refused.message;
  EXPECT_TRUE(contains(refused.message, "excludes")) << refused.message;
  EXPECT_FALSE(any_contains(plugin().log_messages(), "uploading"));
}

TEST_F(RayPlugin, UnreachableClusterIsUnavailable) {
  JobSpec spec = shell_job("unreachable", "true");
  spec.option("address", "\"http://127.0.0.1:9\"").option("max_attempts", "2");
  Status status;
  Outcome outcome = plugin().status("dlaunch-nothing", spec.platform_json(), status);
  EXPECT_EQ(outcome.code, DLAUNCH_ERR_UNAVAILABLE);
  EXPECT_TRUE(contains(outcome.message, "http://127.0.0.1:9")) << outcome.message;
}

// Runs without the cluster: a dry run sends nothing.
TEST(RayPluginOffline, DryRunPrintsTheExactRequestsWithoutSendingOrLeakingSecrets) {
  test::TempDir dir;
  dir.write("train.py", "print('hi')\n");
  std::string token_file = dir.write("token", "s3cret-token\n");
  JobSpec spec = shell_job("dry", "python3 train.py");
  spec.working_dir = dir.path();
  spec.roles.front().replicas = 2;
  spec.option("address", "\"http://127.0.0.1:9\"").option("token_file", string_literal(token_file));
  spec.option("headers", R"({"X-Api-Key": "k3y-value"})");
  std::string text;
  Outcome outcome = PluginTest::plugin().dry_run(spec.document(), "dry-1", text);
  ASSERT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_TRUE(contains(text, "GET http://127.0.0.1:9/api/version")) << text;
  EXPECT_TRUE(contains(text, "PUT http://127.0.0.1:9/api/packages/gcs/_ray_pkg_")) << text;
  EXPECT_TRUE(contains(text, "POST http://127.0.0.1:9/api/jobs/")) << text;
  EXPECT_TRUE(contains(text, "Authorization: ***")) << text;
  EXPECT_FALSE(contains(text, "s3cret-token")) << text;
  EXPECT_TRUE(contains(text, "X-Api-Key: ***")) << text;
  EXPECT_FALSE(contains(text, "k3y-value")) << text;
  EXPECT_TRUE(contains(text, "\"submission_id\": \"dlaunch-dry-1\"")) << text;
  EXPECT_TRUE(contains(text, "-m dlaunch_ray_driver")) << text;
  EXPECT_TRUE(contains(text, "bytes of zip")) << text;
}

TEST(RayPluginOffline, ValidateReportsOptionsRayCannotUse) {
  JobSpec spec = shell_job("invalid", "true");
  spec.option("address", "\"ray://head:10001\"")
      .option("placement_strategy", "\"SCATTER\"")
      .option("runtime_env", R"({"env_vars": {"A": "1"}, "working_dir": "./local"})");
  std::vector<Finding> findings;
  Outcome outcome = PluginTest::plugin().validate(spec.document(), findings);
  ASSERT_TRUE(outcome.ok()) << outcome.message;
  std::vector<std::string> paths;
  for (const auto& f : findings) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"platform.ray.address", "platform.ray.placement_strategy",
                                             "platform.ray.runtime_env.env_vars",
                                             "platform.ray.runtime_env.working_dir"}));
}

}  // namespace
}  // namespace dlaunch::ray_test
