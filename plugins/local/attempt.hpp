// One attempt of a job: starts every replica, routes their output to the logs, and decides how the attempt
// ends. It succeeds when every driver replica has exited 0, fails at the first replica that exits non-zero,
// and stops when the supervisor is asked to. Whatever the reason, it then ends every process the replicas
// started (SIGTERM to each replica's process group, SIGKILL after the grace period) before returning.
#ifndef DLAUNCH_LOCAL_ATTEMPT_HPP_
#define DLAUNCH_LOCAL_ATTEMPT_HPP_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "job_paths.hpp"
#include "job_state.hpp"
#include "launch_plan.hpp"
#include "log_files.hpp"
#include "signal_watch.hpp"

namespace dlaunch::local {

struct AttemptResult {
  enum class Kind { kSucceeded, kFailed, kStopped };
  Kind kind = Kind::kSucceeded;
  int exit_code = 0;    // of the first replica that failed
  std::string message;  // why it failed, e.g. "trainer/1 exited with code 3", "trainer/0 was killed by SIGKILL"
};

class Attempt {
 public:
  // Called with every replica's record whenever one starts or ends, so the job's state stays current.
  using ReplicasChanged = std::function<void(const std::vector<ReplicaRecord>&)>;

  Attempt(const JobPaths& paths, std::vector<ReplicaLaunch> launches, std::chrono::seconds stop_grace,
          SignalWatch& signals, const CombinedLog& combined, ReplicasChanged on_change);
  ~Attempt();
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  AttemptResult run();

 private:
  struct Replica {
    ReplicaLaunch launch;
    ReplicaLog log;
    ReplicaRecord record;
    int output_fd = -1;  // -1 when never started or at end of output
  };
  // kAbandoned: processes survived SIGKILL (stuck in the kernel); the attempt ends without them.
  enum class Phase { kRunning, kTerminating, kKilling, kAbandoned };

  void start(Replica& replica);
  void wait_for_events();
  void read_output(Replica& replica);
  void reap_children();
  // `how` for the user: "exited with code 3", "was killed by SIGKILL".
  void on_exit(Replica& replica, int exit_code, const std::string& how);
  void decide();
  void begin_termination(AttemptResult result);
  void signal_groups(int signal) const;
  bool finished() const;
  void close_outputs();
  void report_change() const;

  std::vector<Replica> replicas_;
  std::chrono::seconds stop_grace_;
  SignalWatch& signals_;
  const CombinedLog& combined_;
  ReplicasChanged on_change_;

  Phase phase_ = Phase::kRunning;
  std::optional<AttemptResult> failure_;  // the first replica that failed
  AttemptResult result_;
  std::chrono::steady_clock::time_point phase_deadline_;
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_ATTEMPT_HPP_
