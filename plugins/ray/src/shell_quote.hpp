// Turns an argv into one POSIX shell command line: Ray runs a job's entrypoint with `sh -c`.
#ifndef DLAUNCH_RAY_SHELL_QUOTE_HPP_
#define DLAUNCH_RAY_SHELL_QUOTE_HPP_

#include <string>
#include <vector>

namespace dlaunch::ray {

// Like Python's shlex.join: words that need it are single-quoted, so the shell sees exactly `argv`.
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_SHELL_QUOTE_HPP_
