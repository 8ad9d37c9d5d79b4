// The plugin's one exported symbol.
#include "options.hpp"
#include "ray_plugin.hpp"

DLAUNCH_PLUGIN(dlaunch::ray::RayPlugin, "ray", DLAUNCH_PLUGIN_VERSION,
               DLAUNCH_PLUGIN_DESCRIPTION, dlaunch::ray::option_table())
