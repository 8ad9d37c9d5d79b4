/* The C client API (dlaunch/client.h) from C, as a program that uses libdlaunch sees it: every function, with
 * real local jobs (real processes), and an error path of each code the API can be made to return here.
 *
 * Usage: client_test TESTS_DIR WORK_DIR. TESTS_DIR holds the specs of this directory; WORK_DIR is a scratch
 * directory. The environment isolates XDG_* (journal, plugin state, configuration); no --plugin-dir is given,
 * so the local plugin is found beside libdlaunch.so itself (lib/dlaunch/plugins). */
#include <dlaunch/client.h>

#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>

static int failures = 0;
static dl_session *session = NULL;
static const char *tests_dir = NULL;

#define CHECK(condition)                                                            \
  do {                                                                              \
    if (!(condition)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      ++failures;                                                                   \
    }                                                                               \
  } while (0)

/* A call's status, with the session's last error shown when it is not the one expected. */
#define CHECK_STATUS(call, expected)                                                                      \
  do {                                                                                                    \
    dl_status status_ = (call);                                                                           \
    if (status_ != (expected)) {                                                                          \
      fprintf(stderr, "%s:%d: %s returned %d, not %d: %s\n", __FILE__, __LINE__, #call, (int)status_,     \
              (int)(expected), dl_last_error(session));                                                   \
      ++failures;                                                                                         \
    }                                                                                                     \
  } while (0)

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  thrd_sleep(&ts, NULL);
}

static char *path_in(const char *dir, const char *name) {
  static char paths[8][4096];
  static int next = 0;
  char *path = paths[next++ % 8];
  snprintf(path, 4096, "%s/%s", dir, name);
  return path;
}

static dl_job *load(const char *file, const char *text, const char *const *overrides, size_t override_count) {
  dl_job_source source = {.struct_size = DL_JOB_SOURCE_SIZE_1_0, .file = file, .text = text,
                          .overrides = overrides, .override_count = override_count};
  dl_job *job = NULL;
  CHECK_STATUS(dl_job_load(session, &source, &job), DL_OK);
  return job;
}

/* The index of the first diagnostic of `job` at `path`, or -1. */
static long diagnostic_at(const dl_job *job, const char *path, dl_diagnostic *out) {
  for (size_t i = 0; i < dl_job_diagnostic_count(job); ++i) {
    out->struct_size = DL_DIAGNOSTIC_SIZE_1_0;
    if (dl_job_diagnostic(job, i, out) == DL_OK && strcmp(out->path, path) == 0) return (long)i;
  }
  return -1;
}

/* ---------------------------------------------------------------------------------------------------- */

static void test_sessions(const char *work_dir) {
  dl_session *s = NULL;
  dl_session_options options = {.struct_size = 8, .api_major = DL_CLIENT_API_MAJOR};
  CHECK(dl_session_open(&options, &s) == DL_ERR_USAGE); /* struct_size below 1.0's */
  CHECK(strstr(dl_last_error(s), "too small") != NULL);
  CHECK(strcmp(dl_last_error_code(s), "invalid_request") == 0);
  /* A session that did not open answers only its error, and refuses the rest. */
  size_t count = 0;
  CHECK(dl_plugins(s, &count) == DL_ERR_USAGE);
  CHECK(strstr(dl_last_error(s), "too small") != NULL);
  dl_session_close(s);

  options.struct_size = DL_SESSION_OPTIONS_SIZE_1_0;
  options.api_major = DL_CLIENT_API_MAJOR + 1;
  CHECK(dl_session_open(&options, &s) == DL_ERR_USAGE);
  CHECK(strstr(dl_last_error(s), "client API 2") != NULL);
  dl_session_close(s);

  /* A broken configuration file: its findings located, as the CLI prints them. */
  options.api_major = DL_CLIENT_API_MAJOR;
  options.config_file = path_in(tests_dir, "broken-config.toml");
  CHECK(dl_session_open(&options, &s) == DL_ERR_INVALID);
  CHECK(strstr(dl_last_error(s), "broken-config.toml:2:") != NULL);
  CHECK(strstr(dl_last_error(s), "the configuration file is invalid") != NULL);
  dl_session_close(s);
  options.config_file = path_in(work_dir, "no-such-config.toml");
  CHECK(dl_session_open(&options, &s) == DL_ERR_INVALID);
  dl_session_close(s);

  CHECK(dl_session_open(NULL, NULL) == DL_ERR_USAGE);
  CHECK(strcmp(dl_last_error(NULL), "") == 0);
  dl_session_close(NULL);
  CHECK(strlen(dl_version()) > 0);
}

