// What a gang job waits for. Ray calls a job RUNNING as soon as its entrypoint runs, but the gang driver
// then waits until the cluster can hold every replica's placement group; Ray's state API
// (GET /api/v0/placement_groups) shows those groups as PENDING, with the bundles they ask for.
#ifndef DLAUNCH_RAY_GANG_WAIT_HPP_
#define DLAUNCH_RAY_GANG_WAIT_HPP_

#include <rapidjson/document.h>

#include <string>

namespace dlaunch::ray {

// The state API's path listing the placement groups that the Ray job `job_id` (hex) created.
std::string placement_groups_path(const std::string& job_id);

// From the state API's answer to that path: "waiting for 2 × {CPU: 1, GPU: 1}" (several groups joined with
// " + ") when any group is PENDING, else empty.
std::string waiting_for(const rapidjson::Value& answer);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_GANG_WAIT_HPP_
