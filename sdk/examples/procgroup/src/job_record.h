/* What the plugin remembers of a job: one directory per job under the plugin's state directory,
 *   <state_dir>/jobs/<native id>/job.json         this record (written once by submit, again by stop)
 *   <state_dir>/jobs/<native id>/<role>-<rank>.log   the replica's stdout and stderr
 *   <state_dir>/jobs/<native id>/<role>-<rank>.exit  its exit code, written by its wrapper shell
 * Nothing supervises the replicas: the record names their processes so that any later dlaunch process can
 * look at them, signal them or read what they left. */
#ifndef PROCGROUP_JOB_RECORD_H_
#define PROCGROUP_JOB_RECORD_H_

#include <dlaunch/plugin.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct pg_replica {
  char *role;
  int64_t rank;
  pid_t pid;            /* the replica's wrapper shell */
  pid_t pgid;           /* its process group (and session), which holds everything it started */
  uint64_t start_ticks; /* the pid's start time (/proc/<pid>/stat), so a reused pid is not mistaken for it */
} pg_replica;

typedef struct pg_record {
  char *native_id;
  char *name;
  int64_t submitted_ms;
  bool stop_requested;
  pg_replica *replicas;
  size_t replica_count;
} pg_record;

/* True for ids this plugin could have made: a safe single path component. */
bool pg_valid_native_id(const char *native_id);

/* <state_dir>/jobs, and one job's directory in it (free them). NULL when memory runs out. */
char *pg_jobs_dir(const char *state_dir);
char *pg_job_dir(const char *state_dir, const char *native_id);
/* A replica's file in its job directory: suffix "log" or "exit" (free it). */
char *pg_replica_file(const char *job_dir, const pg_replica *replica, const char *suffix);

/* Reads a job's record; DLAUNCH_ERR_NOT_FOUND when there is none. Free it with pg_record_free. */
dlaunch_error *pg_record_load(const char *state_dir, const char *native_id, pg_record *record);
/* Writes the record atomically (a temporary file renamed over the old one). */
dlaunch_error *pg_record_save(const char *state_dir, const pg_record *record);
void pg_record_free(pg_record *record);

/* Creates <state_dir>/jobs/<native_id>/ (0700, and jobs/ above it when needed); `existed` says whether it
 * was there already. */
dlaunch_error *pg_job_dir_create(const char *state_dir, const char *native_id, bool *existed);
/* Removes a job's directory and everything in it. */
dlaunch_error *pg_job_dir_remove(const char *state_dir, const char *native_id);

#endif /* PROCGROUP_JOB_RECORD_H_ */
