// The process that owns a running local job: runs attempts of it (restarting the whole job when the failover
// policy says so, failover_policy.hpp) and keeps state.json current. It lives in its own session, apart from
// the dlaunch process that submitted the job, so `dlaunch run` can return and later commands find it.
#ifndef DLAUNCH_LOCAL_SUPERVISOR_HPP_
#define DLAUNCH_LOCAL_SUPERVISOR_HPP_

#include <dlaunch/job_document.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "attempt.hpp"
#include "failover_policy.hpp"
#include "job_paths.hpp"
#include "job_state.hpp"
#include "log_files.hpp"
#include "signal_watch.hpp"

namespace dlaunch::local {

class Supervisor {
 public:
  // Runs `job_json` (the document submit was handed; job.json has its secrets masked), from the state that
  // submit wrote. Throws sdk::Error.
  Supervisor(JobPaths paths, std::string_view job_json, SignalWatch& signals);

  // Records this process as the job's supervisor. Once it returns, `stop` can reach the job.
  void take_over();
  // Runs the job to its end and records the outcome. Returns the supervisor's exit code (0 unless the
  // supervisor itself failed; the job's own outcome is in the state).
  int run();

 private:
  AttemptResult run_attempt();
  LaunchContext launch_context() const;
  void finish(RunState state, std::optional<int> exit_code, const std::string& message);
  void save() const { save_state(paths_.state(), state_); }

  JobPaths paths_;
  SignalWatch& signals_;
  sdk::Job job_;
  std::string submission_id_;
  JobState state_;
  CombinedLog combined_;
  FailoverPolicy policy_;
  std::map<std::string, uint32_t> starts_;  // each replica's starts so far: its DLAUNCH_RESTART_COUNT
};

// Marks the job FAILED with `why`, for a supervisor that cannot go on. Never throws.
void record_supervisor_failure(const JobPaths& paths, const std::string& why) noexcept;

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_SUPERVISOR_HPP_