static void test_validation_of_a_file(void) {
  dl_job *job = load(path_in(tests_dir, "broken.toml"), NULL, NULL, 0);
  CHECK_STATUS(dl_job_validate(job, NULL), DL_ERR_INVALID);
  CHECK(strcmp(dl_last_error_code(session), "invalid_argument") == 0);
  CHECK(strstr(dl_last_error(session), "2 errors; nothing was submitted") != NULL);
  CHECK(dl_job_diagnostic_count(job) == 2);
  dl_diagnostic d;
  CHECK(diagnostic_at(job, "roles[0].replicaz", &d) >= 0);
  CHECK(d.severity == DL_SEVERITY_ERROR);
  CHECK(strstr(d.file, "broken.toml") != NULL);
  CHECK(d.line == 9 && d.column == 1);
  CHECK(strstr(d.message, "replicaz") != NULL);
  CHECK(strstr(d.hint, "replicas") != NULL);
  CHECK(diagnostic_at(job, "roles[0].per_node", &d) >= 0);
  CHECK(d.line == 8 && d.column == 12 && strstr(d.message, "multiple of per_node") != NULL);
  CHECK(strstr(dl_job_diagnostics_text(job), "broken.toml:9:1: error: ") != NULL);
  /* What needs a valid job says why there is none. */
  const char *text = NULL;
  CHECK_STATUS(dl_job_document(job, &text), DL_ERR_INVALID);
  CHECK_STATUS(dl_job_submit(job, &text), DL_ERR_INVALID);
  CHECK(strstr(dl_last_error(session), "broken.toml:9:1: error: ") != NULL);
  dl_diagnostic small = {.struct_size = 4};
  CHECK(dl_job_diagnostic(job, 0, &small) == DL_ERR_USAGE);
  CHECK(dl_job_diagnostic(job, 2, &d) == DL_ERR_USAGE);
  dl_job_free(job);

  job = load(path_in(tests_dir, "no-such-spec.toml"), NULL, NULL, 0);
  CHECK_STATUS(dl_job_validate(job, NULL), DL_ERR_UNREADABLE);
  CHECK(strcmp(dl_last_error_code(session), "unreadable") == 0);
  dl_job_free(job);

  /* An unknown platform is a finding of the spec, as for `dlaunch validate -p`. */
  job = load(path_in(tests_dir, "hello.toml"), NULL, NULL, 0);
  CHECK_STATUS(dl_job_validate(job, "nosuch"), DL_ERR_INVALID);
  CHECK(strstr(dl_job_diagnostics_text(job), "no plugin for platform 'nosuch'") != NULL);
  CHECK_STATUS(dl_job_validate(job, "local"), DL_OK);
  CHECK(dl_job_diagnostic_count(job) == 0);
  CHECK(strcmp(dl_job_diagnostics_text(job), "") == 0);
  dl_job_free(job);

  job = load(path_in(tests_dir, "sweep.toml"), NULL, NULL, 0);
  CHECK_STATUS(dl_job_validate(job, NULL), DL_ERR_USAGE);
  CHECK(strstr(dl_last_error(session), "[sweep]") != NULL);
  dl_job_free(job);
}

static void test_validation_of_text(void) {
  /* A syntax error, located in the name the text is given. */
  dl_job *job = load("inline.toml", "name = \"t\"\nroles = [\n", NULL, 0);
  CHECK_STATUS(dl_job_validate(job, NULL), DL_ERR_INVALID);
  dl_diagnostic d = {.struct_size = DL_DIAGNOSTIC_SIZE_1_0};
  CHECK(dl_job_diagnostic(job, 0, &d) == DL_OK);
  CHECK(strcmp(d.file, "inline.toml") == 0 && d.line >= 2);
  dl_job_free(job);

  /* JSON text, and a bad override located in it as `--set` is. */
  const char *json = "{\"name\": \"t\", \"roles\": [{\"name\": \"worker\", \"entrypoint\": [\"true\"]}]}";
  const char *overrides[] = {"roles.worker.replicas=0"};
  job = load(NULL, json, overrides, 1);
  CHECK_STATUS(dl_job_validate(job, NULL), DL_ERR_INVALID);
  CHECK(diagnostic_at(job, "roles[0].replicas", &d) >= 0);
  CHECK(strcmp(d.file, "<override 1>") == 0 && d.line == 1);
  dl_job_free(job);

  const char *bad_override[] = {"=3"};
  job = load(NULL, json, bad_override, 1);
  CHECK_STATUS(dl_job_validate(job, NULL), DL_ERR_INVALID);
  CHECK(strstr(dl_job_diagnostics_text(job), "<override 1>") != NULL);
  dl_job_free(job);

  dl_job_source source = {.struct_size = DL_JOB_SOURCE_SIZE_1_0};
  CHECK(dl_job_load(session, &source, &job) == DL_ERR_USAGE); /* neither file nor text */
  CHECK(job == NULL);
  const char *null_override[] = {NULL};
  source.text = json;
  source.overrides = null_override;
  source.override_count = 1;
  CHECK(dl_job_load(session, &source, &job) == DL_ERR_USAGE);
  CHECK(dl_job_load(session, NULL, &job) == DL_ERR_USAGE);
  CHECK(dl_job_validate(NULL, NULL) == DL_ERR_USAGE);
  CHECK(dl_job_diagnostic_count(NULL) == 0);
}

