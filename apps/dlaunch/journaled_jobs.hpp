// The journal's jobs with what their platforms say of them now: for list (the STATE column) and prune (only
// finished jobs go).
#ifndef APPS_JOURNALED_JOBS_HPP_
#define APPS_JOURNALED_JOBS_HPP_

#include <dlaunch/core/journal.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <optional>
#include <vector>

namespace dlaunch::cli {

// A journaled job and what its platform says of it (nothing when the platform no longer has it).
struct JournaledJob {
  JournalEntry entry;
  std::optional<JobStatus> status;
  bool state_unknown = false;  // the platform could not be asked
};

std::vector<JournaledJob> journaled_jobs(std::vector<JournalEntry> entries);

// Asks each platform of `jobs` once, with its own list, not once per job (a platform that cannot list: each
// job's status). A platform that cannot be asked is warned about on stderr, and its jobs' states are unknown.
void fill_states(Orchestrator& orchestrator, std::vector<JournaledJob>& jobs);

}  // namespace dlaunch::cli

#endif  // APPS_JOURNALED_JOBS_HPP_
