// The plugin's one exported symbol. Its options are declared in plugins/ray/options.json.
#include <dlaunch/plugin.hpp>

#include "ray_plugin.hpp"

DLAUNCH_PLUGIN(dlaunch::ray::RayPlugin, "ray", DLAUNCH_PLUGIN_VERSION, DLAUNCH_PLUGIN_DESCRIPTION)
