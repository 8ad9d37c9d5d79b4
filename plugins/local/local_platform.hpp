// The `local` platform: runs every replica of a job as a process on this machine, owned by a detached
// supervisor (supervisor.hpp) so that the job outlives the dlaunch process that submitted it.
#ifndef DLAUNCH_LOCAL_LOCAL_PLATFORM_HPP_
#define DLAUNCH_LOCAL_LOCAL_PLATFORM_HPP_

#include <dlaunch/plugin.hpp>

#include <filesystem>

namespace dlaunch::local {

class LocalPlatform : public sdk::Plugin {
 public:
  static constexpr bool kFindsSubmissions = true;
  static constexpr bool kWaitsForChange = true;

  void init(const sdk::InitContext& context) override;
  void validate(const sdk::JobRequest& job, const sdk::DiagnosticsOut& out) override;
  void dry_run(const sdk::JobRequest& job, const sdk::TextOut& out) override;
  std::string submit(const sdk::JobRequest& job) override;
  sdk::JobStatus status(const sdk::JobRef& job) override;
  // Wakes on the job's state file being replaced (inotify) and on its supervisor's exit (a pidfd).
  void wait_for_change(const sdk::JobRef& job, int32_t seen_state, uint32_t seen_restarts,
                       int64_t timeout_ms) override;
  void logs(const sdk::JobRef& job, bool follow, const sdk::TextOut& out) override;
  void stop(const sdk::JobRef& job) override;
  void delete_job(const sdk::JobRef& job) override;
  void list(std::string_view options_json, const sdk::StatusOut& out) override;
  void find_submissions(const std::vector<std::string_view>& submission_ids, std::string_view options_json,
                        int64_t since_ms, const sdk::StatusOut& out) override;

 private:
  sdk::Host host_;
  std::filesystem::path state_dir_;
  std::filesystem::path supervisor_;  // the supervisor executable, next to the plugin's library
};

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_LOCAL_PLATFORM_HPP_
