/* A process environment under construction ("NAME=VALUE" strings), and the variables every replica gets. */
#ifndef PROCGROUP_ENVIRONMENT_H_
#define PROCGROUP_ENVIRONMENT_H_

#include <stdbool.h>

#include "job_spec.h"

typedef struct pg_environment {
  char **entries; /* NULL-terminated, as posix_spawn wants it; each entry owned */
  size_t count;
} pg_environment;

/* An empty environment (for showing what a replica gets), or a copy of this process's (for starting it). */
void pg_environment_init_empty(pg_environment *env);
bool pg_environment_init_inherited(pg_environment *env);
void pg_environment_free(pg_environment *env);

/* Sets NAME, replacing an earlier value. False when memory runs out. */
bool pg_environment_set(pg_environment *env, const char *name, const char *value);

/* Sets what replica `rank` of `role` gets, later entries winning: the dlaunch variables (DLAUNCH_JOB,
 * RANK, WORLD_SIZE, ..., MASTER_ADDR=127.0.0.1, MASTER_PORT=master_port), then the job's env, then the
 * role's. False when memory runs out. */
bool pg_set_replica_variables(pg_environment *env, const pg_job *job, const pg_role *role, int64_t rank,
                              const char *master_port);

#endif /* PROCGROUP_ENVIRONMENT_H_ */
