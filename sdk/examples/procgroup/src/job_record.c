/* For mkstemp and fsync. */
#define _POSIX_C_SOURCE 200809L

#include "job_record.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "text.h"

#define RECORD_FILE "job.json"

bool pg_valid_native_id(const char *native_id) {
  static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
  size_t length = strlen(native_id);
  return length > 0 && length <= 200 && native_id[0] != '.' && strspn(native_id, allowed) == length;
}

char *pg_jobs_dir(const char *state_dir) { return pg_format("%s/jobs", state_dir); }

char *pg_job_dir(const char *state_dir, const char *native_id) {
  return pg_format("%s/jobs/%s", state_dir, native_id);
}

char *pg_replica_file(const char *job_dir, const pg_replica *replica, const char *suffix) {
  return pg_format("%s/%s-%lld.%s", job_dir, replica->role, (long long)replica->rank, suffix);
}

static dlaunch_error *not_found(const char *native_id) {
  return pg_error(DLAUNCH_ERR_NOT_FOUND, "no procgroup job '%s'", native_id);
}

static dlaunch_error *read_replicas(json_t *array, const char *path, pg_record *record) {
  record->replicas = calloc(json_array_size(array) + 1, sizeof *record->replicas);
  if (record->replicas == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  size_t index;
  json_t *item;
  json_array_foreach(array, index, item) {
    const char *role;
    json_int_t rank, pid, pgid, start_ticks;
    if (json_unpack(item, "{s:s, s:I, s:I, s:I, s:I}", "role", &role, "rank", &rank, "pid", &pid, "pgid", &pgid,
                    "start_ticks", &start_ticks) != 0) {
      return pg_error(DLAUNCH_ERR_INTERNAL, "%s: replica %zu is incomplete", path, index);
    }
    pg_replica *replica = &record->replicas[record->replica_count++];
    replica->role = strdup(role);
    if (replica->role == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
    replica->rank = rank;
    replica->pid = (pid_t)pid;
    replica->pgid = (pid_t)pgid;
    replica->start_ticks = (uint64_t)start_ticks;
  }
  return NULL;
}

static dlaunch_error *read_record(json_t *root, const char *path, pg_record *record) {
  const char *native_id, *name;
  json_int_t submitted_ms;
  int stop_requested;
  json_t *replicas;
  if (json_unpack(root, "{s:s, s:s, s:I, s:b, s:o}", "native_id", &native_id, "name", &name, "submitted_ms",
                  &submitted_ms, "stop_requested", &stop_requested, "replicas", &replicas) != 0 ||
      !json_is_array(replicas)) {
    return pg_error(DLAUNCH_ERR_INTERNAL, "%s is not a procgroup job record", path);
  }
  record->native_id = strdup(native_id);
  record->name = strdup(name);
  if (record->native_id == NULL || record->name == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  record->submitted_ms = submitted_ms;
  record->stop_requested = stop_requested != 0;
  return read_replicas(replicas, path, record);
}

dlaunch_error *pg_record_load(const char *state_dir, const char *native_id, pg_record *record) {
  memset(record, 0, sizeof *record);
  if (!pg_valid_native_id(native_id)) return not_found(native_id);
  char *path = pg_format("%s/jobs/%s/" RECORD_FILE, state_dir, native_id);
  if (path == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  dlaunch_error *error = NULL;
  json_error_t problem;
  json_t *root = json_load_file(path, 0, &problem);
  if (root == NULL) {
    error = access(path, F_OK) != 0 && errno == ENOENT
                ? not_found(native_id)
                : pg_error(DLAUNCH_ERR_INTERNAL, "cannot read %s: %s", path, problem.text);
  } else {
    error = read_record(root, path, record);
    json_decref(root);
  }
  free(path);
  if (error != NULL) pg_record_free(record);
  return error;
}

static json_t *record_json(const pg_record *record) {
  json_t *replicas = json_array();
  for (size_t i = 0; replicas != NULL && i < record->replica_count; ++i) {
    const pg_replica *r = &record->replicas[i];
    json_t *item = json_pack("{s:s, s:I, s:I, s:I, s:I}", "role", r->role, "rank", (json_int_t)r->rank, "pid",
                             (json_int_t)r->pid, "pgid", (json_int_t)r->pgid, "start_ticks",
                             (json_int_t)r->start_ticks);
    if (json_array_append_new(replicas, item) != 0) {
      json_decref(replicas);
      return NULL;
    }
  }
  /* "o" hands the replicas array over to the object (and frees it when json_pack fails). */
  return json_pack("{s:s, s:s, s:I, s:b, s:o}", "native_id", record->native_id, "name", record->name,
                   "submitted_ms", (json_int_t)record->submitted_ms, "stop_requested", record->stop_requested,
                   "replicas", replicas);
}

dlaunch_error *pg_record_save(const char *state_dir, const pg_record *record) {
  char *path = pg_format("%s/jobs/%s/" RECORD_FILE, state_dir, record->native_id);
  char *temporary = pg_format("%s.XXXXXX", path != NULL ? path : "");
  json_t *root = record_json(record);
  dlaunch_error *error = NULL;
  if (path == NULL || temporary == NULL || root == NULL) {
    error = pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  } else {
    int fd = mkstemp(temporary);
    if (fd < 0) {
      error = pg_system_error(errno, "cannot create %s", temporary);
    } else {
      bool written = json_dumpfd(root, fd, JSON_INDENT(2)) == 0 && fsync(fd) == 0;
      if (close(fd) != 0 || !written) {
        error = pg_system_error(errno, "cannot write %s", temporary);
      } else if (rename(temporary, path) != 0) {
        error = pg_system_error(errno, "cannot replace %s", path);
      }
      if (error != NULL) unlink(temporary);
    }
  }
  json_decref(root);
  free(temporary);
  free(path);
  return error;
}

void pg_record_free(pg_record *record) {
  for (size_t i = 0; i < record->replica_count; ++i) free(record->replicas[i].role);
  free(record->replicas);
  free(record->native_id);
  free(record->name);
  memset(record, 0, sizeof *record);
}

static dlaunch_error *make_directory(const char *path, bool *existed) {
  *existed = false;
  if (mkdir(path, 0700) == 0) return NULL;
  if (errno != EEXIST) return pg_system_error(errno, "cannot create %s", path);
  *existed = true;
  return NULL;
}

dlaunch_error *pg_job_dir_create(const char *state_dir, const char *native_id, bool *existed) {
  char *jobs_dir = pg_jobs_dir(state_dir);
  char *job_dir = pg_job_dir(state_dir, native_id);
  bool ignored;
  dlaunch_error *error = jobs_dir == NULL || job_dir == NULL ? pg_error(DLAUNCH_ERR_INTERNAL, "out of memory")
                                                             : make_directory(jobs_dir, &ignored);
  if (error == NULL) error = make_directory(job_dir, existed);
  free(jobs_dir);
  free(job_dir);
  return error;
}

dlaunch_error *pg_job_dir_remove(const char *state_dir, const char *native_id) {
  char *job_dir = pg_job_dir(state_dir, native_id);
  if (job_dir == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  dlaunch_error *error = NULL;
  DIR *dir = opendir(job_dir);
  if (dir == NULL) error = pg_system_error(errno, "cannot open %s", job_dir);
  /* The directory holds only files this plugin made: the record and each replica's log and exit code. */
  for (struct dirent *entry; error == NULL && (entry = readdir(dir)) != NULL;) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    if (unlinkat(dirfd(dir), entry->d_name, 0) != 0) {
      error = pg_system_error(errno, "cannot remove %s/%s", job_dir, entry->d_name);
    }
  }
  if (dir != NULL) closedir(dir);
  if (error == NULL && rmdir(job_dir) != 0) error = pg_system_error(errno, "cannot remove %s", job_dir);
  free(job_dir);
  return error;
}
