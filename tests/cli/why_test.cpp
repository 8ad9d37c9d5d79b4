// "Why, always" on the local platform: a replica killed by a signal is reported by the signal's name; escape
// codes only on a terminal that takes them. And no output lost: every replica's last line survives all of them
// failing at once.
#include "cli_fixture.hpp"

namespace dlaunch {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(CliTest, AReplicaKilledByASignalIsReportedByTheSignalsName) {
  auto run = dlaunch({"run", spec("killed.toml", role("t", "\"echo before; kill -KILL $$\"")), "--wait"});
  EXPECT_EQ(run.exit_code, 137) << run.err;  // as a shell reports it
  EXPECT_TRUE(has(run.err, "FAILED (exit 137): t/0 was killed by SIGKILL\n")) << run.err;
  const std::string handle = test::last_line(run.out);
  auto status = dlaunch({"status", handle});
  EXPECT_TRUE(has(status.out, "  message:  t/0 was killed by SIGKILL\n")) << status.out;
  auto logs = dlaunch({"logs", handle});
  EXPECT_TRUE(has(logs.out, "[t/0] before\n[dlaunch] t/0 was killed by SIGKILL\n")) << logs.out;
  for (const auto* text : {&run.err, &status.out, &logs.out}) EXPECT_FALSE(has(*text, "code 137")) << *text;

  auto segv = dlaunch({"run", spec("segv.toml", role("t", "\"kill -SEGV $$\"")), "--wait"});
  EXPECT_TRUE(has(segv.err, "t/0 was killed by SIGSEGV")) << segv.err;
}

// Under a real terminal (a pty from python3), the progress line is rewritten in place only when the terminal
// takes escape codes.
TEST_F(CliTest, EscapeCodesOnlyOnATerminalThatTakesThem) {
  spec("short.toml", role("t", "\"sleep 1\""));
  auto under_pty = [&](const std::string& env) {
    return shell(env + " python3 -c 'import pty, sys; pty.spawn(sys.argv[1:])' \"$DLAUNCH\" run short.toml --wait "
                       "</dev/null");
  };
  auto xterm = under_pty("TERM=xterm");
  EXPECT_EQ(xterm.exit_code, 0) << xterm.err;
  EXPECT_TRUE(has(xterm.out, "\033[K")) << xterm.out;  // the test can see them when they are there
  for (const char* env : {"TERM=dumb", "TERM=xterm NO_COLOR=1", "TERM="}) {
    auto plain = under_pty(env);
    EXPECT_EQ(plain.exit_code, 0) << env << plain.err;
    EXPECT_FALSE(has(plain.out, "\033")) << env << ": " << plain.out;
    EXPECT_TRUE(has(plain.out, "RUNNING")) << env << ": " << plain.out;  // a line per change instead
  }
}

// Every rank prints its last line, waits until all ranks have, and fails: all at the same moment, in 20 runs
// of the gang (failover restarts it each time, so one job holds them all), as tests/ray/why_test.cpp does on
// Ray. A line missing from `run --follow` or `logs`, or coming after the word on how that run ended, is lost.
TEST_F(CliTest, EveryRanksLastLineSurvivesAllRanksFailingAtOnceTwentyTimes) {
  constexpr int kRanks = 8;
  constexpr int kRuns = 20;
  // The barrier: a file per rank and run, counted by the shell itself (a glob).
  const std::string entrypoint = "'echo \"last line of $RANK in run $DLAUNCH_RESTART_COUNT\"; "
                                 "d=\"$BARRIER/$DLAUNCH_RESTART_COUNT\"; mkdir -p \"$d\"; touch \"$d/$RANK\"; "
                                 "while set -- \"$d\"/*; [ $# -lt " + std::to_string(kRanks) +
                                 " ]; do sleep 0.01; done; exit 3'";
  const std::string path = spec("all-fail.toml", "name = \"all-fail\"\nenv = { BARRIER = \"" + dir_.path() +
                                                     "/barrier\" }\n[failover]\nmax_restarts = " +
                                                     std::to_string(kRuns - 1) + "\n" + role("w", entrypoint, kRanks));
  auto followed = dlaunch({"run", path, "--follow"});
  EXPECT_EQ(followed.exit_code, 3) << followed.err;
  auto logs = dlaunch({"logs", test::last_line(followed.out)});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  for (const auto* output : {&followed.out, &logs.out}) {
    size_t run_starts = 0;
    for (int run = 0; run < kRuns; ++run) {
      // The supervisor's word on this run: "[dlaunch] w/K exited with code 3", then the restart or the end.
      size_t run_ends = output->find("[dlaunch] w/", run_starts);
      ASSERT_NE(run_ends, std::string::npos) << "run " << run << " has no end:\n" << *output;
      for (int rank = 0; rank < kRanks; ++rank) {
        std::string line = "[w/" + std::to_string(rank) + "] last line of " + std::to_string(rank) + " in run " +
                           std::to_string(run) + "\n";
        size_t at = output->find(line, run_starts);
        EXPECT_TRUE(at != std::string::npos && at < run_ends) << line << "is missing before the end of its run";
      }
      run_starts = output->find('\n', run_ends);
    }
  }
}

}  // namespace
}  // namespace dlaunch
