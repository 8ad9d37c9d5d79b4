// Ray's JobDetails (GET /api/jobs/{id} and each element of GET /api/jobs/) read into dlaunch's job status.
#ifndef DLAUNCH_RAY_JOB_DETAILS_HPP_
#define DLAUNCH_RAY_JOB_DETAILS_HPP_

#include <dlaunch/plugin.hpp>
#include <rapidjson/document.h>

#include <string>

namespace dlaunch::ray {

// PENDING/RUNNING/SUCCEEDED/FAILED/STOPPED map one to one; a job is dlaunch's when its metadata has
// dlaunch.submission_id. driver_exit_code becomes the exit code, a process killed by signal N (Ray's -N)
// 128 + N as a shell reports it. A FAILED job's message says why once, never with the log tail Ray appends
// to it: the gang driver's last word ("trainer/1 was killed by SIGKILL") when the log ends with it, "main/0
// was killed by SIGKILL" for a one-replica job killed by a signal, else Ray's own sentence.
sdk::JobStatus to_job_status(const rapidjson::Value& details);

// True when the job's entrypoint is dlaunch's gang driver (several replicas or roles, or failover).
bool runs_gang_driver(const rapidjson::Value& details);

// The Ray job id (hex) of the job's driver, once it has connected to the cluster; else empty.
std::string driver_job_id(const rapidjson::Value& details);

bool is_terminal(int32_t state);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_JOB_DETAILS_HPP_
