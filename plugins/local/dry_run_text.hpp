// The local platform's "native request" for dry-run: every process it would start, as a reader checks it.
#ifndef DLAUNCH_LOCAL_DRY_RUN_TEXT_HPP_
#define DLAUNCH_LOCAL_DRY_RUN_TEXT_HPP_

#include <dlaunch/job_document.hpp>

#include <string>

namespace dlaunch::local {

// For each replica: its command (shell-quoted), working directory and the variables dlaunch sets for it.
std::string dry_run_text(const sdk::Job& job);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_DRY_RUN_TEXT_HPP_
