// A user's Ctrl-C and a full disk, for real. Ctrl-C: `run --wait` and `logs -f` run on a pseudo-terminal
// and the terminal's SIGINT goes to their process group; each exits 130, the job goes on to its end, and the
// terminal shows no progress line left behind. A full disk: the state directory on a small tmpfs, filled;
// `run` fails with an error that says so, and the journal keeps every entry it had, whole.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli_fixture.hpp"
#include "support/cluster_env.hpp"

extern char** environ;

namespace dlaunch {
namespace {

using namespace std::chrono_literals;

// A program on a pseudo-terminal, in its own session with the terminal as its controlling one, as a shell
// runs a foreground command.
class OnTerminal {
 public:
  OnTerminal(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    struct winsize size = {24, 100, 0, 0};
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
      ::setenv("TERM", "xterm", 1);
      ::unsetenv("NO_COLOR");
      std::vector<char*> argv;
      for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
      argv.push_back(nullptr);
      ::execve(argv[0], argv.data(), environ);
      ::_exit(127);
    }
  }
  ~OnTerminal() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }

  // Reads what the terminal shows until `text` appears or `timeout` passes; true when it did.
  bool read_until(const std::string& text, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (seen_.find(text) == std::string::npos && std::chrono::steady_clock::now() < until) read_some(50ms);
    return seen_.find(text) != std::string::npos;
  }
  // Ctrl-C: the terminal sends SIGINT to its foreground process group, here the program's.
  void interrupt() { ::kill(-pid_, SIGINT); }
  // The exit code (128 + signal when killed); -1 after `timeout`.
  int wait(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
      read_some(20ms);
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        while (read_some(20ms)) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }
  const std::string& seen() const { return seen_; }
  int master() const { return master_; }

