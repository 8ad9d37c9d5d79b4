// Starting a job's supervisor from inside the plugin (a library in the host's process): posix_spawn, never
// fork, so no copy of a multi-threaded host ever runs.
#ifndef DLAUNCH_LOCAL_SUPERVISOR_LAUNCHER_HPP_
#define DLAUNCH_LOCAL_SUPERVISOR_LAUNCHER_HPP_

#include <filesystem>
#include <string_view>

#include "job_paths.hpp"

namespace dlaunch::local {

// Starts `executable` for the job in `paths` and returns once the supervisor has taken the job over (it is
// then detached: its own session, stdout and stderr on /dev/null, none of the host's descriptors). The
// supervisor reads `job_json`, the document it runs, from its standard input: job.json keeps the secrets of
// the job's environment as "***" (local_platform.cpp), so the values themselves are never on disk. Throws
// sdk::Error(INTERNAL) with the supervisor's own explanation when it could not start.
void launch_supervisor(const std::filesystem::path& executable, const JobPaths& paths, std::string_view job_json);

}  // namespace dlaunch::local

#endif  // DLAUNCH_LOCAL_SUPERVISOR_LAUNCHER_HPP_
