#include "options.h"

int64_t pg_stop_grace_seconds(const json_t *options) {
  json_int_t seconds = json_integer_value(json_object_get(options, PG_STOP_GRACE_OPTION));
  return seconds > 0 ? seconds : 0;
}
