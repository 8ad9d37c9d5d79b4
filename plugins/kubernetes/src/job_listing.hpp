// Listing jobs by label (list and find_submissions): the label selectors, as a query string takes them, and
// the jobs among the listed objects and pods, each with its status. Pure functions of list answers whose
// items the caller has checked are arrays.
//
// Every object of a job is labelled dlaunch.io/submission-id, and its top-level objects are annotated with
// the same key. A label value is at most 63 of [A-Za-z0-9._-]: the ids dlaunch makes fit
// ("dlaunch-<name, at most 40>-<12 hex digits>", "dlaunch-sweep.<sweep>-<index>"), and are their own label;
// another id is labelled with its digest, and the annotation, which always holds the whole id, decides.
#ifndef DLAUNCH_KUBERNETES_JOB_LISTING_HPP_
#define DLAUNCH_KUBERNETES_JOB_LISTING_HPP_

#include "options.hpp"

#include <dlaunch/job_status.hpp>
#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace dlaunch::kubernetes {

// The value of the dlaunch.io/submission-id label of a submission's objects.
std::string submission_label(std::string_view submission_id);

// The submission that made an object: its annotation, or its label when it has none.
std::string submission_of(const rapidjson::Value& object);

// "dlaunch.io/submission-id in (a,b)": every object of these submissions (and of any whose id has the same
// digest: submission_of tells them apart).
std::string submissions_selector(const std::vector<std::string_view>& submission_ids);

// A label selector as the value of a labelSelector query parameter (percent-encoded).
std::string selector_query(std::string_view selector);

struct ListedJob {
  std::string submission_id;  // submission_of its first object
  sdk::JobStatus status;      // as `status` says it, native id "<namespace>/<base>"
};

// The jobs among the items of a list of workload objects of `kind` (Jobs, JobSets or ElasticJobs) and of a
// list of pods, grouped by their dlaunch.io/job label. Pods without an object of theirs (a deleted job's)
// make no job.
std::vector<ListedJob> listed_jobs(const std::string& namespace_, Kind kind, const rapidjson::Value& objects,
                                   const rapidjson::Value& pods);

// Kind job: the jobs of which the Service is listed and none of their role Jobs (a submit cut short before
// any Job was made, or whose Jobs were deleted), each FAILED as `status` says it (status_of_service_alone).
std::vector<ListedJob> services_alone(const std::string& namespace_, const rapidjson::Value& jobs,
                                      const rapidjson::Value& services);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_JOB_LISTING_HPP_
