// A job's state as the core reports it, whatever platform runs it. Plugins report it through the C ABI;
// the plugin host (core/src/plugins/platform.cpp) converts.
#ifndef DLAUNCH_CORE_JOB_STATUS_HPP_
#define DLAUNCH_CORE_JOB_STATUS_HPP_

#include <cstdint>
#include <optional>
#include <string>

namespace dlaunch {

enum class JobState {
  kUnknown,    // the platform said something dlaunch cannot map (its own word is in native_state)
  kPending,
  kRunning,
  kSucceeded,  // terminal
  kFailed,     // terminal
  kStopped     // terminal
};

// "UNKNOWN", "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED".
const char* state_name(JobState state);
bool is_terminal(JobState state);

struct JobStatus {
  std::string native_id;     // the platform's id of the job
  std::string name;          // the job's name, when known
  JobState state = JobState::kUnknown;
  std::optional<int32_t> exit_code;  // the job's own exit code, when known
  uint32_t restarts = 0;     // restarts done so far under failover.max_restarts
  std::string native_state;  // the platform's own word for the state
  std::string message;       // why it is in that state, when the platform says
  bool submitted_by_dlaunch = false;
  int64_t start_time_ms = 0;  // Unix epoch milliseconds; 0 when unknown
  int64_t end_time_ms = 0;    // 0 when unknown or still running
  std::string submission_id;  // dlaunch's submission id, when the platform keeps it (ABI 1.1)

  bool terminal() const { return is_terminal(state); }
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOB_STATUS_HPP_
