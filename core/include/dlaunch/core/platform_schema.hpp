// The job spec's JSON Schema as `dlaunch schema` prints it: the model's schema (job_schema.hpp) with, under
// "platform", the option table of every installed plugin whose manifest declares its options, so an editor
// checks and completes [platform.<id>] too. Read from manifests only: no plugin is loaded.
#ifndef DLAUNCH_CORE_PLATFORM_SCHEMA_HPP_
#define DLAUNCH_CORE_PLATFORM_SCHEMA_HPP_

#include <dlaunch/core/plugin_catalog.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace dlaunch {

// `base` (a JSON Schema whose "properties"/"platform" accepts a table of tables) with one property per plugin
// of `plugins` that declares options. `base` comes back unchanged, but reformatted, when it has no such place.
std::string schema_with_platform_options(std::string_view base, const std::vector<PluginManifest>& plugins);

}  // namespace dlaunch

#endif  // DLAUNCH_CORE_PLATFORM_SCHEMA_HPP_
