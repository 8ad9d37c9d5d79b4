// Starting a job's supervisor from inside the plugin (a library in the host's process): posix_spawn, never
// fork, so no copy of a multi-threaded host ever runs.
#ifndef DLAUNCH_LOCAL_SUPERVISOR_LAUNCHER_HPP_
#define DLAUNCH_LOCAL_SUPERVISOR_LAUNCHER_HPP_

#include <filesystem>

#include "job_paths.hpp"

namespace dlaunch::local {

// Starts `executable` for the job in `paths` and returns once the supervisor has taken the job over (it is
// then detached: its own session, stdio on /dev/null, none of the host's descriptors). Throws
// sdk::Error(INTERNAL) with the supervisor's own explanation when it could not start.
void launch_supervisor(const std::filesystem::path& executable, const JobPaths& paths);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_SUPERVISOR_LAUNCHER_HPP_
