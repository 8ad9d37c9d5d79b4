/* For st_mtim and fileno. */
#define _POSIX_C_SOURCE 200809L

#include "job_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "processes.h"

/* Reads the exit code a replica's wrapper wrote, and when it wrote it. False when there is none. */
static bool read_exit_code(const char *job_dir, const pg_replica *replica, int32_t *code, int64_t *written_ms) {
  char *path = pg_replica_file(job_dir, replica, "exit");
  FILE *file = path != NULL ? fopen(path, "r") : NULL;
  free(path);
  if (file == NULL) return false;
  struct stat info;
  int value;
  bool found = fscanf(file, "%d", &value) == 1 && fstat(fileno(file), &info) == 0;
  fclose(file);
  if (found) {
    *code = value;
    *written_ms = (int64_t)info.st_mtim.tv_sec * 1000 + info.st_mtim.tv_nsec / 1000000;
  }
  return found;
}

void pg_observe(const char *job_dir, const pg_record *record, pg_observation *observation) {
  memset(observation, 0, sizeof *observation);
  size_t running = 0;
  for (size_t i = 0; i < record->replica_count; ++i) {
    running += pg_process_alive(record->replicas[i].pid, record->replicas[i].start_ticks);
  }
  if (running > 0) {
    observation->state = DLAUNCH_STATE_RUNNING;
    observation->native_state = "RUNNING";
    snprintf(observation->message, sizeof observation->message, "%zu of %zu processes running", running,
             record->replica_count);
    return;
  }

  const pg_replica *failed = NULL, *unrecorded = NULL;
  for (size_t i = 0; i < record->replica_count; ++i) {
    int32_t code;
    int64_t written_ms;
    if (!read_exit_code(job_dir, &record->replicas[i], &code, &written_ms)) {
      if (unrecorded == NULL) unrecorded = &record->replicas[i];
      continue;
    }
    if (written_ms > observation->end_time_ms) observation->end_time_ms = written_ms;
    if (code != 0 && failed == NULL) {
      failed = &record->replicas[i];
      observation->has_exit_code = true;
      observation->exit_code = code;
    }
  }
  observation->native_state = record->stop_requested ? "STOPPED" : "EXITED";
  if (record->stop_requested) {
    observation->state = DLAUNCH_STATE_STOPPED;
    observation->has_exit_code = false; /* what the stop made them exit with is not the job's answer */
    snprintf(observation->message, sizeof observation->message, "stopped on request");
  } else if (failed != NULL) {
    observation->state = DLAUNCH_STATE_FAILED;
    snprintf(observation->message, sizeof observation->message, "%s/%lld exited with code %d", failed->role,
             (long long)failed->rank, observation->exit_code);
  } else if (unrecorded != NULL) {
    observation->state = DLAUNCH_STATE_FAILED;
    snprintf(observation->message, sizeof observation->message,
             "%s/%lld ended without recording an exit code (killed by a signal?)", unrecorded->role,
             (long long)unrecorded->rank);
  } else {
    observation->state = DLAUNCH_STATE_SUCCEEDED;
    observation->has_exit_code = true;
    snprintf(observation->message, sizeof observation->message, "every process exited with code 0");
  }
}

bool pg_is_terminal(int32_t state) { return state != DLAUNCH_STATE_RUNNING && state != DLAUNCH_STATE_PENDING; }

bool pg_report_status(const pg_record *record, const pg_observation *observation, const dlaunch_status_sink *out) {
  dlaunch_job_status status;
  memset(&status, 0, sizeof status);
  status.struct_size = DLAUNCH_JOB_STATUS_SIZE_1_0;
  status.native_id = record->native_id;
  status.name = record->name;
  status.state = observation->state;
  status.has_exit_code = observation->has_exit_code;
  status.exit_code = observation->exit_code;
  status.native_state = observation->native_state;
  status.message = observation->message;
  status.submitted_by_dlaunch = true;
  status.start_time_ms = record->submitted_ms;
  status.end_time_ms = observation->end_time_ms;
  return out->report(out->context, &status);
}
