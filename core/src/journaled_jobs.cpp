#include <dlaunch/core/journaled_jobs.hpp>

#include <map>
#include <string>

namespace dlaunch {

std::vector<JournaledJob> journaled_jobs(std::vector<JournalEntry> entries) {
  std::vector<JournaledJob> jobs;
  jobs.reserve(entries.size());
  for (auto& entry : entries) jobs.push_back({std::move(entry), std::nullopt});
  return jobs;
}

std::vector<std::string> fill_states(Orchestrator& orchestrator, std::vector<JournaledJob>& jobs) {
  std::vector<std::string> warnings;
  std::map<std::string, std::vector<JournaledJob*>> by_platform;
  for (auto& job : jobs) {
    if (!job.entry.native_id.empty()) by_platform[job.entry.platform].push_back(&job);
  }
  for (auto& [platform, members] : by_platform) {
    auto listed = orchestrator.list(platform);
    if (!listed && listed.error().code == ErrorCode::kUnimplemented) {
      for (JournaledJob* job : members) {  // a platform that cannot list: each job's own status
        auto status = orchestrator.status(JobHandle{platform, job->entry.native_id});
        if (status) job->status = *status;
        job->state_unknown = !status && status.error().code != ErrorCode::kNotFound;
      }
      continue;
    }
    if (!listed) {
      warnings.push_back("the states of " + platform + " jobs are unknown: " + listed.error().message);
      for (JournaledJob* job : members) job->state_unknown = true;
      continue;
    }
    std::map<std::string, const JobStatus*> by_id;
    for (const auto& s : *listed) by_id[s.native_id] = &s;
    for (JournaledJob* job : members) {
      if (auto it = by_id.find(job->entry.native_id); it != by_id.end()) job->status = *it->second;
    }
  }
  return warnings;
}

}  // namespace dlaunch
