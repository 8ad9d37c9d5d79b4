// The user's configuration file (--config FILE, else $XDG_CONFIG_HOME/dlaunch/config.toml when present):
//
//   plugin_dirs = ["/opt/dlaunch/plugins"]     # searched after --plugin-dir, before DLAUNCH_PLUGIN_PATH
//   [platform.ray]                             # defaults for a platform's options, under the spec's own
//   address = "http://ray-head:8265"
#ifndef DLAUNCH_CORE_CONFIG_HPP_
#define DLAUNCH_CORE_CONFIG_HPP_

#include <dlaunch/core/error.hpp>
#include <dlaunch/core/orchestrator.hpp>

#include <filesystem>

namespace dlaunch {

// $XDG_CONFIG_HOME/dlaunch/config.toml (default ~/.config/dlaunch/config.toml).
std::filesystem::path default_config_file();

// Adds what `file` says to `settings`. A missing default file is fine (pass required = false); a missing
// explicit one, or any mistake in it, is kInvalidArgument with located diagnostics.
Result<void> load_config(const std::filesystem::path& file, bool required, OrchestratorSettings& settings);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_CONFIG_HPP_
