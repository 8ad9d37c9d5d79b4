/* How the plugin's one option, [platform.procgroup] stop_grace_seconds (declared in options.json), is read. */
#ifndef PROCGROUP_OPTIONS_H_
#define PROCGROUP_OPTIONS_H_

#include <dlaunch/plugin.h>
#include <jansson.h>

#define PG_STOP_GRACE_OPTION "stop_grace_seconds"

/* Seconds between SIGTERM and SIGKILL when stopping, from an options object (the host fills in the
 * default; a negative value counts as 0). */
int64_t pg_stop_grace_seconds(const json_t *options);

#endif /* PROCGROUP_OPTIONS_H_ */
