// The journal's jobs with what their platforms say of them now: for list (the STATE column; `dlaunch list`
// and the C client API's dl_list) and prune (only finished jobs go).
#ifndef DLAUNCH_CORE_JOURNALED_JOBS_HPP_
#define DLAUNCH_CORE_JOURNALED_JOBS_HPP_

#include <dlaunch/core/journal.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dlaunch {

// A journaled job and what its platform says of it (nothing when the platform no longer has it).
struct JournaledJob {
  JournalEntry entry;
  std::optional<JobStatus> status;
  bool state_unknown = false;  // the platform could not be asked
};

std::vector<JournaledJob> journaled_jobs(std::vector<JournalEntry> entries);

// Asks each platform of `jobs` once, with its own list, not once per job (a platform that cannot list: each
// job's status). The states of the jobs of a platform that cannot be asked are unknown; the warnings say which
// and why, one per platform.
[[nodiscard]] std::vector<std::string> fill_states(Orchestrator& orchestrator, std::vector<JournaledJob>& jobs);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOURNALED_JOBS_HPP_
