#include "job_watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace dlaunch::local {

JobWatch::JobWatch(const JobPaths& paths, Files files)
    : paths_(paths), files_(files), fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (fd_ < 0) return;
  // state.json is replaced by a rename (IN_MOVED_TO); logs/ is created once (IN_CREATE).
  const uint32_t events = IN_MOVED_TO | IN_DELETE_SELF | (files_ == Files::kStateAndLogs ? IN_CREATE : 0);
  if (::inotify_add_watch(fd_, paths_.dir().c_str(), events) < 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  watch_logs_dir();
}

JobWatch::~JobWatch() {
  if (fd_ >= 0) ::close(fd_);
  if (pidfd_ >= 0) ::close(pidfd_);
}

bool JobWatch::watch_exit_of(pid_t pid) {
#ifdef SYS_pidfd_open
  if (pidfd_ < 0 && pid > 0) pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
#endif
  return pidfd_ >= 0;
}

void JobWatch::watch_logs_dir() {
  if (files_ != Files::kStateAndLogs || watching_logs_ || fd_ < 0) return;
  watching_logs_ = ::inotify_add_watch(fd_, paths_.logs_dir().c_str(), IN_MODIFY | IN_CREATE) >= 0;
}

bool JobWatch::wait_for_change(std::chrono::milliseconds timeout) {
  pollfd watched[2];
  nfds_t count = 0;
  if (fd_ >= 0) watched[count++] = pollfd{fd_, POLLIN, 0};
  if (pidfd_ >= 0) watched[count++] = pollfd{pidfd_, POLLIN, 0};
  if (count == 0) {
    ::usleep(static_cast<useconds_t>(timeout.count()) * 1000);
    return false;
  }
  if (::poll(watched, count, static_cast<int>(timeout.count())) <= 0) return false;
  if (pidfd_ >= 0 && (watched[count - 1].revents & POLLIN) != 0) {
    // An exit is told once: a pidfd stays readable, and would wake every later call.
    ::close(pidfd_);
    pidfd_ = -1;
  }
  if (fd_ >= 0) {
    // What changed does not matter: the caller reads the state (and the log) again. Drain the queue.
    alignas(inotify_event) char events[4096];
    while (::read(fd_, events, sizeof events) > 0 || errno == EINTR) {
    }
  }
  watch_logs_dir();
  return true;
}

}  // namespace dlaunch::local