/* Reads a whole file into a malloc'd string. */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  size_t got = fread(text, 1, (size_t)size, f);
  text[got] = '\0';
  fclose(f);
  return text;
}

static void test_document_and_dry_run(void) {
  /* The same job as TOML text and as JSON text with an override: the same normalized document, byte for byte
   * (working_dir is the current directory for both: the test runs in TESTS_DIR). */
  char *toml = read_file(path_in(tests_dir, "hello.toml"));
  char *json = read_file(path_in(tests_dir, "hello.json"));
  CHECK(toml != NULL && json != NULL);
  dl_job *from_toml = load("hello.toml", toml, NULL, 0);
  const char *toml_document = NULL;
  CHECK_STATUS(dl_job_document(from_toml, &toml_document), DL_OK); /* validates for local first */
  const char *overrides[] = {"roles.worker.replicas=2"};
  dl_job *from_json = load("hello.json", json, overrides, 1);
  const char *json_document = NULL;
  CHECK_STATUS(dl_job_document(from_json, &json_document), DL_OK);
  CHECK(toml_document != NULL && json_document != NULL && strcmp(toml_document, json_document) == 0);
  CHECK(strstr(toml_document, "\"schema_version\":") != NULL);
  CHECK(strstr(toml_document, "\"name\":\"hello\"") != NULL);
  CHECK(strstr(toml_document, "\"spec_file\":\"\"") != NULL); /* text: no file (docs/job-document.md) */
  free(toml);
  free(json);
  dl_job_free(from_json);
  dl_job_free(from_toml);

  /* Read from the file, the document names it. */
  dl_job *from_file = load(path_in(tests_dir, "hello.toml"), NULL, NULL, 0);
  const char *file_document = NULL;
  CHECK_STATUS(dl_job_document(from_file, &file_document), DL_OK);
  CHECK(strstr(file_document, "/hello.toml\",") != NULL);

  const char *dry_run = NULL;
  CHECK_STATUS(dl_job_dry_run(from_file, &dry_run), DL_OK);
  CHECK(strstr(dry_run, "local: job hello: 2 processes") != NULL);
  CHECK(dl_job_dry_run(from_file, NULL) == DL_ERR_USAGE);
  dl_job_free(from_file);
}

/* Sessions are independent: one per thread, at once, each validating and printing the same job. */
typedef struct {
  char spec[4096];
  char document[8192];
} OwnSession;

static int validate_in_own_session(void *arg) {
  OwnSession *own_session = arg;
  dl_session_options options = {.struct_size = DL_SESSION_OPTIONS_SIZE_1_0, .api_major = DL_CLIENT_API_MAJOR};
  dl_session *own = NULL;
  if (dl_session_open(&options, &own) != DL_OK) return 1;
  dl_job_source source = {.struct_size = DL_JOB_SOURCE_SIZE_1_0, .file = own_session->spec};
  int failed = 0;
  for (int i = 0; i < 5 && !failed; ++i) {
    dl_job *job = NULL;
    const char *text = NULL;
    failed = dl_job_load(own, &source, &job) != DL_OK || dl_job_document(job, &text) != DL_OK;
    if (!failed) snprintf(own_session->document, sizeof own_session->document, "%s", text);
    dl_job_free(job);
  }
  dl_session_close(own);
  return failed;
}

static void test_sessions_in_threads(void) {
  static OwnSession sessions[2];
  thrd_t threads[2];
  for (int i = 0; i < 2; ++i) {
    snprintf(sessions[i].spec, sizeof sessions[i].spec, "%s", path_in(tests_dir, "hello.toml"));
    CHECK(thrd_create(&threads[i], validate_in_own_session, &sessions[i]) == thrd_success);
  }
  for (int i = 0; i < 2; ++i) {
    int result = 1;
    thrd_join(threads[i], &result);
    CHECK(result == 0);
  }
  CHECK(strlen(sessions[0].document) > 0 && strcmp(sessions[0].document, sessions[1].document) == 0);
}

/* ---------------------------------------------------------------------------------------------------- */
/* Lines, ticks and stops of dl_handle_logs. */

