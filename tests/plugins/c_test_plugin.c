/* A tiny plugin in plain C11, built several times with different claims to test how the host negotiates
 * and refuses (tests/unit/plugin_host_test.cpp). Behaviour is chosen at compile time:
 *   TEST_PLUGIN_ID           the id in its table
 *   TEST_TABLE_ABI_MAJOR     the major its table claims (default DLAUNCH_ABI_MAJOR)
 *   TEST_TABLE_ABI_MINOR     the minor its table claims (default DLAUNCH_ABI_MINOR)
 *   TEST_TABLE_MIN_HOST      the min_host_minor its table claims (default 0)
 *   TEST_OPTION_TYPE         declare option "retries" with this type instead of the manifest's
 *   TEST_OPTION_FLAGS        declare option "token" with these flags instead of the manifest's
 *   TEST_FUTURE_VALUES       answer with values of a later minor: error code 42, state 17, severity 7, log
 *                            level 9, where the plain plugin uses known ones
 *   TEST_WITHOUT_ENTRY       export no entry symbol at all
 *   TEST_OPTIONS_DISAGREE    declare options other than its manifest's (options.json, via the generated
 *                            dlaunch_plugin_options.h)
 *   TEST_CARELESS_FINDER     offer find_submissions (ABI 1.1) and break its contract: read the arguments
 *                            unchecked (NULL ones, since_ms whatever struct_size says), report every id asked as
 *                            found in records of 1.0's size, and one never asked in a record of 1.1's
 *   TEST_ABRUPT_FINDER       offer find_submissions (ABI 1.1) that ends its process instead of refusing NULL
 *                            arguments: abort() on NULL args, _exit(1) on a NULL sink; answers the rest rightly
 *   TEST_GATED_INIT          init waits at the gate directory DLAUNCH_TEST_GATE names, when it names one
 *   TEST_JOB_DOCUMENT        the newest job document version it reads (default: its header's
 *                            DLAUNCH_JOB_SCHEMA_VERSION); validate refuses a newer one in the words of the C++
 *                            SDK reader of that version
 * Its operations are real enough to round-trip through the host: submit answers "job-" + the submission id,
 * status reports SUCCEEDED with exit code 0, logs writes two chunks (job "long-line": 2.5 MiB of 'x' and no
 * newline, for the client API's line limit), validate flags option "flag" = false and warns at the key path
 * that a job's label report_path names (well-formed or not), and job "gnutls-env" reports as its native state
 * the GNUTLS_NO_IMPLICIT_INIT this library's constructor saw when the host loaded it ("unset" when none). */
#include <dlaunch/plugin.h>
#include <dlaunch_plugin_options.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef TEST_TABLE_ABI_MAJOR
#define TEST_TABLE_ABI_MAJOR DLAUNCH_ABI_MAJOR
#endif
#ifndef TEST_TABLE_ABI_MINOR
#define TEST_TABLE_ABI_MINOR DLAUNCH_ABI_MINOR
#endif
#ifndef TEST_TABLE_MIN_HOST
#define TEST_TABLE_MIN_HOST 0
#endif
#ifndef TEST_JOB_DOCUMENT
#define TEST_JOB_DOCUMENT DLAUNCH_JOB_SCHEMA_VERSION
#endif
#ifdef TEST_FUTURE_VALUES
#define TEST_CODE 42
#define TEST_STATE 17
#define TEST_SEVERITY 7
#define TEST_LEVEL 9
#else
#define TEST_CODE DLAUNCH_ERR_FAILED_PRECONDITION
#define TEST_STATE DLAUNCH_STATE_SUCCEEDED
#define TEST_SEVERITY DLAUNCH_SEVERITY_ERROR
#define TEST_LEVEL DLAUNCH_LOG_DEBUG
#endif

/* Sizes are spelled out with DLAUNCH_STRUCT_SIZE, not the DLAUNCH_<NAME>_SIZE_1_0 constants: this file also
 * builds against the frozen 1.0 header (tests/sdk/abi-1.0), which predates those constants. */
#define TEST_JOB_STATUS_SIZE DLAUNCH_STRUCT_SIZE(dlaunch_job_status, end_time_ms)
#define TEST_OPTION_DESC_SIZE DLAUNCH_STRUCT_SIZE(dlaunch_option_desc, help)

struct dlaunch_error {
  int32_t code;
  char message[256];
};

static dlaunch_error *make_error(int32_t code, const char *message) {
  dlaunch_error *e = malloc(sizeof *e);
  if (e == NULL) return NULL;
  e->code = code;
  snprintf(e->message, sizeof e->message, "%s", message);
  return e;
}

static const dlaunch_host_api *g_host;

#ifdef TEST_GATED_INIT
/* When DLAUNCH_TEST_GATE names a directory: creates "entered" there, then waits (30 s at most) until "open" is
 * there too: a test holds the host in this plugin's load while it does something else. */
