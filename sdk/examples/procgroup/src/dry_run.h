/* The dry-run text: what submit would start, process by process. */
#ifndef PROCGROUP_DRY_RUN_H_
#define PROCGROUP_DRY_RUN_H_

#include <dlaunch/plugin.h>

#include "job_spec.h"

/* Writes the exact command, working directory, log file and environment of every replica. Starts nothing. */
dlaunch_error *pg_dry_run(const char *state_dir, const pg_job *job, const char *submission_id,
                          const dlaunch_text_sink *out);

#endif /* PROCGROUP_DRY_RUN_H_ */
