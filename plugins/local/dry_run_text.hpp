// The local platform's "native request" for dry-run: every process it would start, as a reader checks it.
#ifndef DLAUNCH_LOCAL_DRY_RUN_TEXT_HPP_
#define DLAUNCH_LOCAL_DRY_RUN_TEXT_HPP_

#include <dlaunch/job_document.hpp>

#include <string>

namespace dlaunch::local {

// For each replica: its command (shell-quoted), working directory and the variables dlaunch sets for it.
// What the job would start, with `submission_id` as its DLAUNCH_SUBMISSION_ID.
std::string dry_run_text(const sdk::Job& job, const std::string& submission_id);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_DRY_RUN_TEXT_HPP_
