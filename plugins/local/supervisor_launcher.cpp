#include "supervisor_launcher.hpp"

#include <dlaunch/plugin.hpp>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "job_state.hpp"

extern char** environ;

namespace dlaunch::local {
namespace {

// `input` becomes the child's standard input.
pid_t spawn_detached(const std::filesystem::path& executable, const JobPaths& paths, int input) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO);
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0);
  // A descriptor of the host left open in the long-lived supervisor (say, the pipe a test reads dlaunch's
  // output from) would keep it open long after dlaunch has exited.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::string program = executable.string();
  std::string job_dir = paths.dir().string();
  char* argv[] = {program.data(), job_dir.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, "cannot start the local supervisor " + program + ": " + std::strerror(rc));
  }
  return pid;
}

// Sends all of `text` to the supervisor's standard input and closes it there. A supervisor that died before
// reading it all is not an error here: it recorded why in the job's state, which launch_supervisor reads.
void send_and_close(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);  // no SIGPIPE in the host's process
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(fd);
}

// The supervisor's first process exits as soon as the real one has taken over.
void wait_for_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // ECHILD (a host that ignores SIGCHLD reaps it itself) is fine: state.json tells what happened.
}

}  // namespace

void launch_supervisor(const std::filesystem::path& executable, const JobPaths& paths, std::string_view job_json) {
  // A socket rather than a pipe: send() can refuse SIGPIPE for this one write, whatever the host's handlers.
  int channel[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
    throw sdk::Error(DLAUNCH_ERR_INTERNAL, std::string("cannot start the local supervisor: socketpair: ") +
                                               std::strerror(errno));
  }
  pid_t pid = 0;
  try {
    pid = spawn_detached(executable, paths, channel[1]);
  } catch (...) {
    ::close(channel[0]);
    ::close(channel[1]);
    throw;
  }
  ::close(channel[1]);
  send_and_close(channel[0], job_json);
  wait_for_exit(pid);
  JobState state = load_state(paths.state());
  if (state.supervisor_pid != 0) return;
  if (!state.message.empty()) throw sdk::Error(DLAUNCH_ERR_INTERNAL, state.message);
  throw sdk::Error(DLAUNCH_ERR_INTERNAL,
                   "the local supervisor " + executable.string() + " exited before taking the job over");
}

}  // namespace dlaunch::local
