/* The plugin's error object: a code and a message, allocated here and freed by the host through the
 * plugin's error_destroy. */
#ifndef PROCGROUP_ERROR_H_
#define PROCGROUP_ERROR_H_

#include <dlaunch/plugin.h>

struct dlaunch_error {
  int32_t code;
  char *message;
};

/* A new error with a printf-style message. Never NULL: when memory runs out it returns a static
 * "out of memory" error that error_destroy knows not to free. */
dlaunch_error *pg_error(int32_t code, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* DLAUNCH_ERR_INTERNAL with the formatted message, then ": " and what the system error `errnum` means. */
dlaunch_error *pg_system_error(int errnum, const char *format, ...) __attribute__((format(printf, 2, 3)));

int32_t pg_error_code(const dlaunch_error *error);
const char *pg_error_message(const dlaunch_error *error);
void pg_error_destroy(dlaunch_error *error);

#endif /* PROCGROUP_ERROR_H_ */
