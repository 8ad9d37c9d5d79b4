// The local plugin's entry symbol. Its options are declared in options.json.
#include <dlaunch/plugin.hpp>

#include "local_platform.hpp"

DLAUNCH_PLUGIN(dlaunch::local::LocalPlatform, "local", DLAUNCH_PLUGIN_VERSION, DLAUNCH_PLUGIN_DESCRIPTION)
