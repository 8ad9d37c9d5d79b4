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

}  // namespace dlaunch::support

#endif  // DLAUNCH_SUPPORT_BACKOFF_HPP_
