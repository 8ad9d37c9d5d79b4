/* For strdup. */
#define _POSIX_C_SOURCE 200809L

#include "dry_run.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "environment.h"
#include "error.h"
#include "job_record.h"
#include "options.h"
#include "processes.h"
#include "text.h"

#define PORT_PLACEHOLDER "<a free port, chosen at submit>"

/* Writes `words` as one shell command line. False when memory runs out or `out` wants no more. */
static bool write_command(const char *const *words, const dlaunch_text_sink *out) {
  for (size_t i = 0; words[i] != NULL; ++i) {
    char *quoted = pg_shell_quote(words[i]);
    bool wanted = quoted != NULL && pg_writef(out, "%s%s", i == 0 ? "" : " ", quoted);
    free(quoted);
    if (!wanted) return false;
  }
  return true;
}

static bool write_environment(const pg_environment *env, const dlaunch_text_sink *out) {
  for (size_t i = 0; i < env->count; ++i) {
    const char *entry = env->entries[i];
    const char *value = strchr(entry, '=') + 1;
    /* The placeholder is not a value a shell would see: it is printed as it is. */
    char *shown = strcmp(value, PORT_PLACEHOLDER) == 0 ? strdup(value) : pg_shell_quote(value);
    bool wanted = shown != NULL && pg_writef(out, "    %.*s=%s\n", (int)(value - entry - 1), entry, shown);
    free(shown);
    if (!wanted) return false;
  }
  return true;
}

static bool write_replica(const char *job_dir, const pg_job *job, const pg_role *role, int64_t rank,
                          const dlaunch_text_sink *out) {
  pg_replica replica = {(char *)role->name, rank, 0, 0, 0};
  char *log_path = pg_replica_file(job_dir, &replica, "log");
  char *exit_path = pg_replica_file(job_dir, &replica, "exit");
  pg_environment env;
  pg_environment_init_empty(&env);
  bool wanted = log_path != NULL && exit_path != NULL &&
                pg_set_replica_variables(&env, job, role, rank, PORT_PLACEHOLDER) &&
                pg_writef(out, "\n%s/%" PRId64 "\n  command: ", role->name, rank);
  if (wanted) {
    const char *wrapper[] = {"/bin/sh", "-c", PG_WRAPPER_SCRIPT, PG_WRAPPER_NAME, exit_path, NULL};
    wanted = write_command(wrapper, out) && pg_writef(out, " ") && write_command(role->argv, out) &&
             pg_writef(out, "\n  working directory: %s\n  log: %s\n  environment:\n", job->working_dir, log_path) &&
             write_environment(&env, out);
  }
  pg_environment_free(&env);
  free(log_path);
  free(exit_path);
  return wanted;
}

dlaunch_error *pg_dry_run(const char *state_dir, const pg_job *job, const char *submission_id,
                          const dlaunch_text_sink *out) {
  int64_t processes = 0;
  for (size_t r = 0; r < job->role_count; ++r) processes += job->roles[r].replicas;
  char *job_dir = pg_job_dir(state_dir, submission_id);
  if (job_dir == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  bool wanted = pg_writef(out,
                          "procgroup: job %s: %" PRId64 " process%s on this machine, each in its own session and"
                          " process group, not supervised\n"
                          "  record, logs and exit codes: %s/\n"
                          "  stop: SIGTERM to each process group, SIGKILL after %" PRId64 " s\n"
                          "  environment: the one dlaunch runs in, plus each process's variables below\n",
                          job->name, processes, processes == 1 ? "" : "es", job_dir,
                          pg_stop_grace_seconds(job->options));
  for (size_t r = 0; r < job->role_count && wanted; ++r) {
    for (int64_t rank = 0; rank < job->roles[r].replicas && wanted; ++rank) {
      wanted = write_replica(job_dir, job, &job->roles[r], rank, out);
    }
  }
  free(job_dir);
  return NULL; /* a short text means the host wanted no more of it */
}
