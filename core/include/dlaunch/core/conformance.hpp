// The conformance suite plugin authors run against their own plugin (`dlaunch plugins check PATH`): loads
// it the way the host does and exercises every part of the contract that can be checked without a running
// platform — manifest, exports, negotiation, table and option declarations, validate and dry-run with good
// and bad job documents, error objects and their codes.
#ifndef DLAUNCH_CORE_CONFORMANCE_HPP_
#define DLAUNCH_CORE_CONFORMANCE_HPP_

#include <filesystem>
#include <string>
#include <vector>

namespace dlaunch {

struct ConformanceCheck {
  std::string name;
  bool passed = false;
  std::string detail;  // what was wrong, or what was seen
};

// `path` is a plugin directory (holding plugin.json) or the manifest itself. Stops at the first check that
// makes the rest meaningless (an unreadable manifest, a library that does not load).
std::vector<ConformanceCheck> check_plugin_conformance(const std::filesystem::path& path);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_CONFORMANCE_HPP_
