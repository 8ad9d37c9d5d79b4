/* The normalized job document (schema 1) that the host hands to validate, dry_run and submit, read into
 * the few fields this platform uses. Strings point into the parsed JSON and live as long as the job. */
#ifndef PROCGROUP_JOB_SPEC_H_
#define PROCGROUP_JOB_SPEC_H_

#include <dlaunch/plugin.h>
#include <jansson.h>

typedef struct pg_role {
  const char *name;
  const char **argv; /* NULL-terminated; the array is owned, its strings are not */
  int64_t replicas;
  json_t *env;       /* object of string values */
} pg_role;

typedef struct pg_job {
  json_t *document;
  const char *name;
  const char *working_dir;
  int64_t node_num;
  int64_t max_restarts; /* failover.max_restarts */
  json_t *env;       /* object of string values */
  json_t *options;   /* this plugin's [platform.procgroup] table */
  pg_role *roles;
  size_t role_count;
} pg_job;

/* Parses `json`; on success the caller frees `job` with pg_job_free. A document of another shape is a
 * DLAUNCH_ERR_INVALID_ARGUMENT error naming the first field that is wrong. Values are not checked again:
 * the host guarantees them (plugin.h, validate), e.g. replicas >= 1, at least one role, a non-empty argv. */
dlaunch_error *pg_job_parse(const char *json, size_t size, pg_job *job);
void pg_job_free(pg_job *job);

#endif /* PROCGROUP_JOB_SPEC_H_ */