static void wait_at_gate(void) {
  const char *gate = getenv("DLAUNCH_TEST_GATE");
  if (gate == NULL) return;
  char path[4096];
  snprintf(path, sizeof path, "%s/entered", gate);
  FILE *entered = fopen(path, "w");
  if (entered != NULL) fclose(entered);
  snprintf(path, sizeof path, "%s/open", gate);
  const struct timespec tick = {0, 10 * 1000 * 1000};
  for (int i = 0; i < 3000 && access(path, F_OK) != 0; ++i) nanosleep(&tick, NULL);
}
#else
static void wait_at_gate(void) {}
#endif

static dlaunch_error *init(const dlaunch_init_args *args) {
  wait_at_gate();
  g_host = args->host;
  g_host->log(g_host, TEST_LEVEL, "test plugin initialised");
  return NULL;
}

static dlaunch_error *validate(const dlaunch_job_args *args, const dlaunch_diagnostic_sink *out) {
  /* The host writes schema_version first, so no other key can hold this text before it. */
  static const char version_key[] = "\"schema_version\":";
  const char *version = strstr(args->job_json, version_key);
  if (version != NULL && atoi(version + sizeof version_key - 1) > TEST_JOB_DOCUMENT) {
    char message[128];
    snprintf(message, sizeof message, "job document schema_version %d is not %s%d", atoi(version + sizeof version_key - 1),
             TEST_JOB_DOCUMENT == 1 ? "the supported version " : "one of the supported versions 1 to ", TEST_JOB_DOCUMENT);
    return make_error(DLAUNCH_ERR_INVALID_ARGUMENT, message);
  }
  if (strstr(args->job_json, "\"flag\":false") != NULL) {
    out->report(out->context, TEST_SEVERITY, "platform." TEST_PLUGIN_ID ".flag", "flag must be true here",
                "set flag = true");
  }
  /* A job labelled report_path = "P" gets a warning at the key path P, well-formed or not. */
  static const char label[] = "\"report_path\":\"";
  const char *start = strstr(args->job_json, label);
  if (start != NULL) {
    char path[128];
    start += sizeof label - 1;
    const char *end = strchr(start, '"');
    size_t length = end != NULL && (size_t)(end - start) < sizeof path ? (size_t)(end - start) : 0;
    memcpy(path, start, length);
    path[length] = '\0';
    out->report(out->context, DLAUNCH_SEVERITY_WARNING, path, "reported where the label says", NULL);
  }
  return NULL;
}

static dlaunch_error *dry_run(const dlaunch_job_args *args, const dlaunch_text_sink *out) {
  static const char prefix[] = "WOULD SUBMIT ";
  out->write(out->context, prefix, sizeof prefix - 1);
  out->write(out->context, args->job_json, args->job_json_size);
  return NULL;
}

static dlaunch_error *submit(const dlaunch_job_args *args, const dlaunch_text_sink *out) {
  char id[256];
  int n = snprintf(id, sizeof id, "job-%s", args->submission_id);
  out->write(out->context, id, (size_t)n);
  return NULL;
}

/* What a library's constructor sees of the environment the host loads it in, as GnuTLS's does. */
static char g_gnutls_at_load[16] = "unset";
__attribute__((constructor)) static void record_gnutls_at_load(void) {
  const char *value = getenv("GNUTLS_NO_IMPLICIT_INIT");
  if (value != NULL) snprintf(g_gnutls_at_load, sizeof g_gnutls_at_load, "%s", value);
}

static dlaunch_error *status(const dlaunch_job_ref_args *args, const dlaunch_status_sink *out) {
  if (strcmp(args->native_id, "missing") == 0) return make_error(DLAUNCH_ERR_NOT_FOUND, "no job 'missing'");
  dlaunch_job_status s;
  memset(&s, 0, sizeof s);
  s.struct_size = TEST_JOB_STATUS_SIZE;
  s.native_id = args->native_id;
  s.state = TEST_STATE;
  s.has_exit_code = true;
  s.exit_code = 0;
  s.native_state = strcmp(args->native_id, "gnutls-env") == 0 ? g_gnutls_at_load : "DONE";
  s.message = args->options_json; /* lets a test see which options reached the plugin */
  out->report(out->context, &s);
  return NULL;
}

static dlaunch_error *logs(const dlaunch_logs_args *args, const dlaunch_text_sink *out) {
  if (strcmp(args->native_id, "long-line") == 0) {
    static char xs[64 * 1024];
    memset(xs, 'x', sizeof xs);
    for (int i = 0; i < 40; ++i) out->write(out->context, xs, sizeof xs);
    return NULL;
  }
  out->write(out->context, "line 1\n", 7);
  out->write(out->context, "line 2\n", 7);
  return NULL;
}

static dlaunch_error *stop(const dlaunch_job_ref_args *args) {
  (void)args;
  return NULL;
}

static dlaunch_error *delete_job(const dlaunch_job_ref_args *args) {
  (void)args;
  return make_error(TEST_CODE, "the test platform keeps every job");
}

static dlaunch_error *list(const dlaunch_list_args *args, const dlaunch_status_sink *out) {
  (void)args;
  dlaunch_job_status s;
  memset(&s, 0, sizeof s);
  s.struct_size = TEST_JOB_STATUS_SIZE;
  s.native_id = "job-a";
  s.state = DLAUNCH_STATE_RUNNING;
  s.start_time_ms = 1000;
  out->report(out->context, &s);
  s.native_id = "job-b";
  s.submitted_by_dlaunch = true;
  s.start_time_ms = 2000;
  out->report(out->context, &s);
  return NULL;
}

