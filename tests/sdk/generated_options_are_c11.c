/* The option table dlaunch_add_plugin generates (here the test plugins' tests/plugins/options.json, whose
 * help and defaults hold quotes, backslashes and "??") is strict C11, usable where a plugin builds its table. */
#include <dlaunch/plugin.h>
#include <dlaunch_plugin_options.h>

const dlaunch_option_desc *const *plugin_options(void);

const dlaunch_option_desc *const *plugin_options(void) { return dlaunch_plugin_options; }
