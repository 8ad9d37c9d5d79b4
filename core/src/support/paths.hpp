// Where dlaunch keeps things on this machine.
#ifndef DLAUNCH_CORE_SRC_SUPPORT_PATHS_HPP_
#define DLAUNCH_CORE_SRC_SUPPORT_PATHS_HPP_

#include <dlaunch/core/error.hpp>

#include <filesystem>
#include <optional>

namespace dlaunch {

// $XDG_STATE_HOME/dlaunch (default ~/.local/state/dlaunch): the journal, and plugins' state below plugins/.
std::filesystem::path state_root();

// $XDG_DATA_HOME/dlaunch (default ~/.local/share/dlaunch): user-installed plugins below plugins/.
std::filesystem::path data_root();

// The directory of the running executable (from /proc/self/exe).
std::filesystem::path executable_directory();

// The directory of the shared library that holds the core (libdlaunch.so, the C client API), or nullopt when
// the core is linked into the executable itself.
std::optional<std::filesystem::path> shared_library_directory();

// Creates `dir` and its parents with mode 0700 for the parts it creates. A failure is kInternal, naming the
// directory and why.
Result<void> create_private_directories(const std::filesystem::path& dir);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_SRC_SUPPORT_PATHS_HPP_
