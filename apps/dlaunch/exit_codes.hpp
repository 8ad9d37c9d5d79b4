// The exit codes dlaunch documents: the core's one table (dlaunch/core/exit_codes.hpp), which the C client API's
// status codes share, under the CLI's names.
#ifndef APPS_EXIT_CODES_HPP_
#define APPS_EXIT_CODES_HPP_

#include <dlaunch/core/exit_codes.hpp>

namespace dlaunch::cli {

using dlaunch::error_code_name;
using dlaunch::exit_code_for;

}  // namespace dlaunch::cli

#endif  // APPS_EXIT_CODES_HPP_
