/* The struct-size crossing test: a host built against one minor (today's header, or the test one of the
 * next minor, tests/sdk/abi_next_header.cmake) loads a crossing plugin built against either, and both sides
 * must read only what struct_size covers. crossing_core_host.cpp does the same with dlaunch's own host code.
 *
 *   crossing_host LIBRARY    exit 0 when every answer is the expected one, else 1 with the difference
 *
 * This host fills struct_size with the constant of its newest minor and sets the next minor's field when it
 * has it; the plugin reports what it saw (crossing_plugin.c). That field is seen only when both sides have it.
 * TEST_NEXT_MINOR (from the build) is that minor. A host of 1.2 or later also finds wait_for_change in the table
 * of a 1.2 plugin or later, and in no older one, and calls it. */
#include <dlaunch/plugin.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static void no_log(const dlaunch_host_api *host, int32_t level, const char *message) {
  (void)host;
  (void)level;
  (void)message;
}

static bool never_cancelled(const dlaunch_host_api *host) {
  (void)host;
  return false;
}

static bool append(void *context, const char *data, size_t size) {
  char *text = context;
  size_t used = strlen(text);
  if (used + size >= 512) return false;
  memcpy(text + used, data, size);
  text[used + size] = '\0';
  return true;
}

/* What this host read of the plugin's status record. */
static bool report_status(void *context, const dlaunch_job_status *status) {
  char *seen = context;
  const char *preempted = "unknown";
#ifdef DLAUNCH_TEST_NEXT_MINOR
  preempted = DLAUNCH_HAS_FIELD(dlaunch_job_status, status, preempted) ? (status->preempted ? "true" : "false")
                                                                       : "absent";
#endif
  snprintf(seen, 512, "state=%d; preempted=%s", (int)status->state, preempted);
  return true;
}

static int expect(const char *what, const char *seen, const char *expected) {
  if (strcmp(seen, expected) == 0) {
    printf("ok   %s: %s\n", what, seen);
    return 0;
  }
  printf("FAIL %s:\n  seen:     %s\n  expected: %s\n", what, seen, expected);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: crossing_host LIBRARY\n");
    return 2;
  }
  void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  dlaunch_plugin_entry_fn entry;
  *(void **)&entry = dlsym(library, DLAUNCH_ENTRY_SYMBOL);
  const dlaunch_plugin_api *api = entry != NULL ? entry(DLAUNCH_ABI_MAJOR, DLAUNCH_ABI_MINOR) : NULL;
  if (api == NULL || api->struct_size < DLAUNCH_PLUGIN_API_SIZE_1_0) {
    fprintf(stderr, "%s: no usable plugin table\n", argv[1]);
    return 1;
  }
  const unsigned plugin_minor = api->abi_minor;
  printf("host 1.%d, plugin 1.%u\n", DLAUNCH_ABI_MINOR, plugin_minor);

  dlaunch_host_api host = {DLAUNCH_HOST_API_SIZE_1_0, DLAUNCH_ABI_MAJOR, DLAUNCH_ABI_MINOR, NULL, "crossing",
                           no_log, never_cancelled};
  dlaunch_init_args init = {DLAUNCH_INIT_ARGS_SIZE_1_0, &host, ".", "."};
  if (api->init(&init) != NULL) return 1;

  char text[512] = "";
  dlaunch_text_sink text_sink = {DLAUNCH_TEXT_SINK_SIZE_1_0, text, append};
  dlaunch_logs_args logs;
  memset(&logs, 0xA5, sizeof logs); /* what a stack holds: the padding is not zero */
  logs.native_id = "job";
  logs.options_json = "{}";
  logs.follow = true;
#ifdef DLAUNCH_TEST_NEXT_MINOR
  logs.struct_size = DLAUNCH_TEST_NEXT_LOGS_ARGS_SIZE;
  logs.timestamps = true;
  const char *timestamps = plugin_minor >= TEST_NEXT_MINOR ? "true" : "unknown";
#else
  logs.struct_size = DLAUNCH_LOGS_ARGS_SIZE_1_0;
  const char *timestamps = plugin_minor >= TEST_NEXT_MINOR ? "absent" : "unknown";
#endif
  if (api->logs(&logs, &text_sink) != NULL) return 1;
  char expected[512];
  snprintf(expected, sizeof expected, "plugin 1.%u; host minor %d; logs_args %zu bytes; follow=true; timestamps=%s",
           plugin_minor, DLAUNCH_ABI_MINOR, logs.struct_size, timestamps);
  int failures = expect("what the plugin read of dlaunch_logs_args", text, expected);

  char seen[512] = "";
  dlaunch_status_sink status_sink = {DLAUNCH_STATUS_SINK_SIZE_1_0, seen, report_status};
  dlaunch_job_ref_args ref = {DLAUNCH_JOB_REF_ARGS_SIZE_1_0, "job", "{}"};
  if (api->status(&ref, &status_sink) != NULL) return 1;
#ifdef DLAUNCH_TEST_NEXT_MINOR
  const char *preempted = plugin_minor >= TEST_NEXT_MINOR ? "true" : "absent";
#else
  const char *preempted = "unknown";
#endif
  snprintf(expected, sizeof expected, "state=%d; preempted=%s", DLAUNCH_STATE_SUCCEEDED, preempted);
  failures += expect("what the host read of dlaunch_job_status", seen, expected);

#if DLAUNCH_ABI_MINOR >= 2
  const bool waits = plugin_minor >= 2 && DLAUNCH_HAS_FIELD(dlaunch_plugin_api, api, wait_for_change) &&
                     api->wait_for_change != NULL;
  failures += expect("wait_for_change in the table", waits ? "offered" : "absent", plugin_minor >= 2 ? "offered" : "absent");
  if (waits) {
    dlaunch_wait_args wait;
    memset(&wait, 0xA5, sizeof wait);
    wait.struct_size = DLAUNCH_WAIT_ARGS_SIZE_1_2;
    wait.native_id = "job";
    wait.options_json = "{}";
    wait.seen_state = DLAUNCH_STATE_RUNNING;
    wait.seen_restarts = 3;
    wait.timeout_ms = 7;
    failures += expect("what the plugin read of dlaunch_wait_args", api->wait_for_change(&wait) == NULL ? "as sent" : "other",
                       "as sent");
  }
#endif
  return failures == 0 ? 0 : 1;
}