typedef struct {
  char text[4096];
  size_t lines;
  size_t ticks;
  size_t stop_after_ticks; /* 0: never stop */
} Collected;

static int collect(void *user_data, const char *line, size_t length) {
  Collected *c = user_data;
  if (line == NULL) {
    CHECK(length == 0);
    ++c->ticks;
    return c->stop_after_ticks > 0 && c->ticks >= c->stop_after_ticks;
  }
  CHECK(strlen(line) == length && memchr(line, '\n', length) == NULL);
  ++c->lines;
  strncat(c->text, line, sizeof c->text - strlen(c->text) - 2);
  strcat(c->text, "\n");
  return 0;
}

/* Cancels the session's call from another thread, once: a cancel applies to the call in progress, or to the
 * next one when it comes before the call has started. */
static int cancel_later(void *arg) {
  sleep_ms(300);
  dl_session_cancel(arg);
  return 0;
}

static int wait_updates = 0;
static int stop_waiting(void *user_data, const dl_job_status *status) {
  (void)user_data;
  CHECK(status->state == DL_STATE_RUNNING || status->state == DL_STATE_PENDING);
  return ++wait_updates >= 3;
}

static const char *submit(const char *spec, dl_job **job) {
  *job = load(path_in(tests_dir, spec), NULL, NULL, 0);
  const char *handle = NULL;
  CHECK_STATUS(dl_job_submit(*job, &handle), DL_OK);
  return handle != NULL ? handle : "local:none";
}

/* A callback that calls its own session: refused, the outer call going on. */
typedef struct {
  const char *handle;
  dl_status reentered;
  size_t calls;
} Reentry;

static int call_own_session(void *user_data, const dl_job_status *status) {
  (void)status;
  Reentry *r = user_data;
  dl_job_status inner = {.struct_size = DL_JOB_STATUS_SIZE_1_0};
  r->reentered = dl_handle_status(session, r->handle, &inner);
  size_t count = 0;
  CHECK(dl_list(session, NULL, 0, &count) == DL_ERR_USAGE);
  ++r->calls;
  return 0;
}

static int cancel_from_callback(void *user_data, const char *line, size_t length) {
  (void)user_data;
  (void)line;
  (void)length;
  dl_session_cancel(session);
  return 0;
}

static int reenter_from_logs(void *user_data, const char *line, size_t length) {
  (void)line;
  (void)length;
  Reentry *r = user_data;
  r->reentered = dl_handle_logs(session, r->handle, false, collect, &(Collected){0});
  return 1;
}

static void test_a_job_to_its_end(char *handle_out, size_t size) {
  dl_job *job = NULL;
  const char *handle = submit("hello.toml", &job);
  snprintf(handle_out, size, "%s", handle);
  CHECK(strncmp(handle, "local:hello-", 12) == 0);

  dl_job_status status = {.struct_size = DL_JOB_STATUS_SIZE_1_0};
  CHECK_STATUS(dl_handle_status(session, handle, &status), DL_OK);
  CHECK(status.state >= DL_STATE_PENDING && status.state <= DL_STATE_SUCCEEDED);

  Collected followed = {0};
  CHECK_STATUS(dl_handle_logs(session, handle, true, collect, &followed), DL_OK);
  CHECK(followed.lines == 2);
  CHECK(strstr(followed.text, "[worker/0] rank 0 of 2\n") != NULL);
  CHECK(strstr(followed.text, "[worker/1] rank 1 of 2\n") != NULL);

  int32_t exit_code = -1;
  dl_job_status final_status = {.struct_size = DL_JOB_STATUS_SIZE_1_0};
  CHECK_STATUS(dl_handle_wait(session, handle, NULL, NULL, &final_status, &exit_code), DL_OK);
  CHECK(exit_code == 0);
  CHECK(final_status.state == DL_STATE_SUCCEEDED && final_status.has_exit_code && final_status.exit_code == 0);
  CHECK(strcmp(final_status.name, "hello") == 0);
  CHECK(final_status.start_time_ms > 0 && final_status.end_time_ms >= final_status.start_time_ms);

  Collected read = {0};
  CHECK_STATUS(dl_handle_logs(session, handle, false, collect, &read), DL_OK);
  CHECK(read.lines == 2 && strcmp(read.text, followed.text) == 0);

  /* One validation is submitted once: its submission id is spent. Validated again, it is a new job. */
  const char *again = NULL;
  CHECK_STATUS(dl_job_submit(job, &again), DL_ERR_USAGE);
  CHECK(strstr(dl_last_error(session), "submitted already") != NULL);
  CHECK_STATUS(dl_job_validate(job, NULL), DL_OK);
  CHECK_STATUS(dl_job_submit(job, &again), DL_OK);
  CHECK(again != NULL && strncmp(again, "local:hello-", 12) == 0 && strcmp(again, handle_out) != 0);
  if (again != NULL) CHECK_STATUS(dl_handle_wait(session, again, NULL, NULL, NULL, NULL), DL_OK);

  /* A callback's call on its own session is refused (not let loose on the call's state); the wait goes on. */
  Reentry reentry = {.handle = handle_out};
  CHECK_STATUS(dl_handle_wait(session, handle_out, call_own_session, &reentry, NULL, &exit_code), DL_OK);
  CHECK(reentry.calls >= 1 && reentry.reentered == DL_ERR_USAGE && exit_code == 0);
  reentry.reentered = DL_OK;
  CHECK_STATUS(dl_handle_logs(session, handle_out, false, reenter_from_logs, &reentry), DL_OK);
  CHECK(reentry.reentered == DL_ERR_USAGE);
  CHECK(strcmp(dl_last_error(session), "") == 0);
  dl_job_free(job);

  /* A failing job: its own exit code, through wait. */
  const char *failing = submit("fails.toml", &job);
  CHECK_STATUS(dl_handle_wait(session, failing, NULL, NULL, NULL, &exit_code), DL_OK);
  CHECK(exit_code == 3);
  dl_job_free(job);
}

