/* A job's state, worked out from its record, its processes and the exit codes its wrappers left. */
#ifndef PROCGROUP_JOB_STATUS_H_
#define PROCGROUP_JOB_STATUS_H_

#include <dlaunch/plugin.h>

#include "job_record.h"

typedef struct pg_observation {
  int32_t state; /* DLAUNCH_STATE_RUNNING, SUCCEEDED, FAILED or STOPPED */
  bool has_exit_code;
  int32_t exit_code;
  const char *native_state; /* "RUNNING", "EXITED" or "STOPPED" */
  char message[256];
  int64_t end_time_ms; /* when the last exit code was written; 0 while running or when none was */
} pg_observation;

/* RUNNING while any replica's process lives. Then STOPPED when stop was asked; SUCCEEDED when every replica
 * recorded 0; else FAILED with the first non-zero exit code in role and rank order, or without an exit
 * code when a replica was killed before its wrapper could record one. */
void pg_observe(const char *job_dir, const pg_record *record, pg_observation *observation);

bool pg_is_terminal(int32_t state);

/* Hands the record and its observation to the host. False when the host wants no more records. */
bool pg_report_status(const pg_record *record, const pg_observation *observation, const dlaunch_status_sink *out);

#endif /* PROCGROUP_JOB_STATUS_H_ */
