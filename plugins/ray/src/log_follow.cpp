#include "log_follow.hpp"

#include "job_details.hpp"
#include "job_log.hpp"

#include <dlaunch_support/backoff.hpp>

namespace dlaunch::ray {
namespace {

// How long follow keeps trying while the dashboard does not answer at all (a network blip) before it reports
// the failure. Short: a killed head is an error the user sees within seconds (issue 10: under 10 s), not a
// silent wait; the job goes on, and `logs -f` follows it again once the head is back.
constexpr std::chrono::seconds kGiveUpAfter{5};

bool is_transient(const sdk::Error& error) {
  return error.code() == DLAUNCH_ERR_UNAVAILABLE || error.code() == DLAUNCH_ERR_TEMPORARY ||
         error.code() == DLAUNCH_ERR_INTERNAL;
}

}  // namespace

void follow_logs(const RayClient& client, const std::string& id, std::chrono::milliseconds poll_interval,
                 const sdk::Host& host, const sdk::TextOut& out) {
  size_t written = 0;
  auto failing_since = std::chrono::steady_clock::time_point::max();
  auto cancelled = [&host] { return host.cancelled(); };
  while (true) {
    host.check_cancelled();
    bool terminal = false;
    std::string log;
    try {
      // Status first: when it says terminal, the log read after it is complete.
      terminal = is_terminal(to_job_status(client.job(id)).state);
      log = client.logs(id);
      failing_since = std::chrono::steady_clock::time_point::max();
    } catch (const sdk::Error& error) {
      if (!is_transient(error)) throw;
      auto now = std::chrono::steady_clock::now();
      if (failing_since == std::chrono::steady_clock::time_point::max()) failing_since = now;
      if (now - failing_since > kGiveUpAfter) throw;
      host.warn(std::string("following the logs of ") + id + ": " + error.what() + "; still trying");
      if (!support::sleep_unless_cancelled(poll_interval, cancelled)) host.check_cancelled();
      continue;
    }
    const std::string output = job_output(log, id);
    if (output.size() > written) {
      if (!out.write(std::string_view(output).substr(written))) return;
      written = output.size();
    }
    if (terminal) return;
    if (!support::sleep_unless_cancelled(poll_interval, cancelled)) host.check_cancelled();
  }
}

}  // namespace dlaunch::ray
