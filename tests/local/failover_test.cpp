// Failover on the local platform with real processes: failover.scope, each role's max_restarts, and elastic
// roles that go on with min_replicas (plugins/local/failover_policy.hpp states the order of the rules).
#include <algorithm>
#include <fstream>
#include <sstream>

#include "local/local_platform_test.hpp"

namespace dlaunch::test {
namespace {

using FailoverTest = LocalPlatformTest;

std::vector<std::string> sorted_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Each start appends "RANK RESTART_COUNT" to `starts`.
constexpr const char* kRecordStart = "echo \"$RANK $DLAUNCH_RESTART_COUNT\" >> starts; ";

TEST_F(FailoverTest, ScopeReplicaRestartsOnlyTheFailedReplica) {
  // worker/1 fails on its first start; worker/0 waits for the restarted worker/1 and then ends.
  TestJob job = job_with({shell_role("worker",
                                     std::string(kRecordStart) +
                                         "if [ $RANK = 1 ]; then [ $DLAUNCH_RESTART_COUNT = 1 ] && touch back || "
                                         "exit 3; else while [ ! -e back ]; do sleep 0.05; done; fi",
                                     2)});
  job.scope = "replica";
  job.max_restarts = 1;
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message << logs_of(id);
  EXPECT_EQ(status.restarts, 1u);
  EXPECT_EQ(sorted_lines(path("starts")), (std::vector<std::string>{"0 0", "1 0", "1 1"}));
  EXPECT_NE(logs_of(id).find("restarting worker/1 (restart 1 of 1 for role 'worker')"), std::string::npos)
      << logs_of(id);
}

TEST_F(FailoverTest, ScopeRoleRestartsTheFailedRoleAndLeavesTheOthersRunning) {
  // The first start: worker/1 fails, worker/0 runs on until its role is restarted. The second start of
  // both ends the job; the server, a driver too, runs once throughout.
  TestRole worker = shell_role("worker",
                               std::string(kRecordStart) +
                                   "if [ $DLAUNCH_RESTART_COUNT = 0 ]; then "
                                   "if [ $RANK = 1 ]; then sleep 0.3; exit 3; fi; sleep 60; fi; touch done-$RANK",
                               2);
  TestRole server = shell_role("server",
                               "echo started >> server-starts; "
                               "while [ ! -e done-0 ] || [ ! -e done-1 ]; do sleep 0.05; done");
  TestJob job = job_with({worker, server});
  job.scope = "role";
  job.max_restarts = 1;
  job.stop_grace_seconds = 2;
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message << logs_of(id);
  EXPECT_EQ(status.restarts, 1u);
  EXPECT_EQ(sorted_lines(path("starts")), (std::vector<std::string>{"0 0", "0 1", "1 0", "1 1"}));
  EXPECT_EQ(sorted_lines(path("server-starts")), (std::vector<std::string>{"started"}));
  EXPECT_NE(logs_of(id).find("restarting role 'worker' (restart 1 of 1 for role 'worker')"), std::string::npos);
}

TEST_F(FailoverTest, ARolesMaxRestartsLimitsItsReplicaRestarts) {
  TestRole worker = shell_role("worker", std::string(kRecordStart) + "exit 4");
  worker.max_restarts = 2;
  TestJob job = job_with({worker});
  job.scope = "replica";
  std::string id = submit(job);  // failover.max_restarts is 0: the role's own limit is what counts
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 4);
  EXPECT_EQ(status.restarts, 2u);
  EXPECT_EQ(sorted_lines(path("starts")), (std::vector<std::string>{"0 0", "0 1", "0 2"}));
}

TEST_F(FailoverTest, ARoleWithoutRestartsFailsTheJobThoughTheJobMayRestart) {
  TestRole flaky = shell_role("flaky", "echo once >> flaky-starts; exit 6");
  flaky.max_restarts = 0;
  TestRole steady = shell_role("steady", "sleep 60");
  steady.driver = false;
  TestJob job = job_with({flaky, steady});
  job.max_restarts = 3;
  job.stop_grace_seconds = 2;
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 6);
  EXPECT_EQ(status.restarts, 0u);
  EXPECT_EQ(sorted_lines(path("flaky-starts")), (std::vector<std::string>{"once"}));
}

TEST_F(FailoverTest, AnElasticRoleGoesOnWithoutAFailedReplicaWhileMinReplicasRemain) {
  // worker/2 fails at once; the other two finish after it, so the job succeeds with two of three.
  TestRole worker = shell_role("worker",
                               "echo $DLAUNCH_NNODES > nnodes-$RANK; "
                               "if [ $RANK = 2 ]; then exit 5; fi; sleep 0.5",
                               3);
  worker.min_replicas = 2;
  worker.per_node = 1;
  std::string id = submit(job_with({worker}));
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message << logs_of(id);
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_EQ(status.restarts, 0u);
  EXPECT_NE(logs_of(id).find("going on without worker/2: 2 replicas of role 'worker' remain (min_replicas 2)"),
            std::string::npos)
      << logs_of(id);
  EXPECT_EQ(sorted_lines(path("nnodes-0")), (std::vector<std::string>{"2:3"}));
}

TEST_F(FailoverTest, AnElasticRoleBelowMinReplicasFailsTheJob) {
  TestRole worker = shell_role("worker", "if [ $RANK != 0 ]; then sleep 0.2; exit 5; fi; sleep 60", 3);
  worker.min_replicas = 2;
  TestJob job = job_with({worker});
  job.stop_grace_seconds = 2;
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 5);
}

TEST_F(FailoverTest, AnElasticRoleRestartsTheJobOnlyBelowItsMinimum) {
  // Job scope: one lost replica of three is tolerated; the job restarts only when a second one is lost.
  TestRole worker = shell_role("worker",
                               std::string(kRecordStart) +
                                   "if [ $DLAUNCH_RESTART_COUNT = 0 ]; then case $RANK in 0) sleep 30;; "
                                   "1) sleep 0.1; exit 5;; 2) sleep 0.8; exit 5;; esac; fi",
                               3);
  worker.min_replicas = 2;
  TestJob job = job_with({worker});
  job.max_restarts = 1;
  job.stop_grace_seconds = 2;
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message << logs_of(id);
  EXPECT_EQ(status.restarts, 1u);
  const std::string logs = logs_of(id);
  EXPECT_NE(logs.find("going on without worker/1"), std::string::npos) << logs;
  EXPECT_NE(logs.find("restarting the job (restart 1 of 1)"), std::string::npos) << logs;
  EXPECT_EQ(sorted_lines(path("starts")), (std::vector<std::string>{"0 0", "0 1", "1 0", "1 1", "2 0", "2 1"}));
}

}  // namespace
}  // namespace dlaunch::test
