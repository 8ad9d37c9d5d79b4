// The plugin's one exported symbol.
#include "options.hpp"
#include "ray_plugin.hpp"

DLAUNCH_PLUGIN(dlaunch::ray::RayPlugin, "ray", DLAUNCH_RAY_PLUGIN_VERSION,
               "Runs jobs on a Ray cluster through its Job Submission API", dlaunch::ray::option_table())