static void test_a_long_job(char *handle_out, size_t size) {
  dl_job *job = NULL;
  const char *handle = submit("sleeps.toml", &job);
  snprintf(handle_out, size, "%s", handle);

  /* Following a job that writes nothing: idle ticks, until the callback stops. (The test's TIMEOUT bounds the
   * time; a follow that ticked no more would hang it.) */
  Collected idle = {.stop_after_ticks = 5};
  CHECK_STATUS(dl_handle_logs(session, handle, true, collect, &idle), DL_OK);
  CHECK(idle.ticks == 5);

  /* dl_session_cancel from another thread ends a follow, then a wait: one cancel each, which ends the call
   * whether it comes during the call or just before it starts. */
  thrd_t thread;
  CHECK(thrd_create(&thread, cancel_later, session) == thrd_success);
  Collected cancelled = {0};
  CHECK_STATUS(dl_handle_logs(session, handle, true, collect, &cancelled), DL_ERR_CANCELLED);
  CHECK(strcmp(dl_last_error_code(session), "cancelled") == 0);
  thrd_join(thread, NULL);

  CHECK(thrd_create(&thread, cancel_later, session) == thrd_success);
  CHECK_STATUS(dl_handle_wait(session, handle, NULL, NULL, NULL, NULL), DL_ERR_CANCELLED);
  thrd_join(thread, NULL);

  /* A cancel sent before the call applies to it; the call ends uncancelled, so the next one runs. */
  dl_session_cancel(session);
  CHECK_STATUS(dl_handle_wait(session, handle, NULL, NULL, NULL, NULL), DL_ERR_CANCELLED);
  dl_session_cancel(session);
  CHECK_STATUS(dl_handle_logs(session, handle, true, collect, &(Collected){0}), DL_ERR_CANCELLED);
  dl_job_status now = {.struct_size = DL_JOB_STATUS_SIZE_1_0};
  CHECK_STATUS(dl_handle_status(session, handle, &now), DL_OK);
  /* dl_session_cancel is the call a callback may make on its own session. */
  CHECK_STATUS(dl_handle_logs(session, handle, true, cancel_from_callback, NULL), DL_ERR_CANCELLED);

  /* A wait's callback stops it after its third update. */
  CHECK_STATUS(dl_handle_wait(session, handle, stop_waiting, NULL, NULL, NULL), DL_ERR_CANCELLED);
  CHECK(wait_updates == 3);

  /* Delete while running is refused; stop, then the job is STOPPED (exit code 1, as `dlaunch run --wait`). */
  CHECK_STATUS(dl_handle_delete(session, handle), DL_ERR_REFUSED);
  CHECK(strcmp(dl_last_error_code(session), "failed_precondition") == 0);
  CHECK_STATUS(dl_handle_stop(session, handle), DL_OK);
  int32_t exit_code = -1;
  dl_job_status final_status = {.struct_size = DL_JOB_STATUS_SIZE_1_0};
  CHECK_STATUS(dl_handle_wait(session, handle, NULL, NULL, &final_status, &exit_code), DL_OK);
  CHECK(final_status.state == DL_STATE_STOPPED && exit_code == 1);
  CHECK_STATUS(dl_handle_stop(session, handle), DL_OK); /* a finished job: not an error */
  CHECK_STATUS(dl_handle_delete(session, handle), DL_OK);
  CHECK_STATUS(dl_handle_status(session, handle, &final_status), DL_ERR_REFUSED);
  CHECK(strcmp(dl_last_error_code(session), "not_found") == 0);
  dl_job_free(job);
}