 private:
  bool read_some(std::chrono::milliseconds timeout) {
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buffer[4096];
    ssize_t n = ::read(master_, buffer, sizeof buffer);
    if (n <= 0) return false;
    seen_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  bool exited_ = false;
  std::string seen_;
};

// The lines a terminal shows after `output`: "\r" returns to the line's start, "ESC[K" erases to its end.
std::vector<std::string> screen(const std::string& output) {
  std::vector<std::string> lines(1);
  size_t column = 0;
  for (size_t i = 0; i < output.size(); ++i) {
    char c = output[i];
    if (c == '\r') {
      column = 0;
    } else if (c == '\n') {
      lines.emplace_back();
      column = 0;
    } else if (output.compare(i, 3, "\033[K") == 0) {
      lines.back().resize(std::min(column, lines.back().size()));
      i += 2;
    } else {
      if (column < lines.back().size()) {
        lines.back()[column] = c;
      } else {
        lines.back().push_back(c);
      }
      ++column;
    }
  }
  if (lines.back().empty()) lines.pop_back();
  return lines;
}

class Interrupt : public CliTest {
 protected:
  // A job that runs a few seconds, prints a line, and leaves a file when it ends.
  std::string slow_job() {
    marker_ = dir_.path() + "/ended";
    return spec("slow.toml", "name = \"slow\"\n" +
                                 role("main", "[\"sh\", \"-c\", \"echo started; sleep 3; echo ended > " + marker_ + "\"]"));
  }
  // The job went on after dlaunch was interrupted: it ends, SUCCEEDED, and its last act happened.
  void expect_job_went_on(const std::string& handle) {
    auto status = dlaunch({"status", handle, "--wait"});
    EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
    EXPECT_NE(status.out.find("SUCCEEDED"), std::string::npos) << status.out;
    EXPECT_TRUE(std::filesystem::exists(marker_)) << "the job did not reach its end";
  }
  // The terminal holds no progress line and is as the test set it up (echo and line editing on).
  void expect_clean_terminal(const OnTerminal& terminal) {
    bool said = false;
    for (const auto& line : screen(terminal.seen())) {
      said = said || line.starts_with("dlaunch: interrupted; the job goes on: ");
      EXPECT_EQ(line.find("RUNNING ("), std::string::npos) << "left on screen: " << line;
    }
    EXPECT_TRUE(said) << terminal.seen();
    termios modes{};
    ASSERT_EQ(::tcgetattr(terminal.master(), &modes), 0);
    EXPECT_TRUE((modes.c_lflag & ECHO) && (modes.c_lflag & ICANON)) << "terminal modes changed";
  }
  std::string marker_;
};

TEST_F(Interrupt, CtrlCDuringRunWaitExits130AndTheJobGoesOn) {
  OnTerminal terminal({test::dlaunch_binary(), "run", slow_job(), "--wait"}, environment());
  // The progress line shows once the job runs.
  ASSERT_TRUE(terminal.read_until("RUNNING", 20s)) << terminal.seen();
  terminal.interrupt();
  EXPECT_EQ(terminal.wait(10s), 130) << terminal.seen();
  expect_clean_terminal(terminal);
  auto handles = journal_sql("SELECT platform || ':' || native_id FROM jobs");
  ASSERT_FALSE(handles.empty());
  EXPECT_FALSE(std::filesystem::exists(marker_)) << "the job ended before the interrupt: nothing was tested";
  expect_job_went_on(handles.substr(0, handles.find('\n')));
}

TEST_F(Interrupt, CtrlCDuringStatusWaitExits130BeforeTheJobEnds) {
  // The host waits in the local plugin's wait_for_change: it returns on Ctrl-C, not when the job next changes.
  auto run = dlaunch({"run", slow_job()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string handle = test::last_line(run.out);
  OnTerminal terminal({test::dlaunch_binary(), "status", handle, "--wait"}, environment());
  ASSERT_TRUE(terminal.read_until("RUNNING", 20s)) << terminal.seen();
  terminal.interrupt();
  EXPECT_EQ(terminal.wait(10s), 130) << terminal.seen();
  expect_clean_terminal(terminal);
  EXPECT_FALSE(std::filesystem::exists(marker_)) << "the job ended before dlaunch did: the wait outlasted Ctrl-C";
  expect_job_went_on(handle);
}

TEST_F(Interrupt, CtrlCDuringLogsFollowExits130AndTheJobGoesOn) {
  auto run = dlaunch({"run", slow_job()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string handle = test::last_line(run.out);
  OnTerminal terminal({test::dlaunch_binary(), "logs", "-f", handle}, environment());
  ASSERT_TRUE(terminal.read_until("started", 20s)) << terminal.seen();
  terminal.interrupt();
  EXPECT_EQ(terminal.wait(10s), 130) << terminal.seen();
  expect_clean_terminal(terminal);
  EXPECT_FALSE(std::filesystem::exists(marker_)) << "the job ended before the interrupt: nothing was tested";
  expect_job_went_on(handle);
}

// The state directory on a 1 MiB tmpfs. Needs mount rights (root, as in CI): skipped without them, except under
// CI=true, where a test that cannot set itself up fails.
TEST_F(CliTest, AFullStateFilesystemIsAClearErrorAndTheJournalStaysWhole) {
  const std::string state = home_.path() + "/state";
  std::filesystem::create_directories(state);
  if (::mount("tmpfs", state.c_str(), "tmpfs", 0, "size=1m,mode=0700") != 0) {
    if (test::running_in_ci()) FAIL() << "cannot mount a tmpfs: " << std::strerror(errno);
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{state};
  const std::string job = spec("job.toml", "name = \"full\"\n" + role("t", "[\"true\"]"));
  auto first = dlaunch({"run", job});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string before = journal_text();
  ASSERT_FALSE(before.empty());

  // Fill what is left, a block at a time, until the filesystem refuses.
  {
    std::ofstream filler(state + "/filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (filler.write(block.data(), block.size()) && filler.flush()) {
    }
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto full = dlaunch({"run", job});
    EXPECT_NE(full.exit_code, 0) << full.out;
    EXPECT_LT(full.exit_code, 128) << "a crash, not an error: " << full.err;
    EXPECT_NE(full.err.find("no space left"), std::string::npos) << "the error does not say the disk is full: " << full.err;
    EXPECT_EQ(test::last_line(full.out).find("local:"), std::string::npos) << "a job was submitted unjournaled";
  }
  std::filesystem::remove(state + "/filler");
  EXPECT_EQ(journal_sql("PRAGMA integrity_check"), "ok\n");
  // Every entry it had is there as it was; an attempt that got as far as its intent shows as such.
  const std::string after = journal_sql("SELECT * FROM jobs ORDER BY rowid LIMIT 1");
  EXPECT_EQ(after, before);
  auto list = dlaunch({"list", "-o", "json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  // With room again, dlaunch works as before.
  auto again = dlaunch({"run", job});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

}  // namespace
}  // namespace dlaunch
