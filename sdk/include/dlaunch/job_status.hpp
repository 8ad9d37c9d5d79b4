// Header-only C++ value type for a job's status (dlaunch_job_status of plugin.h), for plugins, which report
// it, and for C++ code that calls plugins through the C ABI directly (tests/support), with the conversions
// both ways. dlaunch's own host converts to the core's JobStatus instead (core/src/plugins/platform.cpp).
#ifndef DLAUNCH_JOB_STATUS_HPP_
#define DLAUNCH_JOB_STATUS_HPP_

#include <dlaunch/plugin.h>

#include <cstdint>
#include <optional>
#include <string>

namespace dlaunch::sdk {

struct JobStatus {
  std::string native_id;
  std::string name;
  int32_t state = DLAUNCH_STATE_UNKNOWN;
  std::optional<int32_t> exit_code;
  uint32_t restarts = 0;
  std::string native_state;
  std::string message;
  bool submitted_by_dlaunch = false;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;
  std::string submission_id;  // ABI 1.1: the host's submission id, when the platform keeps it

  bool terminal() const { return state >= DLAUNCH_STATE_SUCCEEDED && state <= DLAUNCH_STATE_STOPPED; }
};

// The C record for `status`; its pointers borrow from `status`, which must outlive it.
inline dlaunch_job_status to_c(const JobStatus& status) {
  dlaunch_job_status c{};
  c.struct_size = DLAUNCH_JOB_STATUS_SIZE_1_1;
  c.native_id = status.native_id.c_str();
  c.name = status.name.c_str();
  c.state = status.state;
  c.has_exit_code = status.exit_code.has_value();
  c.exit_code = status.exit_code.value_or(0);
  c.restarts = status.restarts;
  c.native_state = status.native_state.c_str();
  c.message = status.message.c_str();
  c.submitted_by_dlaunch = status.submitted_by_dlaunch;
  c.start_time_ms = status.start_time_ms;
  c.end_time_ms = status.end_time_ms;
  c.submission_id = status.submission_id.empty() ? nullptr : status.submission_id.c_str();
  return c;
}

// A copy of a C record (whose struct_size must cover ABI 1.0's fields); unknown states become UNKNOWN.
inline JobStatus from_c(const dlaunch_job_status& c) {
  auto text = [](const char* p) { return p != nullptr ? std::string(p) : std::string(); };
  JobStatus status;
  status.native_id = text(c.native_id);
  status.name = text(c.name);
  status.state = c.state >= DLAUNCH_STATE_UNKNOWN && c.state <= DLAUNCH_STATE_STOPPED ? c.state : DLAUNCH_STATE_UNKNOWN;
  if (c.has_exit_code) status.exit_code = c.exit_code;
  status.restarts = c.restarts;
  status.native_state = text(c.native_state);
  status.message = text(c.message);
  status.submitted_by_dlaunch = c.submitted_by_dlaunch;
  status.start_time_ms = c.start_time_ms;
  status.end_time_ms = c.end_time_ms;
  if (DLAUNCH_HAS_FIELD(dlaunch_job_status, &c, submission_id)) status.submission_id = text(c.submission_id);
  return status;
}

}  // namespace dlaunch::sdk

#endif  // DLAUNCH_JOB_STATUS_HPP_
