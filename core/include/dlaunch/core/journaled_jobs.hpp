// The journal's jobs with what their platforms say of them now: for list (the STATE column; `dlaunch list`
// and the C client API's dl_list) and prune (only finished jobs go).
#ifndef DLAUNCH_CORE_JOURNALED_JOBS_HPP_
#define DLAUNCH_CORE_JOURNALED_JOBS_HPP_

#include <dlaunch/core/journal.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dlaunch {

// A journaled job and what its platform says of it (nothing when the platform no longer has it).
struct JournaledJob {
  JournalEntry entry;
  std::optional<JobStatus> status;
  bool state_unknown = false;  // the platform could not be asked
};

std::vector<JournaledJob> journaled_jobs(std::vector<JournalEntry> entries);

// What some platforms say of their jobs now, each asked once, with its own list, not once per job (a platform
// that cannot list: each job's status, asked when the job is first looked up and kept). The jobs of a platform
// that cannot be asked have unknown states; the warnings say which and why, one per platform. Jobs are looked
// up one at a time, so that a listing streamed from the journal never holds all of its entries.
class PlatformStates {
 public:
  PlatformStates(Orchestrator& orchestrator, const std::vector<std::string>& platforms);

  JournaledJob look_up(JournalEntry entry);
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Orchestrator& orchestrator_;
  std::map<std::string, std::map<std::string, JobStatus>> listed_;  // platform -> native id -> status
  std::set<std::string> unknown_;                                   // platforms that could not be asked
  std::map<std::pair<std::string, std::string>, JournaledJob> asked_;  // (platform, native id), one by one
  std::vector<std::string> warnings_;
};

// Fills the states of `jobs` as PlatformStates does; returns its warnings.
[[nodiscard]] std::vector<std::string> fill_states(Orchestrator& orchestrator, std::vector<JournaledJob>& jobs);

struct JournalListQuery {
  std::string platform;              // only this platform's jobs; "" for every platform's
  std::set<JobState> states;         // only jobs in these states now; empty for any (and none)
  std::optional<std::size_t> limit;  // at most the newest N
};

// `dlaunch list` and the client API's dl_list: the journal's jobs with their state now, newest first, streamed
// (never all held). Opening it settles the intents a killed dlaunch left first (Orchestrator::resolve_intents;
// a platform that cannot be asked now leaves them for the next list), so that each job shows with its handle,
// then asks each platform of the jobs to show once. A state filter needs every job's state before it knows
// which are the newest N that match; without one, only the jobs shown are read and only their platforms asked.
class JournalListing {
 public:
  static Result<JournalListing> open(Orchestrator& orchestrator, const JournalListQuery& query);

  // One per platform that could not be asked, saying why: its jobs' states are unknown.
  const std::vector<std::string>& warnings() const { return states_.warnings(); }
  // Hands each job shown to `on_job`, newest first; returns how many would be shown without the limit. Each
  // call reads the journal again: in Journal::read_snapshot, two calls see the same jobs.
  Result<std::size_t> each_shown(const std::function<void(const JournaledJob&)>& on_job);

 private:
  JournalListing(Orchestrator& orchestrator, const JournalListQuery& query, std::vector<std::string> platforms);

  Journal& journal_;
  PlatformStates states_;
  std::set<JobState> filter_;
  std::optional<std::size_t> limit_;
  JournalQuery selected_;
};

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_JOURNALED_JOBS_HPP_
