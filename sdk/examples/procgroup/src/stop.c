/* For clock_gettime and nanosleep. */
#define _POSIX_C_SOURCE 200809L

#include "stop.h"

#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "error.h"
#include "job_status.h"
#include "processes.h"

#define POLL_INTERVAL_NS (100 * 1000 * 1000)

static int64_t monotonic_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* `left` marks the groups still to be waited for. Only groups whose leader ran when the stop began are
 * marked: the number of a group that has gone may belong to someone else's by now. For the same reason a
 * group found gone is never looked at again. Returns how many are left. */
static size_t forget_gone_groups(const pg_record *record, bool *left) {
  size_t count = 0;
  for (size_t i = 0; i < record->replica_count; ++i) {
    const pg_replica *replica = &record->replicas[i];
    pg_process_alive(replica->pid, replica->start_ticks); /* reaps the leader if it is our own zombie */
    if (left[i] && !pg_group_exists(replica->pgid)) left[i] = false;
    count += left[i];
  }
  return count;
}

static void signal_groups(const pg_record *record, const bool *left, int signal) {
  for (size_t i = 0; i < record->replica_count; ++i) {
    if (left[i]) kill(-record->replicas[i].pgid, signal);
  }
}

static dlaunch_error *terminate(const pg_record *record, bool *left, int64_t grace_seconds,
                                const dlaunch_host_api *host) {
  signal_groups(record, left, SIGTERM);
  int64_t kill_at = monotonic_ms() + grace_seconds * 1000;
  bool killed = false;
  while (forget_gone_groups(record, left) > 0) {
    if (!killed && monotonic_ms() >= kill_at) {
      signal_groups(record, left, SIGKILL);
      killed = true;
    }
    if (host->is_cancelled(host)) {
      return pg_error(DLAUNCH_ERR_CANCELLED, "stopped waiting for job %s to end", record->native_id);
    }
    struct timespec interval = {0, POLL_INTERVAL_NS};
    nanosleep(&interval, NULL);
  }
  return NULL;
}

dlaunch_error *pg_stop(const char *state_dir, pg_record *record, int64_t grace_seconds, const dlaunch_host_api *host) {
  char *job_dir = pg_job_dir(state_dir, record->native_id);
  if (job_dir == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  pg_observation observation;
  pg_observe(job_dir, record, &observation);
  free(job_dir);
  if (pg_is_terminal(observation.state)) return NULL;

  record->stop_requested = true;
  dlaunch_error *error = pg_record_save(state_dir, record);
  if (error != NULL) return error;
  bool *left = calloc(record->replica_count + 1, sizeof *left);
  if (left == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < record->replica_count; ++i) {
    left[i] = pg_process_alive(record->replicas[i].pid, record->replicas[i].start_ticks);
  }
  error = terminate(record, left, grace_seconds, host);
  free(left);
  return error;
}
