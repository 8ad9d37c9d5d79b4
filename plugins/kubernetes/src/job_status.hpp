// A job's dlaunch status from what the API server says about its objects. Pure functions of the JSON the
// server returned, so they are tested without a cluster.
//   kind job:        the role Jobs' conditions (Failed, Complete, Suspended) and their pods; FAILED when fewer
//                    role Jobs exist than they announce (dlaunch.io/roles), or none but the Service;
//   kind jobset:     the JobSet's conditions (Failed, Completed, Suspended) and status.restarts;
//   kind elasticjob: the ElasticJob's status.phase.
// The exit code of a failed job is the first failed container's state.terminated.exitCode (the earliest
// finishedAt), as the pods report it; a succeeded job's is 0.
#ifndef DLAUNCH_KUBERNETES_JOB_STATUS_HPP_
#define DLAUNCH_KUBERNETES_JOB_STATUS_HPP_

#include <dlaunch/job_status.hpp>
#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace dlaunch::kubernetes {

// `jobs` and `pods` are the items arrays of the lists labelled with the job.
sdk::JobStatus status_of_jobs(const std::string& native_id, const rapidjson::Value& jobs, const rapidjson::Value& pods);
// A kind-job job of which only the Service exists.
sdk::JobStatus status_of_service_alone(const std::string& native_id, const rapidjson::Value& service);
sdk::JobStatus status_of_jobset(const std::string& native_id, const rapidjson::Value& jobset, const rapidjson::Value& pods);
sdk::JobStatus status_of_elasticjob(const std::string& native_id, const rapidjson::Value& elasticjob,
                                    const rapidjson::Value& pods);

struct FailedContainer {
  std::string pod;
  int32_t exit_code = 0;
  std::string reason;
};
// The earliest failed container among the pods, if any.
std::optional<FailedContainer> first_failed_container(const rapidjson::Value& pods);

// Milliseconds since the epoch of an RFC 3339 time ("2025-01-02T03:04:05Z"); 0 when it is not one.
int64_t time_ms(const std::string& rfc3339);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_JOB_STATUS_HPP_
