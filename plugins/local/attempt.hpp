// One attempt of a job: starts every replica, routes their output to the logs, and decides how the attempt
// ends. A replica that exits non-zero is handled as the failover policy says (failover_policy.hpp): it is
// restarted alone or with its role, or the attempt goes on without it, or the attempt fails (for the
// supervisor to restart the job or give up). The attempt succeeds when every driver replica has exited 0
// (or was left behind), and stops when the supervisor is asked to. Whatever the reason, it then ends every
// process the replicas started (SIGTERM to each replica's process group, SIGKILL after the grace period)
// before returning.
#ifndef DLAUNCH_LOCAL_ATTEMPT_HPP_
#define DLAUNCH_LOCAL_ATTEMPT_HPP_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "failover_policy.hpp"
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
  bool restart_job = false;  // kFailed: the policy chose to restart the whole job
};

class Attempt {
 public:
  // Called with every replica's record whenever one starts or ends, so the job's state stays current.
  using ReplicasChanged = std::function<void(const std::vector<ReplicaRecord>&)>;

  // `starts` counts each replica's starts across attempts ("trainer/0" -> 2): its DLAUNCH_RESTART_COUNT.
  Attempt(const JobPaths& paths, std::vector<ReplicaLaunch> launches, std::chrono::seconds stop_grace,
          SignalWatch& signals, const CombinedLog& combined, FailoverPolicy& policy,
          std::map<std::string, uint32_t>& starts, ReplicasChanged on_change);
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
    bool left_behind = false;  // failed, and the attempt went on without it
    bool restarting = false;   // to be started again once its process group is empty
    // While restarting: SIGKILL for what is left of it at this time (SIGTERM came first).
    std::chrono::steady_clock::time_point kill_at{};
  };
  // kAbandoned: processes survived SIGKILL (stuck in the kernel); the attempt ends without them.
  enum class Phase { kRunning, kTerminating, kKilling, kAbandoned };

  void start(Replica& replica);
  void wait_for_events();
  void read_output(Replica& replica);
  void reap_children();
  // `how` for the user: "exited with code 3", "was killed by SIGKILL".
  void on_exit(Replica& replica, int exit_code, const std::string& how);
  void recover(Replica& replica, int exit_code, const std::string& why);
  void restart_when_gone(Replica& replica);
  void restart_pending(std::chrono::steady_clock::time_point now);
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
  FailoverPolicy& policy_;
  std::map<std::string, uint32_t>& starts_;
  ReplicasChanged on_change_;

  Phase phase_ = Phase::kRunning;
  std::optional<AttemptResult> failure_;  // the first replica that failed
  AttemptResult result_;
  std::chrono::steady_clock::time_point phase_deadline_;
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_ATTEMPT_HPP_
