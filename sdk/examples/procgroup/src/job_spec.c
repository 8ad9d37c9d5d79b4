#include "job_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static dlaunch_error *wrong(const char *field, const char *expected) {
  return pg_error(DLAUNCH_ERR_INVALID_ARGUMENT, "job document: %s must be %s", field, expected);
}

static bool is_string_table(const json_t *value) {
  if (!json_is_object(value)) return false;
  const char *key;
  json_t *item;
  json_object_foreach((json_t *)value, key, item) {
    if (!json_is_string(item)) return false;
  }
  return true;
}

static dlaunch_error *parse_role(json_t *value, size_t index, pg_role *role) {
  char field[64];
  role->name = json_string_value(json_object_get(value, "name"));
  snprintf(field, sizeof field, "roles[%zu].name", index);
  if (role->name == NULL) return wrong(field, "a string");
  json_t *replicas = json_object_get(value, "replicas");
  snprintf(field, sizeof field, "roles[%zu].replicas", index);
  if (!json_is_integer(replicas)) return wrong(field, "an integer");
  role->replicas = json_integer_value(replicas);
  role->env = json_object_get(value, "env");
  snprintf(field, sizeof field, "roles[%zu].env", index);
  if (!is_string_table(role->env)) return wrong(field, "a table of strings");

  json_t *entrypoint = json_object_get(value, "entrypoint");
  snprintf(field, sizeof field, "roles[%zu].entrypoint", index);
  if (!json_is_array(entrypoint)) return wrong(field, "an array");
  size_t argc = json_array_size(entrypoint);
  role->argv = calloc(argc + 1, sizeof *role->argv);
  if (role->argv == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < argc; ++i) {
    role->argv[i] = json_string_value(json_array_get(entrypoint, i));
    if (role->argv[i] == NULL) return wrong(field, "an array of strings");
  }
  return NULL;
}

static dlaunch_error *parse_document(pg_job *job) {
  json_t *doc = job->document;
  json_t *version = json_object_get(doc, "schema_version");
  /* This plugin reads the fields of version 1 only; a job that needs a later version's (an elastic range,
   * torchrun...) is refused rather than run without them. */
  if (!json_is_integer(version) || json_integer_value(version) != 1) {
    return pg_error(DLAUNCH_ERR_INVALID_ARGUMENT,
                    "job document: schema_version must be 1 (this plugin honours no field of a later version)");
  }
  job->name = json_string_value(json_object_get(doc, "name"));
  if (job->name == NULL) return wrong("name", "a string");
  job->working_dir = json_string_value(json_object_get(doc, "working_dir"));
  if (job->working_dir == NULL) return wrong("working_dir", "a string");
  json_t *node_num = json_object_get(doc, "node_num");
  if (!json_is_integer(node_num)) return wrong("node_num", "an integer");
  job->node_num = json_integer_value(node_num);
  json_t *max_restarts = json_object_get(json_object_get(doc, "failover"), "max_restarts");
  if (!json_is_integer(max_restarts)) return wrong("failover.max_restarts", "an integer");
  job->max_restarts = json_integer_value(max_restarts);
  job->env = json_object_get(doc, "env");
  if (!is_string_table(job->env)) return wrong("env", "a table of strings");
  job->options = json_object_get(doc, "platform");
  if (!json_is_object(job->options)) return wrong("platform", "a table");

  json_t *roles = json_object_get(doc, "roles");
  if (!json_is_array(roles)) return wrong("roles", "an array");
  job->role_count = json_array_size(roles);
  job->roles = calloc(job->role_count, sizeof *job->roles);
  if (job->roles == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  for (size_t i = 0; i < job->role_count; ++i) {
    dlaunch_error *error = parse_role(json_array_get(roles, i), i, &job->roles[i]);
    if (error != NULL) return error;
  }
  return NULL;
}

dlaunch_error *pg_job_parse(const char *json, size_t size, pg_job *job) {
  memset(job, 0, sizeof *job);
  json_error_t problem;
  job->document = json_loadb(json, size, 0, &problem);
  if (job->document == NULL) {
    return pg_error(DLAUNCH_ERR_INVALID_ARGUMENT, "job document is not JSON (line %d, column %d): %s", problem.line,
                    problem.column, problem.text);
  }
  dlaunch_error *error = json_is_object(job->document) ? parse_document(job) : wrong("the document", "an object");
  if (error != NULL) pg_job_free(job);
  return error;
}

void pg_job_free(pg_job *job) {
  for (size_t i = 0; i < job->role_count && job->roles != NULL; ++i) free(job->roles[i].argv);
  free(job->roles);
  json_decref(job->document);
  memset(job, 0, sizeof *job);
}
