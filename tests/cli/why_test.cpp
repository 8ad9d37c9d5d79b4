// "Why, always" on the local platform: a replica killed by a signal is reported by the signal's name; escape
// codes only on a terminal that takes them.
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

}  // namespace
}  // namespace dlaunch
