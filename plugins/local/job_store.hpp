// The jobs under state_dir/jobs: creating one for a submission (idempotently) and enumerating them.
#ifndef DLAUNCH_LOCAL_JOB_STORE_HPP_
#define DLAUNCH_LOCAL_JOB_STORE_HPP_

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "job_paths.hpp"

namespace dlaunch::local {

struct CreatedJob {
  JobPaths paths;
  bool is_new = false;  // false: this submission was already made; `paths` is its job
};

// Creates the directory of a new PENDING job named `job_name` with its document, or finds the job an earlier
// call with the same `submission_id` created. The native id is the job's name plus a short hash of the
// submission id (e.g. "mnist-ddp-7f3a9c"), lengthened in the rare case two submissions collide. The
// directory appears complete or not at all (it is built aside and renamed into place).
CreatedJob create_job(const std::filesystem::path& state_dir, const std::string& job_name, std::string_view job_json,
                      std::string_view submission_id);

// The native ids of every job, sorted (none when no jobs directory exists; a directory that cannot be read
// throws).
std::vector<std::string> list_job_ids(const std::filesystem::path& state_dir);

// The published jobs of these submissions (ids absent when never published), as submission id -> job. Removes
// the half-built directories of submits that died while building them (their process is gone). Throws when
// the jobs directory, or the submission id file of a job that may be one of them, cannot be read: only a file
// that does not exist means "not there".
std::map<std::string, JobPaths> find_submissions(const std::filesystem::path& state_dir,
                                                 const std::vector<std::string_view>& submission_ids);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_JOB_STORE_HPP_
