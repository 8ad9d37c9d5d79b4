#include "log_follow.hpp"

#include "job_details.hpp"
#include "job_log.hpp"

#include <dlaunch_support/backoff.hpp>

#include <algorithm>

namespace dlaunch::ray {
namespace {

bool is_transient(const sdk::Error& error) {
  return error.code() == DLAUNCH_ERR_UNAVAILABLE || error.code() == DLAUNCH_ERR_TEMPORARY ||
         error.code() == DLAUNCH_ERR_INTERNAL;
}

}  // namespace

void follow_logs(const RayClient& client, const std::string& id, std::chrono::milliseconds poll_interval,
                 const sdk::Host& host, const sdk::TextOut& out) {
  // The log is read from where the last read stopped; the output it holds goes out as it comes.
  uint64_t read = 0;
  bool more = true;  // the host wants more output
  JobOutput output(id, [&](std::string_view text) { return more = out.write(text); });
  auto take = [&](std::string_view bytes) {
    read += bytes.size();
    return output.write(bytes);
  };
  // The retrying is this loop's own: one attempt per request, bounded by the time left, so that a killed or
  // silent head is an error within support::AnswerClock::kGiveUpAfter (issue 10: under 10 s), never a
  // silent wait; the job goes on, and `logs -f` follows it again once the head is back.
  support::AnswerClock clock;
  bool warned = false;
  auto cancelled = [&host] { return host.cancelled(); };
  auto pause = [&](std::chrono::milliseconds duration) {
    if (!support::sleep_unless_cancelled(duration, cancelled)) host.check_cancelled();
  };
  while (true) {
    host.check_cancelled();
    bool terminal = false;
    try {
      // Status first: when it says terminal, the log read after it is complete.
      terminal = is_terminal(to_job_status(client.job(id, {1, clock.attempt_timeout()})).state);
      client.logs(id, read, take, {1, clock.attempt_timeout()});
      clock.answered();
      warned = false;
    } catch (const sdk::Error& error) {
      if (!is_transient(error)) throw;
      if (!more) return;
      const std::string what = (error.code() == DLAUNCH_ERR_INTERNAL ? "only failures from " : "no answer from ") +
                               client.endpoint().address + " for " + std::to_string(clock.period_seconds()) + " s";
      if (clock.over()) {
        throw sdk::Error(error.code(), "following the logs of " + id + ": " + what + " (" + error.what() +
                                           "); the job goes on: `dlaunch logs -f ray:" + id +
                                           "` follows it again once the dashboard answers");
      }
      if (!warned) {
        host.warn("following the logs of " + id + ": " + error.what() + "; still trying, for up to " +
                  std::to_string(clock.period_seconds()) + " s");
        warned = true;
      }
      pause(std::min(poll_interval, clock.left()));
      continue;
    }
    if (!more || !(terminal ? output.finish() : output.flush()) || terminal) return;
    pause(poll_interval);
  }
}

}  // namespace dlaunch::ray
