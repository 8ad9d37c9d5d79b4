#include "options.h"

static const dlaunch_option_desc stop_grace = {
    DLAUNCH_STRUCT_SIZE(dlaunch_option_desc, help), PG_STOP_GRACE_OPTION, DLAUNCH_OPTION_INTEGER, 0, "10",
    "seconds between SIGTERM and SIGKILL when a job is stopped"};

const dlaunch_option_desc *const pg_options[] = {&stop_grace, NULL};

int64_t pg_stop_grace_seconds(const json_t *options) {
  json_int_t seconds = json_integer_value(json_object_get(options, PG_STOP_GRACE_OPTION));
  return seconds > 0 ? seconds : 0;
}
