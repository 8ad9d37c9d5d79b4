/* The plugin side of the struct-size crossing test (see crossing_host.c). Built twice, against today's
 * header and against the test header of the next minor (tests/sdk/abi_next_header.cmake), and loaded by hosts
 * of both minors.
 *
 * It answers what it saw, reading only what struct_size covers:
 *   logs    writes "plugin 1.M; host minor H; logs_args N bytes; follow=B; timestamps=T", where T is the next
 *           minor's field as the host set it, "absent" when struct_size does not cover it, or "unknown" in a
 *           build of today's header (which cannot even name it);
 *   status  reports a record of this build's newest size: SUCCEEDED, and in a next-minor build preempted = true;
 *   wait_for_change (1.2 and later builds; older ones have a table of 1.0's size) returns NULL only when the
 *           host sent what crossing_host.c sends: a struct of at least 1.2's size, RUNNING, 3 restarts, 7 ms. */
#include <dlaunch/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dlaunch_error {
  int dummy;
};

static uint32_t g_host_minor;

static dlaunch_error *init(const dlaunch_init_args *args) {
  (void)args;
  return NULL;
}

static dlaunch_error *validate(const dlaunch_job_args *args, const dlaunch_diagnostic_sink *out) {
  (void)args;
  (void)out;
  return NULL;
}

static dlaunch_error *write_nothing(const dlaunch_job_args *args, const dlaunch_text_sink *out) {
  (void)args;
  out->write(out->context, "x", 1);
  return NULL;
}

static dlaunch_error *status(const dlaunch_job_ref_args *args, const dlaunch_status_sink *out) {
  dlaunch_job_status s;
  memset(&s, 0, sizeof s);
  s.native_id = args->native_id;
  s.state = DLAUNCH_STATE_SUCCEEDED;
#ifdef DLAUNCH_TEST_NEXT_MINOR
  s.struct_size = DLAUNCH_TEST_NEXT_JOB_STATUS_SIZE;
  s.preempted = true;
#else
  s.struct_size = DLAUNCH_JOB_STATUS_SIZE_1_0;
#endif
  out->report(out->context, &s);
  return NULL;
}

static dlaunch_error *logs(const dlaunch_logs_args *args, const dlaunch_text_sink *out) {
  const char *timestamps = "unknown";
#ifdef DLAUNCH_TEST_NEXT_MINOR
  timestamps = DLAUNCH_HAS_FIELD(dlaunch_logs_args, args, timestamps) ? (args->timestamps ? "true" : "false")
                                                                      : "absent";
#endif
  char line[256];
  int n = snprintf(line, sizeof line, "plugin 1.%d; host minor %u; logs_args %zu bytes; follow=%s; timestamps=%s",
                   DLAUNCH_ABI_MINOR, (unsigned)g_host_minor, args->struct_size, args->follow ? "true" : "false",
                   timestamps);
  out->write(out->context, line, (size_t)n);
  return NULL;
}

static dlaunch_error *stop(const dlaunch_job_ref_args *args) {
  (void)args;
  return NULL;
}

static dlaunch_error *list(const dlaunch_list_args *args, const dlaunch_status_sink *out) {
  (void)args;
  (void)out;
  return NULL;
}

#if DLAUNCH_ABI_MINOR >= 2
static dlaunch_error *wait_for_change(const dlaunch_wait_args *args) {
  static dlaunch_error unexpected;
  if (args == NULL || !DLAUNCH_HAS_FIELD(dlaunch_wait_args, args, timeout_ms)) return &unexpected;
  bool expected = strcmp(args->native_id, "job") == 0 && args->seen_state == DLAUNCH_STATE_RUNNING &&
                  args->seen_restarts == 3 && args->timeout_ms == 7;
  return expected ? NULL : &unexpected;
}
#define TEST_API_SIZE DLAUNCH_PLUGIN_API_SIZE_1_2
#else
#define TEST_API_SIZE DLAUNCH_PLUGIN_API_SIZE_1_0
#endif

static int32_t error_code(const dlaunch_error *e) {
  (void)e;
  return DLAUNCH_ERR_INTERNAL;
}
static const char *error_message(const dlaunch_error *e) {
  (void)e;
  return "crossing plugin error";
}
static void error_destroy(dlaunch_error *e) { (void)e; /* only the static one of wait_for_change is made */ }

static const dlaunch_plugin_api kApi = {
    TEST_API_SIZE, DLAUNCH_ABI_MAJOR, DLAUNCH_ABI_MINOR, 0, TEST_PLUGIN_ID, "1.0.0",
    "struct-size crossing test", NULL, init, validate, write_nothing, write_nothing, status, logs, stop, stop, list,
    error_code, error_message, error_destroy,
#if DLAUNCH_ABI_MINOR >= 2
    NULL /* find_submissions */, wait_for_change
#elif DLAUNCH_ABI_MINOR >= 1
    NULL /* find_submissions: a table of 1.0's size has none */
#endif
};

DLAUNCH_EXPORT const dlaunch_plugin_api *dlaunch_plugin_entry(uint32_t host_major, uint32_t host_minor) {
  if (host_major != DLAUNCH_ABI_MAJOR) return NULL;
  g_host_minor = host_minor;
  return &kApi;
}
