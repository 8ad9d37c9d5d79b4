/* For strdup and clock_gettime. */
#define _POSIX_C_SOURCE 200809L

#include "submit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "environment.h"
#include "error.h"
#include "job_record.h"
#include "processes.h"

static int64_t now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static dlaunch_error *start_replica(const char *job_dir, const pg_job *job, const pg_role *role,
                                    const char *master_port, pg_replica *replica) {
  char *log_path = pg_replica_file(job_dir, replica, "log");
  char *exit_path = pg_replica_file(job_dir, replica, "exit");
  pg_environment env;
  dlaunch_error *error = NULL;
  if (!pg_environment_init_inherited(&env) ||
      !pg_set_replica_variables(&env, job, role, replica->rank, master_port) || log_path == NULL ||
      exit_path == NULL) {
    error = pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  } else {
    pg_spawn_request request = {role->argv, env.entries, job->working_dir, log_path, exit_path};
    error = pg_spawn_replica(&request, &replica->pid, &replica->start_ticks);
    replica->pgid = replica->pid; /* it leads its own session and process group; 0 when it never started */
  }
  pg_environment_free(&env);
  free(log_path);
  free(exit_path);
  return error;
}

/* Starts every replica, adding each to the record as it goes. */
static dlaunch_error *start_all(const char *job_dir, const pg_job *job, pg_record *record) {
  for (size_t r = 0; r < job->role_count; ++r) {
    const pg_role *role = &job->roles[r];
    /* The role's rank 0 is its master: every replica of the role is told this port. */
    int port;
    dlaunch_error *error = pg_free_port(&port);
    if (error != NULL) return error;
    char master_port[16];
    snprintf(master_port, sizeof master_port, "%d", port);
    for (int64_t rank = 0; rank < role->replicas; ++rank) {
      pg_replica *replica = &record->replicas[record->replica_count++];
      replica->role = strdup(role->name);
      replica->rank = rank;
      if (replica->role == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
      error = start_replica(job_dir, job, role, master_port, replica);
      if (error != NULL) return error;
    }
  }
  return NULL;
}

/* Kills the replicas started so far, and reaps their wrappers: this process is their parent. */
static void kill_started(const pg_record *record) {
  for (size_t i = 0; i < record->replica_count; ++i) {
    if (record->replicas[i].pgid <= 0) continue;
    kill(-record->replicas[i].pgid, SIGKILL);
    waitpid(record->replicas[i].pid, NULL, 0);
  }
}

static void write_id(const dlaunch_text_sink *out, const char *native_id) {
  out->write(out->context, native_id, strlen(native_id));
}

/* The job directory exists already: a retry of a submission that got that far. */
static dlaunch_error *resubmission(const char *state_dir, const char *native_id, const dlaunch_text_sink *out) {
  pg_record record;
  dlaunch_error *error = pg_record_load(state_dir, native_id, &record);
  if (error == NULL) {
    pg_record_free(&record);
    write_id(out, native_id);
    return NULL;
  }
  if (pg_error_code(error) != DLAUNCH_ERR_NOT_FOUND) return error;
  pg_error_destroy(error);
  return pg_error(DLAUNCH_ERR_TEMPORARY,
                  "submission %s is being started by another dlaunch process (or was interrupted: then remove"
                  " %s/jobs/%s)",
                  native_id, state_dir, native_id);
}

dlaunch_error *pg_submit(const char *state_dir, const pg_job *job, const char *submission_id,
                         const dlaunch_text_sink *out_native_id) {
  if (!pg_valid_native_id(submission_id)) {
    return pg_error(DLAUNCH_ERR_INTERNAL, "submission id '%s' cannot name a directory", submission_id);
  }
  bool existed;
  dlaunch_error *error = pg_job_dir_create(state_dir, submission_id, &existed);
  if (error != NULL) return error;
  if (existed) return resubmission(state_dir, submission_id, out_native_id);

  size_t total = 0;
  for (size_t r = 0; r < job->role_count; ++r) total += (size_t)job->roles[r].replicas;
  pg_record record = {0};
  record.native_id = strdup(submission_id);
  record.name = strdup(job->name);
  record.submitted_ms = now_ms();
  record.replicas = calloc(total, sizeof *record.replicas);
  char *job_dir = pg_job_dir(state_dir, submission_id);
  if (record.native_id == NULL || record.name == NULL || record.replicas == NULL || job_dir == NULL) {
    error = pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  } else {
    error = start_all(job_dir, job, &record);
    if (error == NULL) error = pg_record_save(state_dir, &record);
  }
  if (error != NULL) {
    kill_started(&record);
    dlaunch_error *cleanup = pg_job_dir_remove(state_dir, submission_id);
    pg_error_destroy(cleanup); /* the reason the submit failed is the one to report */
  }
  pg_record_free(&record);
  free(job_dir);
  if (error == NULL) write_id(out_native_id, submission_id);
  return error;
}
