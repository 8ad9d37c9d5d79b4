// The conformance checks of find_submissions (ABI 1.1; dlaunch/core/conformance.hpp runs them when the
// plugin's table offers it): what a host relies on when it settles submits a killed dlaunch left.
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

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_PLUGINS_CONFORMANCE_FIND_HPP_
