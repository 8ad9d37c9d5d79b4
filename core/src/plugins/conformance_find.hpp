// The conformance checks of the optional operations, run by dlaunch/core/conformance.hpp when the plugin's table
// offers them: find_submissions (ABI 1.1), what a host relies on when it settles submits a killed dlaunch left;
// wait_for_change (ABI 1.2), what a host relies on between the status calls of a wait.
#ifndef DLAUNCH_CORE_SRC_PLUGINS_CONFORMANCE_FIND_HPP_
#define DLAUNCH_CORE_SRC_PLUGINS_CONFORMANCE_FIND_HPP_

#include <dlaunch/core/conformance.hpp>
#include <dlaunch/core/platform.hpp>

#include <string>
#include <vector>

namespace dlaunch {

// NULL arguments and too small a struct are refused (each tried in a child process, so a plugin that crashes
// or hangs on them fails its check rather than ending `plugins check`), an empty batch and a submission the
// platform never saw are answered without a record, and every record names a submission asked about, in a
// record large enough to carry it.
std::vector<ConformanceCheck> check_find_submissions(const Platform& platform, const std::string& options_json);

// NULL arguments and too small a struct are refused (each tried in a child process, as above), and so is a wait
// on a job the platform does not have.
std::vector<ConformanceCheck> check_wait_for_change(const Platform& platform, const std::string& options_json);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_PLUGINS_CONFORMANCE_FIND_HPP_
