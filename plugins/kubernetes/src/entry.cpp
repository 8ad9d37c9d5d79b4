// The plugin's one exported symbol.
#include "kubernetes_plugin.hpp"

namespace dlaunch::kubernetes {
const dlaunch_option_desc* const* option_table();  // option_table.cpp
}

DLAUNCH_PLUGIN(dlaunch::kubernetes::KubernetesPlugin, "kubernetes", DLAUNCH_PLUGIN_VERSION,
               DLAUNCH_PLUGIN_DESCRIPTION, dlaunch::kubernetes::option_table())
