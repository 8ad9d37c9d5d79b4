// Reading and ending a job from any dlaunch process: its state as the host should see it (a job whose
// supervisor vanished is FAILED, not forever RUNNING), stopping it, and cleaning up after a lost supervisor.
#ifndef DLAUNCH_LOCAL_JOB_CONTROL_HPP_
#define DLAUNCH_LOCAL_JOB_CONTROL_HPP_

#include "job_paths.hpp"
#include "job_state.hpp"

namespace dlaunch::local {

// The job's recorded state. Throws sdk::Error(NOT_FOUND) when there is no such job.
JobState read_state(const JobPaths& paths);

// The recorded state, except that a job whose supervisor is gone before the job ended is FAILED with a
// message saying so.
JobState observe(const JobPaths& paths);

// True when the job ended without its supervisor recording it (see observe), so processes may be left.
bool is_lost(const JobState& recorded);

// Stops a running job: asks its supervisor (SIGTERM), which ends every replica's process group and records
// STOPPED; returns once the supervisor is gone. A job whose supervisor is lost has its processes ended here.
// A finished job is left as it is. Throws sdk::Error(TEMPORARY) when the job did not stop in time.
void stop_job(const JobPaths& paths);

// Ends the processes a lost supervisor left behind and records `final_state` with `message`.
void end_leftovers(const JobPaths& paths, RunState final_state, const std::string& message);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_JOB_CONTROL_HPP_
