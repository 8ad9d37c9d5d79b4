// Wakes a reader of a local job (`logs --follow`) when the job's files change: its state replaced, its
// combined log written to. The supervisor writes both, so a follower sees each line and the job's end as they
// happen, rather than on a poll tick.
#ifndef DLAUNCH_LOCAL_JOB_WATCH_HPP_
#define DLAUNCH_LOCAL_JOB_WATCH_HPP_

#include <chrono>

#include "job_paths.hpp"

namespace dlaunch::local {

class JobWatch {
 public:
  // Watches from now on: a change after the constructor returns wakes the next wait_for_change.
  explicit JobWatch(const JobPaths& paths);
  ~JobWatch();
  JobWatch(const JobWatch&) = delete;
  JobWatch& operator=(const JobWatch&) = delete;

  // Returns once a file of the job changed since the last call, or after `timeout`. Without inotify (the
  // user's limit on instances reached), only after `timeout`.
  void wait_for_change(std::chrono::milliseconds timeout);

 private:
  // The log directory appears when the supervisor starts: it is watched from then on.
  void watch_logs_dir();

  JobPaths paths_;
  int fd_ = -1;
  bool watching_logs_ = false;
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_JOB_WATCH_HPP_
