// The completion scripts of `dlaunch completion SHELL`: each asks `dlaunch completion --candidates` what may
// come next and hands it to its shell.
#ifndef APPS_COMPLETION_SCRIPTS_HPP_
#define APPS_COMPLETION_SCRIPTS_HPP_

#include <optional>
#include <string>
#include <vector>

namespace dlaunch::cli {

// "bash", "zsh", "fish".
const std::vector<std::string>& completion_shells();

// The script for `shell`, or nullopt for a shell dlaunch has none for.
std::optional<std::string> completion_script(const std::string& shell);

}  // namespace dlaunch::cli

#endif  // APPS_COMPLETION_SCRIPTS_HPP_