#ifdef TEST_CARELESS_FINDER
static dlaunch_error *find_submissions(const dlaunch_find_args *args, const dlaunch_status_sink *out) {
  if (args->since_ms < 0) return make_error(DLAUNCH_ERR_INVALID_ARGUMENT, "since_ms is negative");
  char native_id[300];
  dlaunch_job_status s;
  memset(&s, 0, sizeof s);
  s.native_id = native_id;
  s.state = DLAUNCH_STATE_RUNNING;
  for (size_t i = 0; i <= args->count; ++i) {
    s.submission_id = i < args->count ? args->submission_ids[i] : "never-asked";
    s.struct_size = i < args->count ? TEST_JOB_STATUS_SIZE : DLAUNCH_JOB_STATUS_SIZE_1_1;
    snprintf(native_id, sizeof native_id, "job-%s", s.submission_id);
    out->report(out->context, &s);
  }
  return NULL;
}
#elif defined(TEST_ABRUPT_FINDER)
static dlaunch_error *find_submissions(const dlaunch_find_args *args, const dlaunch_status_sink *out) {
  if (args == NULL) abort();
  if (out == NULL) _exit(1); /* as a crash handler that exits, AddressSanitizer's among them, does */
  return NULL;
}
#endif
#if defined(TEST_CARELESS_FINDER) || defined(TEST_ABRUPT_FINDER)
#define TEST_API_SIZE DLAUNCH_PLUGIN_API_SIZE_1_1
#define TEST_FIND_SUBMISSIONS find_submissions
#else
#define TEST_API_SIZE DLAUNCH_STRUCT_SIZE(dlaunch_plugin_api, error_destroy)
#define TEST_FIND_SUBMISSIONS NULL /* a table of 1.0's size has none */
#endif

static int32_t error_code(const dlaunch_error *e) { return e != NULL ? e->code : DLAUNCH_ERR_INTERNAL; }
static const char *error_message(const dlaunch_error *e) { return e != NULL ? e->message : "out of memory"; }
static void error_destroy(dlaunch_error *e) { free(e); }

#if !defined(TEST_OPTIONS_DISAGREE) && !defined(TEST_OPTION_TYPE) && !defined(TEST_OPTION_FLAGS)
#define kOptions dlaunch_plugin_options
#else
/* The manifest's options (tests/plugins/options.json) with one difference the host must refuse: another
 * default (TEST_OPTIONS_DISAGREE), or a type or flags of a later minor. */
#ifndef TEST_OPTION_TYPE
#define TEST_OPTION_TYPE DLAUNCH_OPTION_INTEGER
#endif
#ifndef TEST_OPTION_FLAGS
#define TEST_OPTION_FLAGS DLAUNCH_OPTION_SECRET
#endif
#ifdef TEST_OPTIONS_DISAGREE
#define TEST_RETRIES_DEFAULT "4"
#else
#define TEST_RETRIES_DEFAULT "3"
#endif
static const dlaunch_option_desc kFlag = {TEST_OPTION_DESC_SIZE, "flag", DLAUNCH_OPTION_BOOLEAN, 0, "true",
                                          "a boolean option"};
static const dlaunch_option_desc kToken = {TEST_OPTION_DESC_SIZE, "token", DLAUNCH_OPTION_STRING,
                                           TEST_OPTION_FLAGS, NULL, "a secret"};
static const dlaunch_option_desc kRetries = {TEST_OPTION_DESC_SIZE, "retries", TEST_OPTION_TYPE, 0,
                                             TEST_RETRIES_DEFAULT, "an integer option"};
static const dlaunch_option_desc *const kOptions[] = {&kFlag, &kToken, &kRetries, NULL};
#endif

static const dlaunch_plugin_api kApi = {
    TEST_API_SIZE, TEST_TABLE_ABI_MAJOR, TEST_TABLE_ABI_MINOR,
    TEST_TABLE_MIN_HOST,
    TEST_PLUGIN_ID, "9.9.9", "a plugin for the host's own tests", kOptions,
    init, validate, dry_run, submit, status, logs, stop, delete_job, list,
    error_code, error_message, error_destroy,
#if DLAUNCH_ABI_MINOR >= 1
    TEST_FIND_SUBMISSIONS
#endif
#if DLAUNCH_ABI_MINOR >= 2
    , NULL /* wait_for_change (1.2): a table of 1.1's size or less has none */
#endif
};

#ifndef TEST_WITHOUT_ENTRY
DLAUNCH_EXPORT const dlaunch_plugin_api *dlaunch_plugin_entry(uint32_t host_major, uint32_t host_minor) {
  (void)host_minor;
  return host_major == DLAUNCH_ABI_MAJOR ? &kApi : NULL;
}
#else
DLAUNCH_EXPORT const dlaunch_plugin_api *not_the_entry(void) { return &kApi; }
#endif
