/* Stopping a job: SIGTERM to the process group of every replica still running, SIGKILL after a grace. */
#ifndef PROCGROUP_STOP_H_
#define PROCGROUP_STOP_H_

#include <dlaunch/plugin.h>

#include "job_record.h"

/* Marks the job stopped in its record and signals it; returns once its process groups are gone. A job that
 * has ended already is left as it is. DLAUNCH_ERR_CANCELLED when the host asks to stop waiting (the
 * signals are sent by then). */
dlaunch_error *pg_stop(const char *state_dir, pg_record *record, int64_t grace_seconds, const dlaunch_host_api *host);

#endif /* PROCGROUP_STOP_H_ */
