/* For nanosleep and O_CLOEXEC. */
#define _POSIX_C_SOURCE 200809L

#include "log_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "job_status.h"
#include "text.h"

/* How often follow looks for new output, within the host's 250 ms rule for noticing cancellation. */
#define FOLLOW_INTERVAL_NS (100 * 1000 * 1000)
/* A line longer than this (a progress bar redrawn with '\r') is passed on in pieces. */
#define MAX_LINE (64 * 1024)

/* One replica's log, read from where the last call stopped; `pending` holds a line not yet complete. */
typedef struct log_tail {
  char *path;
  char *label;
  int fd;
  char *pending;
  size_t pending_size;
} log_tail;

static bool write_line(const log_tail *tail, const char *line, size_t size, const dlaunch_text_sink *out) {
  bool complete = size > 0 && line[size - 1] == '\n';
  return out->write(out->context, tail->label, strlen(tail->label)) && out->write(out->context, line, size) &&
         (complete || out->write(out->context, "\n", 1));
}

/* Passes on every complete line, and with `final` the incomplete rest too. False when `out` wants no more. */
static bool forward_lines(log_tail *tail, bool final, const dlaunch_text_sink *out) {
  size_t start = 0;
  for (size_t i = 0; i < tail->pending_size; ++i) {
    if (tail->pending[i] == '\n' || i + 1 - start == MAX_LINE) {
      if (!write_line(tail, tail->pending + start, i + 1 - start, out)) return false;
      start = i + 1;
    }
  }
  if (final && start < tail->pending_size) {
    if (!write_line(tail, tail->pending + start, tail->pending_size - start, out)) return false;
    start = tail->pending_size;
  }
  if (start > 0) {
    memmove(tail->pending, tail->pending + start, tail->pending_size - start);
    tail->pending_size -= start;
  }
  return true;
}

/* Reads what the log gained since the last call. The log may not exist yet: that is no output so far. */
static dlaunch_error *read_new_output(log_tail *tail) {
  if (tail->fd < 0) tail->fd = open(tail->path, O_RDONLY | O_CLOEXEC);
  if (tail->fd < 0) return NULL;
  char buffer[16 * 1024];
  ssize_t n;
  while ((n = read(tail->fd, buffer, sizeof buffer)) > 0) {
    char *grown = realloc(tail->pending, tail->pending_size + (size_t)n);
    if (grown == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
    memcpy(grown + tail->pending_size, buffer, (size_t)n);
    tail->pending = grown;
    tail->pending_size += (size_t)n;
  }
  return n < 0 ? pg_system_error(errno, "cannot read %s", tail->path) : NULL;
}

static void free_tails(log_tail *tails, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (tails[i].fd >= 0) close(tails[i].fd);
    free(tails[i].path);
    free(tails[i].label);
    free(tails[i].pending);
  }
  free(tails);
}

static log_tail *open_tails(const char *job_dir, const pg_record *record) {
  log_tail *tails = calloc(record->replica_count + 1, sizeof *tails);
  for (size_t i = 0; tails != NULL && i < record->replica_count; ++i) {
    const pg_replica *replica = &record->replicas[i];
    tails[i].fd = -1;
    tails[i].path = pg_replica_file(job_dir, replica, "log");
    tails[i].label = pg_format("[%s/%lld] ", replica->role, (long long)replica->rank);
    if (tails[i].path == NULL || tails[i].label == NULL) {
      free_tails(tails, i + 1);
      return NULL;
    }
  }
  return tails;
}

/* One pass over every log. With `final`, the job has ended and this pass empties them. */
static dlaunch_error *forward_all(log_tail *tails, size_t count, bool final, const dlaunch_text_sink *out,
                                  bool *wanted) {
  for (size_t i = 0; i < count && *wanted; ++i) {
    dlaunch_error *error = read_new_output(&tails[i]);
    if (error != NULL) return error;
    *wanted = forward_lines(&tails[i], final, out);
  }
  return NULL;
}

static bool job_ended(const char *job_dir, const pg_record *record) {
  pg_observation observation;
  pg_observe(job_dir, record, &observation);
  return pg_is_terminal(observation.state);
}

dlaunch_error *pg_stream_logs(const char *job_dir, const pg_record *record, bool follow, const dlaunch_host_api *host,
                              const dlaunch_text_sink *out) {
  log_tail *tails = open_tails(job_dir, record);
  if (tails == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  dlaunch_error *error = NULL;
  bool wanted = true;
  while (error == NULL && wanted) {
    /* A replica's wrapper ends only after its command, whose output is then all written: once the job is
     * terminal, one more pass gets everything. */
    bool ended = !follow || job_ended(job_dir, record);
    error = forward_all(tails, record->replica_count, ended, out, &wanted);
    if (ended) break;
    if (host->is_cancelled(host)) {
      error = pg_error(DLAUNCH_ERR_CANCELLED, "stopped following the logs of %s", record->native_id);
    } else {
      struct timespec interval = {0, FOLLOW_INTERVAL_NS};
      nanosleep(&interval, NULL);
    }
  }
  free_tails(tails, record->replica_count);
  return error;
}
