// Ray's JobDetails (GET /api/jobs/{id} and each element of GET /api/jobs/) read into dlaunch's job status.
#ifndef DLAUNCH_RAY_JOB_DETAILS_HPP_
#define DLAUNCH_RAY_JOB_DETAILS_HPP_

#include <dlaunch/plugin.hpp>
#include <rapidjson/document.h>

namespace dlaunch::ray {

// PENDING/RUNNING/SUCCEEDED/FAILED/STOPPED map one to one; driver_exit_code becomes the exit code; a job
// is dlaunch's when its metadata has dlaunch.submission_id.
sdk::JobStatus to_job_status(const rapidjson::Value& details);

bool is_terminal(int32_t state);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_JOB_DETAILS_HPP_
