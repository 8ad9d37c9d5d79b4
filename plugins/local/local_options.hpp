// The options of [platform.local] (declared in options.json), as the plugin and the supervisor read them.
#ifndef DLAUNCH_LOCAL_LOCAL_OPTIONS_HPP_
#define DLAUNCH_LOCAL_LOCAL_OPTIONS_HPP_

#include <dlaunch/job_document.hpp>

#include <chrono>

// The host fills in the declared default (options.json); this one serves documents without it, and a test
// (tests/local/checks_test.cpp) keeps the two equal.
#define DLAUNCH_LOCAL_DEFAULT_STOP_GRACE_SECONDS 10

namespace dlaunch::local {

inline constexpr const char* kStopGraceOption = "stop_grace_seconds";

// How long replicas get between SIGTERM and SIGKILL when the job is stopped or ends.
inline std::chrono::seconds stop_grace(const sdk::Options& options) {
  return std::chrono::seconds(options.integer(kStopGraceOption, DLAUNCH_LOCAL_DEFAULT_STOP_GRACE_SECONDS));
}

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_LOCAL_OPTIONS_HPP_
