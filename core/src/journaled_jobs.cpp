#include <dlaunch/core/journaled_jobs.hpp>

#include <string>

namespace dlaunch {

std::vector<JournaledJob> journaled_jobs(std::vector<JournalEntry> entries) {
  std::vector<JournaledJob> jobs;
  jobs.reserve(entries.size());
  for (auto& entry : entries) jobs.push_back({std::move(entry), std::nullopt});
  return jobs;
}

PlatformStates::PlatformStates(Orchestrator& orchestrator, const std::vector<std::string>& platforms)
    : orchestrator_(orchestrator) {
  for (const std::string& platform : platforms) {
    auto listed = orchestrator.list(platform);
    if (!listed && listed.error().code == ErrorCode::kUnimplemented) continue;  // asked job by job
    if (!listed) {
      warnings_.push_back("the states of " + platform + " jobs are unknown: " + listed.error().message);
      unknown_.insert(platform);
      continue;
    }
    auto& by_id = listed_[platform];
    for (auto& s : *listed) {
      std::string id = s.native_id;
      by_id.try_emplace(std::move(id), std::move(s));
    }
  }
}

JournaledJob PlatformStates::look_up(JournalEntry entry) {
  JournaledJob job{std::move(entry), std::nullopt};
  const std::string& platform = job.entry.platform;
  const std::string& native_id = job.entry.native_id;
  if (native_id.empty()) return job;
  if (unknown_.contains(platform)) {
    job.state_unknown = true;
  } else if (auto list = listed_.find(platform); list != listed_.end()) {
    if (auto it = list->second.find(native_id); it != list->second.end()) job.status = it->second;
  } else {
    // A platform that cannot list (or one not named at construction): this job's own status, once.
    auto [it, added] = asked_.try_emplace({platform, native_id});
    if (added) {
      auto status = orchestrator_.status(JobHandle{platform, native_id});
      if (status) it->second.status = *status;
      it->second.state_unknown = !status && status.error().code != ErrorCode::kNotFound;
    }
    job.status = it->second.status;
    job.state_unknown = it->second.state_unknown;
  }
  return job;
}

std::vector<std::string> fill_states(Orchestrator& orchestrator, std::vector<JournaledJob>& jobs) {
  std::set<std::string> platforms;
  for (const auto& job : jobs) {
    if (!job.entry.native_id.empty()) platforms.insert(job.entry.platform);
  }
  PlatformStates states(orchestrator, {platforms.begin(), platforms.end()});
  for (auto& job : jobs) job = states.look_up(std::move(job.entry));
  return states.warnings();
}

namespace {

// The journal's part of a listing. A state filter needs the state of every journaled job before it knows
// which are the newest N that match; without one, the journal reads only the jobs shown, and only their
// platforms are asked.
JournalQuery journal_selection(const JournalListQuery& query) {
  JournalQuery selected;
  selected.platform = query.platform;
  if (query.states.empty()) selected.limit = query.limit;
  return selected;
}

}  // namespace

JournalListing::JournalListing(Orchestrator& orchestrator, const JournalListQuery& query,
                               std::vector<std::string> platforms)
    : journal_(orchestrator.journal()),
      states_(orchestrator, platforms),
      filter_(query.states),
      limit_(query.limit),
      selected_(journal_selection(query)) {}

Result<JournalListing> JournalListing::open(Orchestrator& orchestrator, const JournalListQuery& query) {
  (void)orchestrator.resolve_intents(query.platform);
  auto platforms = orchestrator.journal().platforms(journal_selection(query));
  if (!platforms) return std::unexpected(platforms.error());
  return JournalListing(orchestrator, query, std::move(*platforms));
}

Result<std::size_t> JournalListing::each_shown(const std::function<void(const JournaledJob&)>& on_job) {
  std::size_t matched = 0;
  auto read = journal_.for_each(selected_, [&](JournalEntry&& entry) {
    const JournaledJob job = states_.look_up(std::move(entry));
    if (!filter_.empty() && (!job.status || !filter_.contains(job.status->state))) return true;
    if (!limit_ || matched < *limit_) on_job(job);
    ++matched;
    return true;
  });
  if (!read) return std::unexpected(read.error());
  if (!filter_.empty()) return matched;
  JournalQuery every = selected_;
  every.limit.reset();
  return journal_.count(every);
}

}  // namespace dlaunch
