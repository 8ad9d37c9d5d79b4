// dlaunch-local-supervisor JOB_DIR: the detached process that owns one local job (see supervisor.hpp).
//
// The plugin starts it with posix_spawn, the job document on stdin (read to its end, then stdin is /dev/null),
// stdout and stderr on /dev/null, and waits for it to exit. It forks once: the
// parent leaves as soon as the child has recorded itself in state.json (exit 0, or 1 when the child could not
// start), so the plugin's submit returns at once, reaps its child, and leaves no zombie behind; the child is
// the supervisor, in a session of its own, adopted by init.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "job_paths.hpp"
#include "signal_watch.hpp"
#include "supervisor.hpp"

namespace {

using dlaunch::local::JobPaths;

// Exit codes (sysexits.h): the plugin reports a start failure with the message the child left in the state.
constexpr int kUsage = 64;
constexpr int kFailed = 70;

// All of standard input: the job document the plugin sends, then closes.
std::string read_standard_input() {
  std::string text;
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(STDIN_FILENO, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

int supervise(const JobPaths& paths, const std::string& job_json, int ready_fd) {
  try {
    // Orphans of the replicas (a `sh -c` child, say) are re-parented here instead of to init, so the
    // supervisor reaps them and can tell when a replica's process group is really empty.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    dlaunch::local::SignalWatch signals;
    if (job_json.empty()) throw std::runtime_error("the supervisor was handed no job document on its standard input");
    dlaunch::local::Supervisor supervisor(paths, job_json, signals);
    supervisor.take_over();
    const char ready = 1;
    (void)!::write(ready_fd, &ready, 1);
    ::close(ready_fd);
    return supervisor.run();
  } catch (const std::exception& e) {
    dlaunch::local::record_supervisor_failure(paths, e.what());
    return kFailed;
  }
}

// Waits until the supervisor said it is ready (or died before saying so).
int wait_until_ready(int ready_fd) {
  char ready = 0;
  ssize_t n;
  while ((n = ::read(ready_fd, &ready, 1)) < 0 && errno == EINTR) {
  }
  return n == 1 ? 0 : kFailed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s JOB_DIR\n(started by dlaunch's local platform; not meant to be run by hand)\n",
                 argv[0]);
    return kUsage;
  }
  JobPaths paths(std::filesystem::absolute(argv[1]));
  dlaunch::local::SignalWatch::block_signals();
  ::signal(SIGPIPE, SIG_IGN);
  ::setsid();
  if (::chdir("/") != 0) return kFailed;  // keep none of the caller's directories busy
  const std::string job_json = read_standard_input();
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0 || ::dup2(null, STDIN_FILENO) < 0) return kFailed;  // dup2 leaves stdin itself inheritable
  ::close(null);
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) return kFailed;
  pid_t child = ::fork();
  if (child < 0) return kFailed;
  if (child == 0) {
    ::close(ready[0]);
    return supervise(paths, job_json, ready[1]);
  }
  ::close(ready[1]);
  return wait_until_ready(ready[0]);
}
