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

}  // namespace dlaunch::cli
