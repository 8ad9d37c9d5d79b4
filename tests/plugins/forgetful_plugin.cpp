// A C++ SDK plugin that finds submissions the way Slurm does: it forgets jobs after a while, so it cannot
// answer for a batch that reaches back further than a minute (tests/unit/orchestrator_test.cpp, intents). A
// submission whose id starts with "lost" it never got; asked about one starting "chatty", it tells of another too. A few job names make its submit fail.
#include <dlaunch/plugin.hpp>

#include <chrono>
#include <utility>

namespace {

class ForgetfulPlatform : public dlaunch::sdk::Plugin {
 public:
  static constexpr bool kFindsSubmissions = true;

  void dry_run(const dlaunch::sdk::JobRequest&, const dlaunch::sdk::TextOut&) override {}
  // A job named "unavailable", "temporary", "cancelled" or "refused" fails its submit so.
  std::string submit(const dlaunch::sdk::JobRequest& job) override {
    const std::string id(job.submission_id);
    for (auto [name, code] : {std::pair{"unavailable", DLAUNCH_ERR_UNAVAILABLE}, {"temporary", DLAUNCH_ERR_TEMPORARY},
                              {"cancelled", DLAUNCH_ERR_CANCELLED}, {"refused", DLAUNCH_ERR_INVALID_ARGUMENT}}) {
      if (id.starts_with("dlaunch-" + std::string(name) + "-")) throw dlaunch::sdk::Error(code, name);
    }
    return "job-" + id;
  }
  dlaunch::sdk::JobStatus status(const dlaunch::sdk::JobRef& job) override {
    dlaunch::sdk::JobStatus status;
    status.native_id = std::string(job.native_id);
    status.state = DLAUNCH_STATE_RUNNING;
    return status;
  }
  void logs(const dlaunch::sdk::JobRef&, bool, const dlaunch::sdk::TextOut&) override {}
  void stop(const dlaunch::sdk::JobRef&) override {}

  // Holds every submission it is asked about but the lost ones, unless the batch reaches back more than a minute.
  void find_submissions(const std::vector<std::string_view>& submission_ids, std::string_view, int64_t since_ms,
                        const dlaunch::sdk::StatusOut& out) override {
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
    if (now_ms - since_ms > 60'000) throw dlaunch::sdk::Error(DLAUNCH_ERR_FAILED_PRECONDITION, "forgotten by now");
    for (std::string_view id : submission_ids) {
      if (id.starts_with("lost")) continue;
      if (id.starts_with("chatty")) {  // tells of one it was not asked about as well
        dlaunch::sdk::JobStatus stranger;
        stranger.native_id = "job-stranger";
        stranger.submission_id = "stranger";
        if (!out.report(stranger)) return;
      }
      dlaunch::sdk::JobStatus status;
      status.native_id = "job-" + std::string(id);
      status.submission_id = std::string(id);
      status.state = DLAUNCH_STATE_RUNNING;
      if (!out.report(status)) return;
    }
  }
};

}  // namespace

DLAUNCH_PLUGIN(ForgetfulPlatform, "forgetful", "1.0.0", "finds submissions of the last minute only")
