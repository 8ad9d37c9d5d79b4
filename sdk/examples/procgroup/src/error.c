/* For the XSI strerror_r, which is thread-safe as every plugin operation must be. */
#define _POSIX_C_SOURCE 200809L

#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static dlaunch_error out_of_memory = {DLAUNCH_ERR_INTERNAL, "out of memory"};

dlaunch_error *pg_error(int32_t code, const char *format, ...) {
  dlaunch_error *error = malloc(sizeof *error);
  if (error == NULL) return &out_of_memory;
  va_list args;
  va_start(args, format);
  error->message = pg_vformat(format, args);
  va_end(args);
  if (error->message == NULL) {
    free(error);
    return &out_of_memory;
  }
  error->code = code;
  return error;
}

dlaunch_error *pg_system_error(int errnum, const char *format, ...) {
  char reason[128];
  if (strerror_r(errnum, reason, sizeof reason) != 0) snprintf(reason, sizeof reason, "error %d", errnum);
  va_list args;
  va_start(args, format);
  char *what = pg_vformat(format, args);
  va_end(args);
  dlaunch_error *error = pg_error(DLAUNCH_ERR_INTERNAL, "%s: %s", what != NULL ? what : "", reason);
  free(what);
  return error;
}

int32_t pg_error_code(const dlaunch_error *error) { return error->code; }

const char *pg_error_message(const dlaunch_error *error) { return error->message; }

void pg_error_destroy(dlaunch_error *error) {
  if (error == NULL || error == &out_of_memory) return;
  free(error->message);
  free(error);
}
