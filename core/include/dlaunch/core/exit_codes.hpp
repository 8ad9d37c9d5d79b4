// The exit codes dlaunch documents (`dlaunch --help`, docs/cli.md) for each of the core's error codes: one table
// for the CLI's exit codes and the C client API's status codes, whose numbers are these (dlaunch/client.h).
#ifndef DLAUNCH_CORE_EXIT_CODES_HPP_
#define DLAUNCH_CORE_EXIT_CODES_HPP_

#include <dlaunch/core/error.hpp>
#include <dlaunch/core/job_status.hpp>

namespace dlaunch {

int exit_code_for(ErrorCode code);

// The code's name in JSON errors and dl_last_error_code ("not_found"): stable, for scripts.
const char* error_code_name(ErrorCode code);

// The exit code of `dlaunch run --wait` / `status --wait` for a finished job.
int exit_code_of_job(const JobStatus& status);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_EXIT_CODES_HPP_
