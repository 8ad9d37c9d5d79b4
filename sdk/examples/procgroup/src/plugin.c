/* The procgroup platform: the plugin's table and its operations, each a thin layer over the modules that
 * do the work. Plain C11 against the installed dlaunch SDK: nothing here is C++. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <dlaunch/plugin.h>
/* dlaunch_plugin_options: generated from options.json, the one declaration the manifest is written from too. */
#include <dlaunch_plugin_options.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dry_run.h"
#include "error.h"
#include "job_record.h"
#include "job_spec.h"
#include "job_status.h"
#include "log_stream.h"
#include "options.h"
#include "stop.h"
#include "submit.h"

/* Set once by init, which the host calls before anything else; only read afterwards. */
static const dlaunch_host_api *host;
static char *state_dir;

static dlaunch_error *init(const dlaunch_init_args *args) {
  host = args->host;
  state_dir = strdup(args->state_dir);
  return state_dir != NULL ? NULL : pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
}

static dlaunch_error *validate(const dlaunch_job_args *args, const dlaunch_diagnostic_sink *out) {
  pg_job job;
  dlaunch_error *error = pg_job_parse(args->job_json, args->job_json_size, &job);
  if (error != NULL) return error;
  if (job.node_num > 1) {
    out->report(out->context, DLAUNCH_SEVERITY_ERROR, "node_num", "procgroup runs every process on this machine",
                "set node_num = 1");
  }
  if (job.max_restarts > 0) {
    out->report(out->context, DLAUNCH_SEVERITY_WARNING, "failover.max_restarts",
                "procgroup does not supervise jobs, so it never restarts one", NULL);
  }
  pg_job_free(&job);
  return NULL;
}

static dlaunch_error *dry_run(const dlaunch_job_args *args, const dlaunch_text_sink *out) {
  pg_job job;
  dlaunch_error *error = pg_job_parse(args->job_json, args->job_json_size, &job);
  if (error != NULL) return error;
  error = pg_dry_run(state_dir, &job, args->submission_id, out);
  pg_job_free(&job);
  return error;
}

static dlaunch_error *submit(const dlaunch_job_args *args, const dlaunch_text_sink *out_native_id) {
  pg_job job;
  dlaunch_error *error = pg_job_parse(args->job_json, args->job_json_size, &job);
  if (error != NULL) return error;
  error = pg_submit(state_dir, &job, args->submission_id, out_native_id);
  pg_job_free(&job);
  return error;
}

/* Observes a recorded job and reports it. False when the host wants no more records. */
static bool observe_and_report(const pg_record *record, const dlaunch_status_sink *out) {
  char *job_dir = pg_job_dir(state_dir, record->native_id);
  if (job_dir == NULL) return false;
  pg_observation observation;
  pg_observe(job_dir, record, &observation);
  free(job_dir);
  return pg_report_status(record, &observation, out);
}

static dlaunch_error *status(const dlaunch_job_ref_args *args, const dlaunch_status_sink *out) {
  pg_record record;
  dlaunch_error *error = pg_record_load(state_dir, args->native_id, &record);
  if (error != NULL) return error;
  observe_and_report(&record, out);
  pg_record_free(&record);
  return NULL;
}

static dlaunch_error *logs(const dlaunch_logs_args *args, const dlaunch_text_sink *out) {
  pg_record record;
  dlaunch_error *error = pg_record_load(state_dir, args->native_id, &record);
  if (error != NULL) return error;
  char *job_dir = pg_job_dir(state_dir, record.native_id);
  error = job_dir != NULL ? pg_stream_logs(job_dir, &record, args->follow, host, out)
                          : pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  free(job_dir);
  pg_record_free(&record);
  return error;
}

static dlaunch_error *stop(const dlaunch_job_ref_args *args) {
  json_t *options = json_loads(args->options_json, 0, NULL);
  if (!json_is_object(options)) {
    json_decref(options);
    return pg_error(DLAUNCH_ERR_INVALID_ARGUMENT, "the procgroup options are not a JSON object: %s",
                    args->options_json);
  }
  pg_record record;
  dlaunch_error *error = pg_record_load(state_dir, args->native_id, &record);
  if (error == NULL) {
    error = pg_stop(state_dir, &record, pg_stop_grace_seconds(options), host);
    pg_record_free(&record);
  }
  json_decref(options);
  return error;
}

static dlaunch_error *delete_job(const dlaunch_job_ref_args *args) {
  pg_record record;
  dlaunch_error *error = pg_record_load(state_dir, args->native_id, &record);
  if (error != NULL) return error;
  char *job_dir = pg_job_dir(state_dir, record.native_id);
  pg_observation observation;
  if (job_dir == NULL) {
    error = pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  } else {
    pg_observe(job_dir, &record, &observation);
    error = pg_is_terminal(observation.state)
                ? pg_job_dir_remove(state_dir, record.native_id)
                : pg_error(DLAUNCH_ERR_FAILED_PRECONDITION, "job %s is still running: stop it first", record.native_id);
  }
  free(job_dir);
  pg_record_free(&record);
  return error;
}

static dlaunch_error *list(const dlaunch_list_args *args, const dlaunch_status_sink *out) {
  (void)args;
  char *jobs_dir = pg_jobs_dir(state_dir);
  if (jobs_dir == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  DIR *dir = opendir(jobs_dir);
  dlaunch_error *error = NULL;
  if (dir == NULL && errno != ENOENT) error = pg_system_error(errno, "cannot open %s", jobs_dir);
  bool wanted = true;
  for (struct dirent *entry; dir != NULL && wanted && (entry = readdir(dir)) != NULL;) {
    if (!pg_valid_native_id(entry->d_name)) continue; /* ".", "..", temporary files */
    pg_record record;
    dlaunch_error *unreadable = pg_record_load(state_dir, entry->d_name, &record);
    if (unreadable == NULL) {
      wanted = observe_and_report(&record, out);
      pg_record_free(&record);
    } else if (pg_error_code(unreadable) != DLAUNCH_ERR_NOT_FOUND) {
      /* One damaged record must not hide every other job. (NOT_FOUND: a submission still starting.) */
      host->log(host, DLAUNCH_LOG_WARNING, pg_error_message(unreadable));
    }
    pg_error_destroy(unreadable);
  }
  if (dir != NULL) closedir(dir);
  free(jobs_dir);
  return error;
}

static const dlaunch_plugin_api api = {
    .struct_size = DLAUNCH_PLUGIN_API_SIZE_1_0,
    .abi_major = DLAUNCH_ABI_MAJOR,
    .abi_minor = DLAUNCH_ABI_MINOR,
    .min_host_minor = 0,
    .id = "procgroup",
    .version = DLAUNCH_PLUGIN_VERSION,
    .description = DLAUNCH_PLUGIN_DESCRIPTION,
    .options = dlaunch_plugin_options,
    .init = init,
    .validate = validate,
    .dry_run = dry_run,
    .submit = submit,
    .status = status,
    .logs = logs,
    .stop = stop,
    .delete_job = delete_job,
    .list = list,
    .error_code = pg_error_code,
    .error_message = pg_error_message,
    .error_destroy = pg_error_destroy,
};

DLAUNCH_EXPORT const dlaunch_plugin_api *dlaunch_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  (void)host_abi_minor; /* it uses nothing newer than ABI 1.0, so every 1.x host will do */
  return host_abi_major == DLAUNCH_ABI_MAJOR ? &api : NULL;
}
