// The exit codes dlaunch documents (`dlaunch --help`): the CLI's policy for each of the core's error codes.
#ifndef APPS_EXIT_CODES_HPP_
#define APPS_EXIT_CODES_HPP_

#include <dlaunch/core/error.hpp>

namespace dlaunch::cli {

int exit_code_for(ErrorCode code);

// The code's name in JSON errors ("not_found"): stable, for scripts.
const char* error_code_name(ErrorCode code);

}  // namespace dlaunch::cli

#endif  // APPS_EXIT_CODES_HPP_
