// The core's one error type: what failed, as a code, and a message for the user; validation failures also
// carry every located finding. Every fallible core operation returns Result<T>. The exit code of each code is
// in exit_codes.hpp: one table for the CLI and the C client API (dlaunch/client.h).
#ifndef DLAUNCH_CORE_ERROR_HPP_
#define DLAUNCH_CORE_ERROR_HPP_

#include <dlaunch/core/diagnostic.hpp>

#include <expected>
#include <string>
#include <utility>

namespace dlaunch {

enum class ErrorCode {
  kInvalidRequest,      // the caller asked for something malformed: a bad job handle, an unknown platform
  kInvalidArgument,     // the job, an option or the configuration is wrong: fix the input
  kUnreadable,          // an input file is missing or unreadable
  kNotFound,            // no such job on the platform
  kFailedPrecondition,  // not possible in the job's current state, e.g. delete while running
  kUnimplemented,       // the platform has no such operation
  kUnavailable,         // the platform cannot be reached
  kUnauthenticated,     // credentials missing or refused
  kTemporary,           // worth retrying later
  kCancelled,           // the user asked to stop (Ctrl-C)
  kInternal             // a bug, a plugin that misbehaved or could not be loaded, a journal that cannot be written
};

struct Error {
  Error() = default;
  Error(ErrorCode code, std::string message, Diagnostics diagnostics = {})
      : code(code), message(std::move(message)), diagnostics(std::move(diagnostics)) {}

  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  Diagnostics diagnostics;  // the findings behind a kInvalidArgument or kUnreadable of a file, located
};

template <class T>
using Result = std::expected<T, Error>;

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_ERROR_HPP_
