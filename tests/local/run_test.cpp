// Running jobs to their end: success, failure, exit codes, failover, environment, drivers.
#include <fstream>
#include <sstream>

#include "local/local_platform_test.hpp"

namespace dlaunch::test {
namespace {

using RunTest = LocalPlatformTest;

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(RunTest, TwoReplicasSucceedAndEachLineIsPrefixedWithItsReplica) {
  std::string id = submit(job_with({shell_role("trainer", "echo \"rank $RANK of $WORLD_SIZE\"", 2)}));
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message;
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_EQ(status.restarts, 0u);
  EXPECT_EQ(status.name, "test-job");
  std::string logs = logs_of(id);
  EXPECT_NE(logs.find("[trainer/0] rank 0 of 2\n"), std::string::npos) << logs;
  EXPECT_NE(logs.find("[trainer/1] rank 1 of 2\n"), std::string::npos) << logs;
}

TEST_F(RunTest, FailingReplicaFailsTheJobWithItsExitCode) {
  std::string id = submit(job_with({shell_role("trainer", "echo about to fail; exit 3")}));
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_NE(status.message.find("trainer/0 exited with code 3"), std::string::npos) << status.message;
}

TEST_F(RunTest, ReplicaKilledBySignalGivesExitCode128PlusSignal) {
  std::string id = submit(job_with({shell_role("trainer", "kill -KILL $$")}));
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 128 + 9);
}

TEST_F(RunTest, FailoverRestartsTheJobThatFailsOnlyTheFirstTime) {
  TestJob job = job_with({shell_role("trainer",
                                     "if [ -e marker ]; then echo second attempt; else touch marker; "
                                     "echo first attempt; exit 5; fi",
                                     2)});
  job.max_restarts = 1;
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message;
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_EQ(status.restarts, 1u);
  std::string logs = logs_of(id);
  EXPECT_NE(logs.find("restarting the job (restart 1 of 1)"), std::string::npos) << logs;
  EXPECT_NE(logs.find("second attempt"), std::string::npos) << logs;
}

TEST_F(RunTest, FailoverGivesUpAfterMaxRestarts) {
  TestJob job = job_with({shell_role("trainer", "echo \"attempt $DLAUNCH_RESTART_COUNT\" >> attempts; exit 4")});
  job.max_restarts = 2;
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 4);
  EXPECT_EQ(status.restarts, 2u);
  EXPECT_EQ(file_text(path("attempts")), "attempt 0\nattempt 1\nattempt 2\n");
}

TEST_F(RunTest, ReplicasGetTheirEnvironmentAndWorkingDirectory) {
  TestRole trainer = shell_role("trainer",
                                "echo \"$PWD|$RANK|$WORLD_SIZE|$LOCAL_RANK|$LOCAL_WORLD_SIZE|$NODE_RANK|"
                                "$MASTER_ADDR|$DLAUNCH_JOB|$DLAUNCH_ROLE|$SHARED|$JOB_ONLY\" > env-$RANK; "
                                "echo $MASTER_PORT > port-$RANK",
                                2);
  trainer.env = {{"SHARED", "from role"}};
  TestRole server = shell_role("server", "echo $MASTER_PORT > server-port");
  TestJob job = job_with({trainer, server});
  job.env = {{"SHARED", "from job"}, {"JOB_ONLY", "job value"}};
  std::string id = submit(job);
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED);

  const std::string dir = scratch_.path();
  EXPECT_EQ(file_text(path("env-0")), dir + "|0|2|0|2|0|127.0.0.1|test-job|trainer|from role|job value\n");
  EXPECT_EQ(file_text(path("env-1")), dir + "|1|2|1|2|0|127.0.0.1|test-job|trainer|from role|job value\n");
  // One port per role, the same for every replica of it.
  std::string port = file_text(path("port-0"));
  EXPECT_GT(std::stoi(port), 0);
  EXPECT_EQ(file_text(path("port-1")), port);
  EXPECT_NE(file_text(path("server-port")), port);
}

TEST_F(RunTest, JobEndsWhenItsDriversEndAndTheOtherRolesAreStopped) {
  TestRole server = shell_role("server", "sleep 600 & echo $! > server.pid; wait");
  server.driver = false;
  TestRole driver = shell_role("driver", "while [ ! -s server.pid ]; do sleep 0.05; done; echo driver done");
  std::string id = submit(job_with({driver, server}));
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED) << status.message;
  pid_t server_sleep = read_pid_file(path("server.pid"));
  ASSERT_GT(server_sleep, 0);
  EXPECT_FALSE(is_running(server_sleep));
}

TEST_F(RunTest, ProgramThatDoesNotExistFailsWith127) {
  TestRole role;
  role.entrypoint = {"dlaunch-no-such-program"};
  std::string id = submit(job_with({role}));
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 127);
  std::string logs = logs_of(id);
  EXPECT_NE(logs.find("[worker/0] dlaunch: cannot find program 'dlaunch-no-such-program'"), std::string::npos)
      << logs;
}

TEST_F(RunTest, MissingWorkingDirectoryFailsTheReplicasWithAClearLine) {
  TestJob job = job_with({shell_role("trainer", "true")});
  job.working_dir = path("removed-before-the-job-started");
  std::string id = submit(job);
  JobStatusCopy status = client().wait_until_terminal(id);
  EXPECT_EQ(status.state, DLAUNCH_STATE_FAILED);
  EXPECT_EQ(status.exit_code, 127);
  std::string logs = logs_of(id);
  EXPECT_NE(logs.find("[trainer/0] dlaunch: the working directory " + job.working_dir + " does not exist"),
            std::string::npos)
      << logs;
}

}  // namespace
}  // namespace dlaunch::test
