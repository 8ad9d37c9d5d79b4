#include "exit_codes.hpp"

namespace dlaunch::cli {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidRequest:
      return 64;  // a usage error: the command line asked for something malformed
    case ErrorCode::kInvalidArgument:
      return 65;  // the spec or configuration is invalid; nothing was submitted
    case ErrorCode::kUnreadable:
      return 66;
    case ErrorCode::kUnavailable:
      return 69;
    case ErrorCode::kInternal:
      return 70;
    case ErrorCode::kTemporary:
      return 75;
    case ErrorCode::kUnauthenticated:
      return 77;
    case ErrorCode::kCancelled:
      return 130;  // as a shell reports SIGINT: the job goes on
    case ErrorCode::kNotFound:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kUnimplemented:
      return 1;  // no such job, or not possible in its state, or not offered by the platform
  }
  return 70;
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

}  // namespace dlaunch::cli
