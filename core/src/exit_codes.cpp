#include <dlaunch/client.h>
#include <dlaunch/core/exit_codes.hpp>

namespace dlaunch {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidRequest:
      return DL_ERR_USAGE;  // a usage error: the command line asked for something malformed
    case ErrorCode::kInvalidArgument:
      return DL_ERR_INVALID;  // the spec or configuration is invalid; nothing was submitted
    case ErrorCode::kUnreadable:
      return DL_ERR_UNREADABLE;
    case ErrorCode::kUnavailable:
      return DL_ERR_UNAVAILABLE;
    case ErrorCode::kInternal:
      return DL_ERR_INTERNAL;
    case ErrorCode::kTemporary:
      return DL_ERR_TEMPORARY;
    case ErrorCode::kUnauthenticated:
      return DL_ERR_UNAUTHENTICATED;
    case ErrorCode::kCancelled:
      return DL_ERR_CANCELLED;  // as a shell reports SIGINT: the job goes on
    case ErrorCode::kNotFound:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kUnimplemented:
      return DL_ERR_REFUSED;  // no such job, or not possible in its state, or not offered by the platform
  }
  return DL_ERR_INTERNAL;
}

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidRequest:
      return "invalid_request";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kUnreadable:
      return "unreadable";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kUnimplemented:
      return "unimplemented";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kTemporary:
      return "temporary";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

int exit_code_of_job(const JobStatus& status) {
  if (status.state == JobState::kSucceeded) return 0;
  // Only a failed job's code is its own: a stopped one's (143 from the stop's SIGTERM, when the platform
  // reports one) is the stop's, and a stopped job exits 1 whenever the stop landed (docs/cli.md).
  if (status.state == JobState::kFailed && status.exit_code && *status.exit_code != 0) return *status.exit_code;
  return 1;
}

}  // namespace dlaunch
