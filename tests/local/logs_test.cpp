// Reading a job's output: follow until the end, cancellation, lines without a newline.
#include "local/local_platform_test.hpp"

namespace dlaunch::test {
namespace {

using LogsTest = LocalPlatformTest;

TEST_F(LogsTest, FollowReturnsOnceTheJobHasEndedWithEveryLine) {
  std::string id = submit(job_with({shell_role("trainer", "echo first; sleep 1; echo last", 2)}));
  std::string logs = logs_of(id, /*follow=*/true);
  JobStatusCopy status;
  ASSERT_TRUE(client().status(id, "{}", status).ok());
  EXPECT_EQ(status.state, DLAUNCH_STATE_SUCCEEDED);
  for (const char* line : {"[trainer/0] first\n", "[trainer/1] first\n", "[trainer/0] last\n", "[trainer/1] last\n"}) {
    EXPECT_NE(logs.find(line), std::string::npos) << line << " missing from:\n" << logs;
  }
}

TEST_F(LogsTest, FollowEndsWithCancelledWhenTheHostCancels) {
  std::string id = submit(job_with({shell_role("trainer", "echo waiting; sleep 600")}));
  client().set_cancelled(true);
  std::string logs;
  // Uncancelled, it would follow the job for 600 s: past the test's TIMEOUT.
  CallResult result = client().logs(id, "{}", /*follow=*/true, logs);
  client().set_cancelled(false);
  EXPECT_EQ(result.code, DLAUNCH_ERR_CANCELLED);
  EXPECT_TRUE(client().stop(id, "{}").ok());
}

TEST_F(LogsTest, LastLineWithoutNewlineIsKept) {
  std::string id = submit(job_with({shell_role("trainer", "printf 'no newline at the end'")}));
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_NE(logs_of(id).find("[trainer/0] no newline at the end\n"), std::string::npos);
}

}  // namespace
}  // namespace dlaunch::test