/* Output of 2.5 MiB and no newline (the test plugin "good", job "long-line"): lines of 1 MiB at most, every
 * byte handed out. (The local platform ends long lines itself.) */
typedef struct {
  size_t lines, longest, xs;
} Sizes;

static int measure(void *user_data, const char *line, size_t length) {
  Sizes *s = user_data;
  if (line == NULL) return 0;
  ++s->lines;
  if (length > s->longest) s->longest = length;
  for (size_t i = 0; i < length; ++i) s->xs += line[i] == 'x';
  return 0;
}

static void test_a_line_without_end(void) {
  const char *dirs[] = {DLAUNCH_TEST_PLUGIN_DIR};
  dl_session_options options = {.struct_size = DL_SESSION_OPTIONS_SIZE_1_0, .api_major = DL_CLIENT_API_MAJOR,
                                .api_minor = DL_CLIENT_API_MINOR, .plugin_dirs = dirs, .plugin_dir_count = 1};
  dl_session *s = NULL;
  CHECK(dl_session_open(&options, &s) == DL_OK);
  Sizes sizes = {0};
  CHECK(dl_handle_logs(s, "good:long-line", false, measure, &sizes) == DL_OK);
  CHECK(sizes.xs == 40 * 64 * 1024);
  CHECK(sizes.longest == 1048576 && sizes.lines == 3);
  dl_session_close(s);
}

static void test_handles_that_do_not_work(void) {
  dl_job_status status = {.struct_size = DL_JOB_STATUS_SIZE_1_0};
  CHECK_STATUS(dl_handle_status(session, "no-colon", &status), DL_ERR_USAGE);
  CHECK(strcmp(dl_last_error_code(session), "invalid_request") == 0);
  CHECK_STATUS(dl_handle_status(session, "nosuch:x", &status), DL_ERR_USAGE); /* no such platform */
  CHECK(strstr(dl_last_error(session), "no plugin for platform 'nosuch'") != NULL);
  CHECK_STATUS(dl_handle_stop(session, "local:hello-000000"), DL_ERR_REFUSED);
  CHECK(strcmp(dl_last_error_code(session), "not_found") == 0);
  CHECK_STATUS(dl_handle_logs(session, "local:hello-000000", false, collect, &(Collected){0}), DL_ERR_REFUSED);
  CHECK_STATUS(dl_handle_wait(session, "local:hello-000000", NULL, NULL, NULL, NULL), DL_ERR_REFUSED);
  CHECK_STATUS(dl_handle_delete(session, NULL), DL_ERR_USAGE);
  CHECK_STATUS(dl_handle_logs(session, "local:x", false, NULL, NULL), DL_ERR_USAGE);
  dl_job_status small = {.struct_size = 8};
  CHECK_STATUS(dl_handle_status(session, "local:x", &small), DL_ERR_USAGE);
  /* A success clears the last error. */
  size_t count = 0;
  CHECK_STATUS(dl_plugins(session, &count), DL_OK);
  CHECK(strcmp(dl_last_error(session), "") == 0 && strcmp(dl_last_error_code(session), "") == 0);
}

