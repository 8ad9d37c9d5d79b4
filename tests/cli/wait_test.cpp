// Waits on the local platform: `run --wait` and `status --wait` end with the job's state and exit code, and
// `logs --follow` ends with the job, its last line included. (How soon they notice is measured by
// scripts/bench.sh, never timed here.)
#include <gtest/gtest.h>

#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

TEST_F(CliTest, StatusWaitOnAFailingTwoReplicaJobEndsWithItsExitCode) {
  // Rank 1 fails after rank 0 has ended well: the job fails with rank 1's code.
  auto run = dlaunch({"run", spec("fails.toml", role("w", "\"if [ $RANK = 1 ]; then sleep 0.2; exit 4; fi\"", 2))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto waited = dlaunch({"status", test::last_line(run.out), "--wait"});
  EXPECT_EQ(waited.exit_code, 4) << waited.err;
  EXPECT_NE(waited.out.find("FAILED (exit 4)"), std::string::npos) << waited.out;
}

TEST_F(CliTest, RunWaitSeesTheEndOfAJobThatOutlastsTheFirstPolls) {
  // The host's polls start 1 ms apart and grow: a job of most of a second is seen at intervals of a few hundred
  // milliseconds, and still ends the wait with its state.
  auto r = dlaunch({"run", spec("slow.toml", role("w", "\"sleep 0.8; echo done\"", 2)), "--wait", "--output", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"state\": \"SUCCEEDED\""), std::string::npos) << r.out;
}

TEST_F(CliTest, LogsFollowEndsWithTheJobAndHasItsLastLine) {
  auto run = dlaunch({"run", spec("talks.toml", role("w", "\"echo first; sleep 0.4; echo last; exit 2\""))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string handle = test::last_line(run.out);
  auto followed = dlaunch({"logs", handle, "--follow"});
  EXPECT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_NE(followed.out.find("[w/0] first\n"), std::string::npos) << followed.out;
  EXPECT_NE(followed.out.find("[w/0] last\n"), std::string::npos) << followed.out;
  // It ended because the job did: the job is over, and failed as it said.
  auto status = dlaunch({"status", handle});
  EXPECT_NE(status.out.find("FAILED (exit 2)"), std::string::npos) << status.out;
}

}  // namespace
}  // namespace dlaunch
