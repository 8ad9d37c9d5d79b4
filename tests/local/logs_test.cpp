// Reading a job's output: follow until the end, cancellation, lines without a newline.
#include <chrono>

#include "local/local_platform_test.hpp"

namespace dlaunch::test {
namespace {

using LogsTest = LocalPlatformTest;
using std::chrono::steady_clock;

TEST_F(LogsTest, FollowReturnsOnceTheJobHasEndedWithEveryLine) {
  std::string id = submit(job_with({shell_role("trainer", "echo first; sleep 1; echo last", 2)}));
  auto started = steady_clock::now();
  std::string logs = logs_of(id, /*follow=*/true);
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(20));
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
  auto started = steady_clock::now();
  CallResult result = client().logs(id, "{}", /*follow=*/true, logs);
  client().set_cancelled(false);
  EXPECT_EQ(result.code, DLAUNCH_ERR_CANCELLED);
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_TRUE(client().stop(id, "{}").ok());
}

TEST_F(LogsTest, LastLineWithoutNewlineIsKept) {
  std::string id = submit(job_with({shell_role("trainer", "printf 'no newline at the end'")}));
  ASSERT_EQ(client().wait_until_terminal(id).state, DLAUNCH_STATE_SUCCEEDED);
  EXPECT_NE(logs_of(id).find("[trainer/0] no newline at the end\n"), std::string::npos);
}

}  // namespace
}  // namespace dlaunch::test
