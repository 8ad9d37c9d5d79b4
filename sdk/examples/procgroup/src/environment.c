/* For strdup. */
#define _POSIX_C_SOURCE 200809L

#include "environment.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

extern char **environ;

void pg_environment_init_empty(pg_environment *env) {
  env->entries = calloc(1, sizeof *env->entries);
  env->count = 0;
}

bool pg_environment_init_inherited(pg_environment *env) {
  size_t count = 0;
  while (environ[count] != NULL) ++count;
  env->entries = calloc(count + 1, sizeof *env->entries);
  env->count = 0;
  if (env->entries == NULL) return false;
  for (; env->count < count; ++env->count) {
    env->entries[env->count] = strdup(environ[env->count]);
    if (env->entries[env->count] == NULL) return false;
  }
  return true;
}

void pg_environment_free(pg_environment *env) {
  for (size_t i = 0; i < env->count; ++i) free(env->entries[i]);
  free(env->entries);
  env->entries = NULL;
  env->count = 0;
}

bool pg_environment_set(pg_environment *env, const char *name, const char *value) {
  if (env->entries == NULL) return false;
  char *entry = pg_format("%s=%s", name, value);
  if (entry == NULL) return false;
  size_t name_length = strlen(name);
  for (size_t i = 0; i < env->count; ++i) {
    if (strncmp(env->entries[i], name, name_length) == 0 && env->entries[i][name_length] == '=') {
      free(env->entries[i]);
      env->entries[i] = entry;
      return true;
    }
  }
  char **grown = realloc(env->entries, (env->count + 2) * sizeof *grown);
  if (grown == NULL) {
    free(entry);
    return false;
  }
  env->entries = grown;
  env->entries[env->count++] = entry;
  env->entries[env->count] = NULL;
  return true;
}

static bool set_table(pg_environment *env, json_t *table) {
  const char *name;
  json_t *value;
  json_object_foreach(table, name, value) {
    if (!pg_environment_set(env, name, json_string_value(value))) return false;
  }
  return true;
}

bool pg_set_replica_variables(pg_environment *env, const pg_job *job, const pg_role *role, int64_t rank,
                              const char *master_port) {
  /* Every process runs on this one machine: it is node 0 and all replicas of a role are local to it. */
  char rank_text[24];
  char world_text[24];
  snprintf(rank_text, sizeof rank_text, "%" PRId64, rank);
  snprintf(world_text, sizeof world_text, "%" PRId64, role->replicas);
  return pg_environment_set(env, "DLAUNCH_JOB", job->name) && pg_environment_set(env, "DLAUNCH_ROLE", role->name) &&
         pg_environment_set(env, "RANK", rank_text) && pg_environment_set(env, "WORLD_SIZE", world_text) &&
         pg_environment_set(env, "LOCAL_RANK", rank_text) && pg_environment_set(env, "LOCAL_WORLD_SIZE", world_text) &&
         pg_environment_set(env, "NODE_RANK", "0") && pg_environment_set(env, "MASTER_ADDR", "127.0.0.1") &&
         pg_environment_set(env, "MASTER_PORT", master_port) && set_table(env, job->env) &&
         set_table(env, role->env);
}
