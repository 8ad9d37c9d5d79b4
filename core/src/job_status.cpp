#include <dlaunch/core/job_status.hpp>

namespace dlaunch {

const char* state_name(JobState state) {
  switch (state) {
    case JobState::kPending:
      return "PENDING";
    case JobState::kRunning:
      return "RUNNING";
    case JobState::kSucceeded:
      return "SUCCEEDED";
    case JobState::kFailed:
      return "FAILED";
    case JobState::kStopped:
      return "STOPPED";
    case JobState::kUnknown:
      break;
  }
  return "UNKNOWN";
}

bool is_terminal(JobState state) {
  return state == JobState::kSucceeded || state == JobState::kFailed || state == JobState::kStopped;
}

}  // namespace dlaunch
