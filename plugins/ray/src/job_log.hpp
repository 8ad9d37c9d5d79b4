// A Ray job's log as the user wants it: the job's own output. Ray writes its own lines at the top of every
// job's log before the entrypoint runs ("2026-12-01 18:06:18,997<TAB>INFO job_manager.py:581 -- Runtime
// env is setting up.", the runtime_env's set-up, "Running entrypoint for job ID: ENTRYPOINT").
#ifndef DLAUNCH_RAY_JOB_LOG_HPP_
#define DLAUNCH_RAY_JOB_LOG_HPP_

#include <string_view>

namespace dlaunch::ray {

// The log without its leading lines in Ray's log format and the "Running entrypoint for job `id`: ..." line
// right after them: the job's output. Anything else (pip's output while a runtime_env is set up, a Ray that
// writes no such line) is kept from where it starts. What is left out only grows as the log grows, so
// `logs -f` can print what is new.
std::string_view job_output(std::string_view log, std::string_view id);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_JOB_LOG_HPP_
