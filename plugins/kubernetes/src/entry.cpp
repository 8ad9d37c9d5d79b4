// The plugin's one exported symbol. Its options are declared in plugins/kubernetes/options.json.
#include <dlaunch/plugin.hpp>

#include "kubernetes_plugin.hpp"

DLAUNCH_PLUGIN(dlaunch::kubernetes::KubernetesPlugin, "kubernetes", DLAUNCH_PLUGIN_VERSION, DLAUNCH_PLUGIN_DESCRIPTION)
