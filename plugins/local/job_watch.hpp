// Wakes a reader of a local job when the job changes: its state replaced (the supervisor renames a new
// state.json into place), its supervisor gone, and for `logs --follow` its combined log written to. The
// supervisor writes both files, so a follower or a waiter sees each change as it happens, rather than on a
// poll tick.
#ifndef DLAUNCH_LOCAL_JOB_WATCH_HPP_
#define DLAUNCH_LOCAL_JOB_WATCH_HPP_

#include <sys/types.h>

#include <chrono>

#include "job_paths.hpp"

namespace dlaunch::local {

class JobWatch {
 public:
  enum class Files { kState, kStateAndLogs };

  // Watches from now on: a change after the constructor returns wakes the next wait_for_change.
  JobWatch(const JobPaths& paths, Files files);
  ~JobWatch();
  JobWatch(const JobWatch&) = delete;
  JobWatch& operator=(const JobWatch&) = delete;

  // Also wakes when process `pid` exits (a pidfd, Linux 5.3 and later). False when it cannot: no pidfd_open,
  // or no such process. The caller checks afterwards that `pid` is still the process it meant.
  bool watch_exit_of(pid_t pid);
  // Whether a change of the files wakes wait_for_change; without inotify (the user's limit on instances
  // reached), only the timeout does.
  bool watching_files() const { return fd_ >= 0; }

  // Returns once a watched file changed since the last call, or the process exited (true; its exit is told
  // once), or after `timeout` (false).
  bool wait_for_change(std::chrono::milliseconds timeout);

 private:
  // The log directory appears when the supervisor starts: it is watched from then on.
  void watch_logs_dir();

  JobPaths paths_;
  Files files_;
  int fd_ = -1;
  int pidfd_ = -1;
  bool watching_logs_ = false;
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_JOB_WATCH_HPP_
