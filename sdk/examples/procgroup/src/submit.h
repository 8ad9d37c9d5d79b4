/* Submitting a job: every replica of every role becomes a detached process group, and a record of them. */
#ifndef PROCGROUP_SUBMIT_H_
#define PROCGROUP_SUBMIT_H_

#include <dlaunch/plugin.h>

#include "job_spec.h"

/* Starts the job under the native id `submission_id` and writes that id to `out_native_id`. A second submit
 * of the same id finds the recorded job and starts nothing. When a replica cannot be started, the ones
 * already started are killed and nothing is left behind. */
dlaunch_error *pg_submit(const char *state_dir, const pg_job *job, const char *submission_id,
                         const dlaunch_text_sink *out_native_id);

#endif /* PROCGROUP_SUBMIT_H_ */
