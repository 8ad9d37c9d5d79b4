#include "dlaunch_support/backoff.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace dlaunch::support {

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int retry) {
  using std::chrono::milliseconds;
  int doublings = std::clamp(retry - 1, 0, 30);
  auto exponential = policy.initial.count() << doublings;
  auto ceiling = std::min<long long>(exponential, policy.cap.count());
  thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_int_distribution<long long> jitter(ceiling / 2, ceiling);
  return milliseconds(jitter(random));
}

bool sleep_unless_cancelled(std::chrono::milliseconds duration, const std::function<bool()>& cancelled) {
  constexpr std::chrono::milliseconds kTick{100};
  auto deadline = std::chrono::steady_clock::now() + duration;
  while (true) {
    if (cancelled && cancelled()) return false;
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::milliseconds::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kTick));
  }
}

AnswerClock::AnswerClock(std::chrono::milliseconds period)
    : period_(period), last_answer_(std::chrono::steady_clock::now()) {}

void AnswerClock::answered() { last_answer_ = std::chrono::steady_clock::now(); }

std::chrono::milliseconds AnswerClock::left() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(last_answer_ + period_ -
                                                               std::chrono::steady_clock::now());
}

std::chrono::milliseconds AnswerClock::attempt_timeout() const { return std::max(left(), kShortestAttempt); }

long long AnswerClock::period_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(period_).count();
}

}  // namespace dlaunch::support