static void test_list(const char *finished, const char *deleted) {
  size_t count = 0;
  CHECK_STATUS(dl_list(session, NULL, 0, &count), DL_OK);
  CHECK(count >= 3);
  bool saw_finished = false, saw_deleted = false;
  for (size_t i = 0; i < count; ++i) {
    dl_journal_entry e = {.struct_size = DL_JOURNAL_ENTRY_SIZE_1_0};
    CHECK_STATUS(dl_list_entry(session, i, &e), DL_OK);
    if (strcmp(e.handle, finished) == 0) {
      saw_finished = true;
      CHECK(strcmp(e.name, "hello") == 0 && strcmp(e.platform, "local") == 0);
      CHECK(e.journal_state == DL_JOURNAL_SUBMITTED && e.has_state && e.state == DL_STATE_SUCCEEDED);
      CHECK(e.submitted_ms > 0 && strstr(e.spec_file, "hello.toml") != NULL);
      CHECK(strcmp(e.sweep, "") == 0 && strcmp(e.error, "") == 0 && strlen(e.submission_id) > 0);
    }
    if (strcmp(e.handle, deleted) == 0) {
      saw_deleted = true;
      CHECK(!e.has_state); /* the platform forgot it; the journal did not */
      dl_journal_entry newer = {.struct_size = DL_JOURNAL_ENTRY_SIZE_1_1, .state_unknown = true};
      CHECK_STATUS(dl_list_entry(session, i, &newer), DL_OK);
      CHECK(!newer.has_state && !newer.state_unknown); /* gone, not unknown */
    }
  }
  CHECK(saw_finished && saw_deleted);
  dl_journal_entry e = {.struct_size = DL_JOURNAL_ENTRY_SIZE_1_0};
  CHECK(dl_list_entry(session, count, &e) == DL_ERR_USAGE);
  CHECK_STATUS(dl_list(session, NULL, 1, &count), DL_OK);
  CHECK(count == 1);
  CHECK_STATUS(dl_list_entry(session, 0, &e), DL_OK);
  CHECK(strcmp(e.handle, deleted) == 0); /* newest first */
  CHECK_STATUS(dl_list(session, "ray", 0, &count), DL_OK);
  CHECK(count == 0);
  CHECK_STATUS(dl_list(session, NULL, 0, NULL), DL_ERR_USAGE);
  CHECK(dl_list_warning_count(session) == 0 && dl_list_warning(session, 0) == NULL);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

/* A platform that cannot be asked: its jobs' states are unknown (not gone), and a warning says why. The
 * "local" plugin found first is one whose library cannot be loaded. */
static void test_list_when_a_platform_cannot_be_asked(const char *work_dir, const char *journal,
                                                      const char *finished) {
  char plugins[4096], local[4200];
  snprintf(plugins, sizeof plugins, "%s/broken-plugins", work_dir);
  snprintf(local, sizeof local, "%s/local", plugins);
  CHECK(mkdir(plugins, 0755) == 0 && mkdir(local, 0755) == 0);
  write_file(path_in(local, "plugin.json"),
             "{\"manifest_version\": 2, \"id\": \"local\", \"library\": \"libdlaunch-local.so\", \"version\": \"0\",\n"
             " \"description\": \"cannot be loaded\", \"abi\": {\"major\": 1, \"minor\": 0, \"min_host_minor\": 0},\n"
             " \"options\": []}\n");
  write_file(path_in(local, "libdlaunch-local.so"), "not a library\n");
  const char *dirs[] = {plugins};
  dl_session_options options = {.struct_size = DL_SESSION_OPTIONS_SIZE_1_0, .api_major = DL_CLIENT_API_MAJOR,
                                .api_minor = DL_CLIENT_API_MINOR, .plugin_dirs = dirs, .plugin_dir_count = 1,
                                .state_dir = journal};
  dl_session *broken = NULL;
  CHECK(dl_session_open(&options, &broken) == DL_OK);
  size_t count = 0;
  CHECK(dl_list(broken, "local", 0, &count) == DL_OK);
  bool saw_finished = false;
  for (size_t i = 0; i < count; ++i) {
    dl_journal_entry e = {.struct_size = DL_JOURNAL_ENTRY_SIZE_1_1};
    CHECK(dl_list_entry(broken, i, &e) == DL_OK);
    if (strcmp(e.handle, finished) != 0) continue;
    saw_finished = true;
    CHECK(!e.has_state && e.state_unknown);
  }
  CHECK(saw_finished);
  CHECK(dl_list_warning_count(broken) == 1);
  const char *warning = dl_list_warning(broken, 0);
  CHECK(warning != NULL && strstr(warning, "the states of local jobs are unknown") != NULL);
  CHECK(dl_list_warning(broken, 1) == NULL);
  dl_session_close(broken);
}

/* Does `text` show none of the secrets? Says which it shows. */
static bool shows_no_secret(const char *what, const char *text) {
  static const char *const secrets[] = {"config-secret-4711", "option-secret-1234", "env-secret-0815"};
  for (size_t i = 0; i < sizeof secrets / sizeof *secrets; ++i) {
    if (text != NULL && strstr(text, secrets[i]) != NULL) {
      fprintf(stderr, "%s shows the secret %s:\n%s\n", what, secrets[i], text);
      return false;
    }
  }
  return true;
}

/* A Slurm token (a secret option) from the configuration, an option (--set) or the environment (SLURM_JWT, set
 * by CTest): nothing the API returns shows it, only "***". The submit fails (nothing listens on port 9). */
static void test_secrets_are_never_shown(const char *journal) {
  dl_session_options options = {.struct_size = DL_SESSION_OPTIONS_SIZE_1_0, .api_major = DL_CLIENT_API_MAJOR,
                                .api_minor = DL_CLIENT_API_MINOR, .state_dir = journal,
                                .config_file = path_in(tests_dir, "secret-config.toml")};
  dl_session *s = NULL;
  CHECK(dl_session_open(&options, &s) == DL_OK);
  const char *with_option[] = {"platform.slurm.token=\"option-secret-1234\""};
  const char *with_env[] = {"platform.slurm.url=\"http://127.0.0.1:9\""};
  struct {
    dl_session *session;
    const char *const *overrides;
  } cases[] = {{s, NULL}, {s, with_option}, {session, with_env}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
    dl_job_source source = {.struct_size = DL_JOB_SOURCE_SIZE_1_0, .file = path_in(tests_dir, "hello.toml"),
                            .overrides = cases[i].overrides, .override_count = cases[i].overrides != NULL};
    dl_job *job = NULL;
    CHECK(dl_job_load(cases[i].session, &source, &job) == DL_OK);
    CHECK(dl_job_validate(job, "slurm") == DL_OK);
    const char *text = NULL;
    CHECK(dl_job_document(job, &text) == DL_OK && shows_no_secret("the document", text));
    CHECK(dl_job_dry_run(job, &text) == DL_OK && shows_no_secret("the dry run", text));
    CHECK(strstr(text, "X-SLURM-USER-TOKEN: ***") != NULL);
    CHECK(dl_job_submit(job, &text) == DL_ERR_UNAVAILABLE);
    CHECK(shows_no_secret("the submit's error", dl_last_error(cases[i].session)));
    dl_job_free(job);
  }
  size_t count = 0;
  CHECK(dl_list(s, "slurm", 0, &count) == DL_OK && count == 3);
  for (size_t i = 0; i < count; ++i) {
    dl_journal_entry e = {.struct_size = DL_JOURNAL_ENTRY_SIZE_1_1};
    CHECK(dl_list_entry(s, i, &e) == DL_OK);
    /* Slurm could not be reached: whether it got the job is for a later list to settle (the journal then holds
     * no error yet, nor anything else of the secret). */
    CHECK(e.journal_state == DL_JOURNAL_SUBMITTING && shows_no_secret("the journal's error", e.error));
  }
  dl_session_close(s);
}

static bool has_plugin(const char *id) {
  size_t count = 0;
  CHECK_STATUS(dl_plugins(session, &count), DL_OK);
  for (size_t i = 0; i < count; ++i) {
    dl_plugin_info p = {.struct_size = DL_PLUGIN_INFO_SIZE_1_0};
    if (dl_plugin(session, i, &p) == DL_OK && strcmp(p.id, id) == 0) return true;
  }
  return false;
}

static void test_plugins(void) {
  size_t count = 0;
  CHECK_STATUS(dl_plugins(session, &count), DL_OK);
  bool saw_local = false;
  for (size_t i = 0; i < count; ++i) {
    dl_plugin_info p = {.struct_size = DL_PLUGIN_INFO_SIZE_1_0};
    CHECK_STATUS(dl_plugin(session, i, &p), DL_OK);
    if (strcmp(p.id, "local") != 0) continue;
    saw_local = true;
    CHECK(strlen(p.version) > 0 && strlen(p.description) > 0 && p.abi_major == 1);
    /* Found beside libdlaunch.so: no plugin directory was given, and the test runs outside bin/. */
    CHECK(strstr(p.directory, "/lib/dlaunch/plugins/local") != NULL);
  }
  CHECK(saw_local);
  dl_plugin_info p = {.struct_size = DL_PLUGIN_INFO_SIZE_1_0};
  CHECK_STATUS(dl_plugin(session, count, &p), DL_ERR_USAGE);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: client_test TESTS_DIR WORK_DIR\n");
    return 2;
  }
  tests_dir = argv[1];
  test_sessions(argv[2]);

  char journal[4096];
  snprintf(journal, sizeof journal, "%s/journal", argv[2]);
  dl_session_options options = {.struct_size = DL_SESSION_OPTIONS_SIZE_1_0, .api_major = DL_CLIENT_API_MAJOR,
                                .api_minor = DL_CLIENT_API_MINOR, .state_dir = journal};
  if (dl_session_open(&options, &session) != DL_OK) {
    fprintf(stderr, "cannot open a session: %s\n", dl_last_error(session));
    return 1;
  }
  test_validation_of_a_file();
  test_validation_of_text();
  test_document_and_dry_run();
  test_sessions_in_threads();
  char finished[256], deleted[256];
  test_a_job_to_its_end(finished, sizeof finished);
  test_a_line_without_end();
  test_a_long_job(deleted, sizeof deleted);
  test_handles_that_do_not_work();
  test_list(finished, deleted);
  test_list_when_a_platform_cannot_be_asked(argv[2], journal, finished);
  test_plugins();
  /* The sanitizer build (scripts/sanitize.sh) builds the local plugin alone. */
  if (has_plugin("slurm")) {
    test_secrets_are_never_shown(journal);
  } else {
    fprintf(stderr, "client_test: no slurm plugin in this build: the secrets are not checked\n");
  }
  dl_session_close(session);
  if (failures > 0) fprintf(stderr, "%d checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
