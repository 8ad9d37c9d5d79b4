// Retry pacing for plugins that talk to a remote service: capped exponential backoff with jitter, and a
// sleep that the user's Ctrl-C interrupts.
#ifndef DLAUNCH_SUPPORT_BACKOFF_HPP_
#define DLAUNCH_SUPPORT_BACKOFF_HPP_

#include <chrono>
#include <functional>

namespace dlaunch::support {

struct BackoffPolicy {
  int max_attempts = 5;                                // the first try included
  std::chrono::milliseconds initial{200};              // the base delay before the first retry
  std::chrono::milliseconds cap{std::chrono::seconds(5)};  // no delay is longer than this
};

// The delay before retry number `retry` (1 for the first retry): a random duration between half and all of
// min(cap, initial * 2^(retry-1)). The random half spreads out clients that failed together.
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int retry);

// Sleeps for `duration`, waking every 100 ms to ask `cancelled`; returns false as soon as it says true.
bool sleep_unless_cancelled(std::chrono::milliseconds duration, const std::function<bool()>& cancelled);

// The clock of a loop that polls a server while it follows a job (logs -f, run --follow). The loop does the
// retrying: one attempt per poll, each bounded by the time left, and it gives up `period` after the server's
// last answer. So a server that dies or goes silent is an error within the period (plus at most one shortest
// attempt) whether its port refuses connections or nothing comes back at all.
class AnswerClock {
 public:
  static constexpr std::chrono::seconds kGiveUpAfter{8};
  static constexpr std::chrono::milliseconds kShortestAttempt{500};

  explicit AnswerClock(std::chrono::milliseconds period = kGiveUpAfter);
  // The server answered: the period starts again.
  void answered();
  // The time left before giving up; zero or less once it is over.
  std::chrono::milliseconds left() const;
  bool over() const { return left().count() <= 0; }
  // How long the next request may take: the time left, but at least kShortestAttempt.
  std::chrono::milliseconds attempt_timeout() const;
  // The period in whole seconds, for the error: "no answer from ... for 8 s".
  long long period_seconds() const;

 private:
  std::chrono::milliseconds period_;
  std::chrono::steady_clock::time_point last_answer_;
};

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_BACKOFF_HPP_
