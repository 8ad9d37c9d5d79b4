// A Ray job's log as the user wants it: the job's own output. Ray writes its own lines into every job's
// log: "2026-12-01 18:06:18,997<TAB>INFO job_manager.py:581 -- Runtime env is setting up." at the top (with
// the runtime_env's set-up), and "Running entrypoint for job ID: ENTRYPOINT", which its job supervisor
// buffers while the entrypoint already writes to the same file, so it lands after the job's first lines.
#ifndef DLAUNCH_RAY_JOB_LOG_HPP_
#define DLAUNCH_RAY_JOB_LOG_HPP_

#include <string>
#include <string_view>

namespace dlaunch::ray {

// The log without its leading lines in Ray's log format and without the "Running entrypoint for job `id`:
// ..." line wherever it is. Anything else (pip's output while a runtime_env is set up) is kept. What is
// shown only grows as the log grows (a line that may still become one of Ray's waits), so `logs -f` can
// print what is new.
std::string job_output(std::string_view log, std::string_view id);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_JOB_LOG_HPP_
