#include "job_watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>

namespace dlaunch::local {

JobWatch::JobWatch(const JobPaths& paths) : paths_(paths), fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (fd_ < 0) return;
  // state.json is replaced by a rename (IN_MOVED_TO); logs/ is created once (IN_CREATE).
  if (::inotify_add_watch(fd_, paths_.dir().c_str(), IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF) < 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  watch_logs_dir();
}

JobWatch::~JobWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void JobWatch::watch_logs_dir() {
  if (watching_logs_ || fd_ < 0) return;
  watching_logs_ = ::inotify_add_watch(fd_, paths_.logs_dir().c_str(), IN_MODIFY | IN_CREATE) >= 0;
}

void JobWatch::wait_for_change(std::chrono::milliseconds timeout) {
  if (fd_ < 0) {
    ::usleep(static_cast<useconds_t>(timeout.count()) * 1000);
    return;
  }
  pollfd watch{fd_, POLLIN, 0};
  if (::poll(&watch, 1, static_cast<int>(timeout.count())) <= 0) return;
  // What changed does not matter: the caller reads the state and the log again. Drain the queue.
  alignas(inotify_event) char events[4096];
  while (::read(fd_, events, sizeof events) > 0 || errno == EINTR) {
  }
  watch_logs_dir();
}

}  // namespace dlaunch::local
