// Waits on the local platform: `run --wait` and `status --wait` end with the job's state and exit code, and
// `logs --follow` ends with the job, its last line included; `status --wait` is woken by the job's changes. (How
// soon they notice is measured by scripts/bench.sh, never timed here.)
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

// How often a line of `text` holds `word`.
size_t count_of(const std::string& text, const std::string& word) {
  size_t n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size())) ++n;
  return n;
}

TEST_F(CliTest, StatusWaitOnLocalIsWokenByTheJobNotByATick) {
  // A job of a few seconds: the host waits through the plugin's wait_for_change (its debug line says how each
  // wait ended), once per change of the job and once per second without one. A host that polled instead would
  // make no such call; one that returned at once from every wait would make hundreds. The job ends half a
  // second into a wait: ending as a wait's second ran out, it was seen by the read of its state that follows
  // (CI saw three "unchanged" and no "changed" for a job of 3 s).
  auto run = dlaunch({"run", spec("later.toml", role("w", "\"sleep 2.5; exit 3\""))});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto waited = dlaunch({"--verbose", "status", test::last_line(run.out), "--wait"});
  EXPECT_EQ(waited.exit_code, 3) << waited.err;
  EXPECT_NE(waited.out.find("FAILED (exit 3)"), std::string::npos) << waited.out;
  const size_t changed = count_of(waited.err, "): changed");
  const size_t unchanged = count_of(waited.err, "): unchanged");
  EXPECT_GE(changed, 1u) << waited.err;                 // at least its end
  EXPECT_LE(changed, 4u) << waited.err;                 // started, running, ended, and a restart count at most
  EXPECT_LE(unchanged, 5u) << waited.err;               // about one a second, on a loaded machine a few more
  EXPECT_NE(waited.err.find("its supervisor's exit"), std::string::npos) << waited.err;
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
