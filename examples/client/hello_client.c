/* Runs a job spec (default examples/hello.toml: two replicas, each printing its rank) through libdlaunch:
 * submits it, prints its output as it comes, waits for its end and exits with its exit code, as
 * `dlaunch run SPEC --follow` would. */
#include <dlaunch/client.h>
#include <stdio.h>

static int print_line(void *user_data, const char *line, size_t length) {
  (void)user_data;
  if (line != NULL) printf("%.*s\n", (int)length, line); /* NULL: no output for a while */
  return 0;                                                 /* nonzero would stop reading */
}

int main(int argc, char **argv) {
  dl_session_options options = {.struct_size = DL_SESSION_OPTIONS_SIZE_1_0,
                                .api_major = DL_CLIENT_API_MAJOR,
                                .api_minor = DL_CLIENT_API_MINOR};
  dl_job_source source = {.struct_size = DL_JOB_SOURCE_SIZE_1_0,
                          .file = argc > 1 ? argv[1] : "examples/hello.toml"};
  dl_session *session = NULL;
  dl_job *job = NULL;
  const char *handle = NULL; /* owned by the job */
  int32_t exit_code = 0;

  dl_status status = dl_session_open(&options, &session);
  if (status == DL_OK) status = dl_job_load(session, &source, &job);
  if (status == DL_OK) status = dl_job_submit(job, &handle); /* validates it for its platform first */
  if (status == DL_OK) status = dl_handle_logs(session, handle, true, print_line, NULL);
  if (status == DL_OK) status = dl_handle_wait(session, handle, NULL, NULL, NULL, &exit_code);
  if (status == DL_OK) {
    printf("%s exited with %d\n", handle, exit_code);
  } else {
    fprintf(stderr, "%s\n", dl_last_error(session)); /* located findings first, for an invalid spec */
  }
  dl_job_free(job);
  dl_session_close(session);
  return status == DL_OK ? exit_code : status;
}
