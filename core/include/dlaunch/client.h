/*
 * dlaunch client API, version 1.1.
 *
 * For programs that USE dlaunch: load a job spec, validate it, submit it and follow it, from C or from any
 * language that calls C (Python's ctypes). The library is libdlaunch.so; it runs dlaunch's own core, so a job
 * submitted here is the job `dlaunch run` would submit, journaled the same way. (Plugins implement the other
 * C contract, sdk/include/dlaunch/plugin.h; the two share no type.) See docs/client-api.md.
 *
 * Rules that hold for every declaration below:
 *  - Versioning: dl_session_open takes the DL_CLIENT_API_MAJOR/MINOR the caller was built with; a major that
 *    differs from the library's is refused. Within one major, every struct only grows at its end and no
 *    function changes.
 *  - Sizes: each struct starts with `struct_size`, set by whoever allocated it to the DL_<NAME>_SIZE_<MAJOR>_<MINOR>
 *    constant of the newest version whose fields it knows (never sizeof). The library reads and fills only the
 *    fields that struct_size covers; a struct_size below the 1.0 size is DL_ERR_USAGE.
 *  - Strings are NUL-terminated UTF-8. A string field the library fills is never NULL ("" when it has no value).
 *  - Ownership: every pointer passed in is borrowed for the call; the library copies what it keeps. Every pointer
 *    handed out is owned by the library, and each says beside it how long it stays valid; copy what you keep.
 *    Objects are freed only with their own function (dl_session_close, dl_job_free).
 *  - Errors are values: every dl_status function returns DL_OK or a DL_ERR_* code, and never aborts, exits or
 *    throws. The codes ARE the exit codes `dlaunch` documents, so a program may exit with them. After a failed
 *    call, dl_last_error(session) says what went wrong in dlaunch's words.
 *  - Threads: a session, and the jobs loaded through it, are used by one thread at a time (calls on them are
 *    not synchronised). Different sessions are independent and may be used from different threads at once.
 *    dl_session_cancel is the exception: it may be called from any thread at any time. Callbacks are called on
 *    the thread that made the call they were passed to, during that call only.
 *  - Re-entry: a callback may not call its own session (nor a job of it), except dl_session_cancel: such a
 *    call returns DL_ERR_USAGE and changes nothing, dl_last_error included. It may use another session. It
 *    never calls dl_session_close or dl_job_free on the session or job in use.
 *  - The library installs no signal handler and prints nothing but what plugins log (warnings, on stderr).
 */
#ifndef DLAUNCH_CLIENT_H_
#define DLAUNCH_CLIENT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DL_CLIENT_API_MAJOR 1
#define DL_CLIENT_API_MINOR 1

/* What marks the functions of libdlaunch: exported when the library itself is built (its build defines
 * DL_CLIENT_BUILDING), imported by the programs that use it. */
#if defined(_WIN32)
#if defined(DL_CLIENT_BUILDING)
#define DL_CLIENT_API __declspec(dllexport)
#else
#define DL_CLIENT_API __declspec(dllimport)
#endif
#elif defined(DL_CLIENT_BUILDING)
#define DL_CLIENT_API __attribute__((visibility("default")))
#else
#define DL_CLIENT_API
#endif

/* Size of a struct up to and including `last_field` (plugin.h's rule: trailing padding never passes for a field
 * of a later minor). */
#define DL_STRUCT_SIZE(type, last_field) (offsetof(type, last_field) + sizeof(((type *)0)->last_field))

/* ------------------------------------------------------------------------------------------------------ */
/* Status codes: the exit codes of `dlaunch` (dlaunch --help, docs/cli.md). The CLI takes its exit codes from
 * this table. A caller treats a code it does not know (from a newer minor) as DL_ERR_INTERNAL. */

typedef int32_t dl_status;
enum {
  DL_OK = 0,
  /* No such job; or not possible in the job's state (delete while running); or not offered by the platform.
   * dl_last_error_code says which: "not_found", "failed_precondition" or "unimplemented". */
  DL_ERR_REFUSED = 1,
  DL_ERR_USAGE = 64,           /* the call was malformed: a NULL argument, a bad handle, an unknown platform */
  DL_ERR_INVALID = 65,         /* the spec or the configuration is invalid; nothing was submitted */
  DL_ERR_UNREADABLE = 66,      /* the spec file is missing or unreadable */
  DL_ERR_UNAVAILABLE = 69,     /* the platform cannot be reached */
  DL_ERR_INTERNAL = 70,        /* a bug, a plugin that misbehaved, a journal that cannot be written */
  DL_ERR_TEMPORARY = 75,       /* worth retrying later */
  DL_ERR_UNAUTHENTICATED = 77, /* credentials missing or refused by the platform */
  DL_ERR_CANCELLED = 130       /* dl_session_cancel ended the call (the job goes on) */
};

/* Job states, as plugin.h's DLAUNCH_STATE_* (the same numbers). A state this caller does not know is UNKNOWN. */
enum {
  DL_STATE_UNKNOWN = 0,
  DL_STATE_PENDING = 1,
  DL_STATE_RUNNING = 2,
  DL_STATE_SUCCEEDED = 3, /* terminal */
  DL_STATE_FAILED = 4,    /* terminal */
  DL_STATE_STOPPED = 5    /* terminal */
};

/* Diagnostic severities. A caller counts a severity it does not know as an error. */
enum { DL_SEVERITY_ERROR = 0, DL_SEVERITY_WARNING = 1 };

/* ------------------------------------------------------------------------------------------------------ */
/* Sessions                                                                                                */

typedef struct dl_session dl_session;

typedef struct dl_session_options {
  size_t struct_size;
  uint32_t api_major; /* DL_CLIENT_API_MAJOR */
  uint32_t api_minor; /* DL_CLIENT_API_MINOR */
  /* Directories searched for plugins first, in order (as --plugin-dir); NULL when plugin_dir_count is 0. After
   * them, as for the CLI: the configuration's plugin_dirs, DLAUNCH_PLUGIN_PATH, $XDG_DATA_HOME/dlaunch/plugins,
   * <prefix>/lib/dlaunch/plugins of the running executable, and lib/dlaunch/plugins beside libdlaunch.so itself
   * (so a package shipping lib/libdlaunch.so and lib/dlaunch/plugins/<id>/ finds its plugins). */
  const char *const *plugin_dirs;
  size_t plugin_dir_count;
  /* The configuration file (as --config); NULL for $XDG_CONFIG_HOME/dlaunch/config.toml when it exists. */
  const char *config_file;
  /* The journal's directory; NULL for $XDG_STATE_HOME/dlaunch (~/.local/state/dlaunch), the CLI's. Plugins keep
   * their own state under $XDG_STATE_HOME/dlaunch/plugins whatever this says (a plugin is set up once per
   * process). */
  const char *state_dir;
} dl_session_options;
#define DL_SESSION_OPTIONS_SIZE_1_0 DL_STRUCT_SIZE(dl_session_options, state_dir)

/* Opens a session: reads the configuration; finds plugins and the journal when first needed. On failure
 * (DL_ERR_USAGE for a bad options struct or another major, DL_ERR_INVALID for a broken configuration, its
 * located findings in the message) *out_session is still set, unless it is NULL or memory ran out, to a session
 * that answers only dl_last_error, dl_last_error_code and dl_session_close. The session is the caller's: close
 * it with dl_session_close. */
DL_CLIENT_API dl_status dl_session_open(const dl_session_options *options, dl_session **out_session);

/* Closes the session. Jobs loaded through it must be freed before. NULL is allowed. */
DL_CLIENT_API void dl_session_close(dl_session *session);

/* The message of the last call on this session that failed, compiler-style findings included (several lines);
 * "" when the last call succeeded. Calls that only read what an earlier one returned (dl_job_diagnostic_count,
 * dl_job_diagnostic, dl_job_diagnostics_text, dl_list_entry, dl_list_warning) leave it as it is. Owned by the
 * session; valid until the next call on it. NULL session: "". */
DL_CLIENT_API const char *dl_last_error(const dl_session *session);

/* The cause of the last failure as a stable word, the "code" of `dlaunch -o json` errors: "not_found",
 * "failed_precondition", "unimplemented", "invalid_request", "invalid_argument", "unreadable", "unavailable",
 * "unauthenticated", "temporary", "cancelled", "internal"; "" after a success. Static storage. */
DL_CLIENT_API const char *dl_last_error_code(const dl_session *session);

/* Asks the blocking call in progress on `session` (dl_handle_logs, dl_handle_wait, or a plugin operation that
 * polls for cancellation) to end; it returns DL_ERR_CANCELLED soon after (plugins look at least every 250 ms,
 * the library every 100 ms). The job itself goes on.
 * A cancel applies to the call in progress, or, when none is, to the next call on the session (so a cancel
 * sent just before a call starts is not lost); every call ends with the session uncancelled, whether the
 * cancel ended it or came too late to. A call that does not block may return DL_OK all the same.
 * [thread-safe: any thread, any time while the session is open] */
DL_CLIENT_API void dl_session_cancel(dl_session *session);

/* ------------------------------------------------------------------------------------------------------ */
/* Jobs: a spec, validated for a platform, then printed, dry-run or submitted                              */

typedef struct dl_job dl_job;

typedef struct dl_job_source {
  size_t struct_size;
  /* The spec file (.json is JSON, anything else TOML), read at each validation. With `text`: only the name
   * diagnostics give the spec (NULL: "<text>"). */
  const char *file;
  /* The spec itself, or NULL to read `file`: TOML, or JSON when it starts with '{' (as `dlaunch run -`).
   * Relative paths in it (working_dir) are relative to the current directory. */
  const char *text;
  /* "KEY=VALUE" overrides, as --set, applied in order (roles.trainer.replicas=4); NULL when the count is 0. */
  const char *const *overrides;
  size_t override_count;
  /* Arguments appended to the driver role's entrypoint, as `dlaunch run SPEC -- ARGS...`; NULL when 0. */
  const char *const *driver_args;
  size_t driver_arg_count;
} dl_job_source;
#define DL_JOB_SOURCE_SIZE_1_0 DL_STRUCT_SIZE(dl_job_source, driver_arg_count)

/* Makes a job of a spec; copies `source`. Nothing is read or checked until dl_job_validate. The job is the
 * caller's: free it with dl_job_free, before its session is closed. */
DL_CLIENT_API dl_status dl_job_load(dl_session *session, const dl_job_source *source, dl_job **out_job);

/* Frees the job. NULL is allowed. */
DL_CLIENT_API void dl_job_free(dl_job *job);

/* Validates the job for `platform` (as -p; NULL or "" for the spec's own, else local): parse, overrides,
 * schema, semantics, then the platform's options and the plugin's own check. Every finding becomes a
 * diagnostic (dl_job_diagnostic), warnings too, and the job passes when none is an error: DL_OK. Otherwise
 * DL_ERR_INVALID (65), or DL_ERR_UNREADABLE (66) for a spec file that cannot be read, or the plugin's failure.
 * A spec with a [sweep] table is DL_ERR_USAGE: sweeps are `dlaunch run`'s. Each validation makes a new
 * submission id, the key that makes one submission of it (see dl_job_submit). */
DL_CLIENT_API dl_status dl_job_validate(dl_job *job, const char *platform);

/* One finding. Every string owned by the job; valid until the next dl_job_validate or dl_job_free. */
typedef struct dl_diagnostic {
  size_t struct_size;
  int32_t severity;    /* DL_SEVERITY_* */
  const char *file;    /* the spec file as given, "<override N>" for a --set value; "" when unknown */
  uint32_t line;       /* from 1; 0 when unknown */
  uint32_t column;     /* from 1; 0 when unknown */
  const char *path;    /* the key path, e.g. "roles[1].resources.memory"; "" for the whole spec */
  const char *message;
  const char *hint;    /* e.g. "did you mean 'replicas'?"; "" when none */
} dl_diagnostic;
#define DL_DIAGNOSTIC_SIZE_1_0 DL_STRUCT_SIZE(dl_diagnostic, hint)

/* The number of findings of the last validation (0 before any); sorted by position, as the CLI prints them. */
DL_CLIENT_API size_t dl_job_diagnostic_count(const dl_job *job);

/* Fills `out` (its struct_size set by the caller) with finding `index`. DL_ERR_USAGE when out of range. */
DL_CLIENT_API dl_status dl_job_diagnostic(const dl_job *job, size_t index, dl_diagnostic *out);

/* Every finding of the last validation, compiler style as `dlaunch validate` prints them ("file:line:col:
 * error: message (at path)", a hint on a line of its own), each line ending in '\n'; "" when there is none.
 * Owned by the job; valid until the next dl_job_validate or dl_job_free. */
DL_CLIENT_API const char *dl_job_diagnostics_text(const dl_job *job);

/* The three calls below work on the last validation, and validate for the spec's own platform first when the
 * job was never validated; after a failed validation they return its status again. Each text is owned by the
 * job and valid until the next call on the job or dl_job_free. */

/* The normalized job document (docs/job-document.md): the JSON the platform's plugin is handed and the journal
 * keeps, byte for byte, secret options and secret-looking environment variables (HF_TOKEN, WANDB_API_KEY, ...)
 * as "***". Two specs that say the same job give the same text. */
DL_CLIENT_API dl_status dl_job_document(dl_job *job, const char **out_json);

/* The platform-native request, as `dlaunch run --dry-run` prints it, secrets as "***". Sends nothing. */
DL_CLIENT_API dl_status dl_job_dry_run(dl_job *job, const char **out_text);

/* Journals and submits the job; *out_handle is its handle "PLATFORM:NATIVE_ID", as `dlaunch run` prints it.
 * One validation is submitted at most once: a second dl_job_submit after a success is DL_ERR_USAGE (validate
 * again, a new submission id, to submit the job once more). After a failure, submitting again retries with the
 * same submission id, so a platform that did take the job does not run it twice. */
DL_CLIENT_API dl_status dl_job_submit(dl_job *job, const char **out_handle);

/* ------------------------------------------------------------------------------------------------------ */
/* Submitted jobs, named by handle "PLATFORM:NATIVE_ID" (borrowed for the call). A handle the journal does not
 * know works as well, with the platform's options from the configuration.                                  */

typedef struct dl_job_status {
  size_t struct_size;
  int32_t state;            /* DL_STATE_* */
  bool has_exit_code;
  int32_t exit_code;        /* the job's own exit code, when has_exit_code */
  uint32_t restarts;        /* restarts done so far under failover.max_restarts */
  int64_t start_time_ms;    /* Unix epoch milliseconds; 0 when unknown */
  int64_t end_time_ms;      /* 0 when unknown or still running */
  /* Owned by the session; valid until the next call on it (within a dl_handle_wait callback: until it returns). */
  const char *name;         /* the job's name, "" when the platform does not say */
  const char *native_state; /* the platform's own word for the state */
  const char *message;      /* why it is in that state, when the platform says */
} dl_job_status;
#define DL_JOB_STATUS_SIZE_1_0 DL_STRUCT_SIZE(dl_job_status, message)

/* The job's status now, as `dlaunch status HANDLE`. */
DL_CLIENT_API dl_status dl_handle_status(dl_session *session, const char *handle, dl_job_status *out);

/* Called as a wait goes on with the status of each poll: after every poll, polls at most 200 ms apart (plus
 * the time the platform takes to answer). `status` is borrowed for the call. Returns nonzero to stop waiting
 * (dl_handle_wait then returns DL_ERR_CANCELLED). */
typedef int (*dl_wait_fn)(void *user_data, const dl_job_status *status);

/* Waits until the job is terminal, as `dlaunch status HANDLE --wait`. On DL_OK, *out_exit_code (when not NULL)
 * is the exit code `dlaunch run --wait` would end with: 0 when the job succeeded, its own exit code when it
 * failed with one, else 1 (stopped, or failed without a code); and `out_final` (when not NULL) its last status.
 * `on_update` may be NULL. Ends with DL_ERR_CANCELLED when on_update returns nonzero or dl_session_cancel is
 * called; the job goes on. */
DL_CLIENT_API dl_status dl_handle_wait(dl_session *session, const char *handle, dl_wait_fn on_update, void *user_data,
                                dl_job_status *out_final, int32_t *out_exit_code);

/* Receives the job's output line by line: `line` without its '\n' (the last line of a finished output may have
 * had none), `length` bytes before its NUL; borrowed for the call. A line longer than 1 MiB (1048576 bytes)
 * comes in pieces of 1 MiB, each handed out as a line, the rest after them: a job that writes no '\n' does not
 * make the library hold its output without bound. While no output comes (following a quiet job,
 * or a platform slow to answer) it is also called at least every 200 ms with line NULL and length 0 (an idle
 * tick), so the caller can stop. Returns nonzero to stop. */
typedef int (*dl_line_fn)(void *user_data, const char *line, size_t length);

/* The job's output from the start, as `dlaunch logs HANDLE [-f]`; with `follow`, until the job is terminal.
 * Returns DL_OK at the end of the output, or as soon as on_line returns nonzero; DL_ERR_CANCELLED when
 * dl_session_cancel ended it. */
DL_CLIENT_API dl_status dl_handle_logs(dl_session *session, const char *handle, bool follow, dl_line_fn on_line,
                                void *user_data);

/* Asks the platform to stop the job, as `dlaunch stop`. Stopping a finished job is not an error. */
DL_CLIENT_API dl_status dl_handle_stop(dl_session *session, const char *handle);

/* Makes the platform forget a finished job, as `dlaunch delete`. A running job: DL_ERR_REFUSED
 * ("failed_precondition"). The journal keeps its record. */
DL_CLIENT_API dl_status dl_handle_delete(dl_session *session, const char *handle);

/* ------------------------------------------------------------------------------------------------------ */
/* The journal's jobs, and the installed plugins                                                            */

/* Where a journaled job got to on this machine. */
enum {
  DL_JOURNAL_SUBMITTING = 0,   /* the intent is recorded; the submit has not returned (or the process died, or
                                * it ended interrupted or cut off from the platform, which may have got it) */
  DL_JOURNAL_SUBMITTED = 1,    /* the platform took it: the handle is known */
  DL_JOURNAL_SUBMIT_FAILED = 2 /* the platform refused it: see error */
};

/* Every string owned by the session; valid until the next dl_list or dl_session_close. */
typedef struct dl_journal_entry {
  size_t struct_size;
  const char *handle;        /* "PLATFORM:NATIVE_ID"; "" until submitted */
  const char *submission_id; /* unique per submission */
  const char *platform;
  const char *name;          /* the job's name */
  const char *spec_file;     /* absolute; "" for a spec given as text */
  const char *sweep;         /* "sweep:ID" when the job is one of a sweep's, else "" */
  const char *error;         /* why the submit failed (DL_JOURNAL_SUBMIT_FAILED), else "" */
  int32_t journal_state;     /* DL_JOURNAL_* */
  bool has_state;            /* false: the platform no longer has the job, or could not be asked */
  int32_t state;             /* DL_STATE_*, when has_state */
  int64_t submitted_ms;      /* Unix epoch milliseconds of the submit */
  /* 1.1. True: the platform could not be asked (unreachable, its plugin broken; dl_list_warning says why), so
   * the state is unknown and the job may well go on. False with has_state false for a submitted job: the
   * platform no longer has it. */
  bool state_unknown;
} dl_journal_entry;
#define DL_JOURNAL_ENTRY_SIZE_1_0 DL_STRUCT_SIZE(dl_journal_entry, submitted_ms)
#define DL_JOURNAL_ENTRY_SIZE_1_1 DL_STRUCT_SIZE(dl_journal_entry, state_unknown)

/* Reads the journal's jobs, newest first, as `dlaunch list`: only `platform`'s (NULL or "": every platform's),
 * at most `limit` (0: all), each with its state now (each platform asked once). First, as `dlaunch list`, the
 * submits a killed program left unfinished (DL_JOURNAL_SUBMITTING) are settled with their platforms where they
 * can be. *out_count is how many. A platform that cannot be asked is no failure: its jobs come with
 * state_unknown, and a warning says why (dl_list_warning). */
DL_CLIENT_API dl_status dl_list(dl_session *session, const char *platform, size_t limit, size_t *out_count);

/* 1.1. The warnings of the last dl_list, which `dlaunch list` prints on stderr: one line each, e.g. "the states
 * of ray jobs are unknown: ...". dl_list_warning is NULL when `index` is out of range. Owned by the session;
 * valid until the next dl_list or dl_session_close. NULL session: 0, NULL. */
DL_CLIENT_API size_t dl_list_warning_count(const dl_session *session);
DL_CLIENT_API const char *dl_list_warning(const dl_session *session, size_t index);

/* Fills `out` with job `index` of the last dl_list (the fields its struct_size covers). DL_ERR_USAGE when out
 * of range. */
DL_CLIENT_API dl_status dl_list_entry(dl_session *session, size_t index, dl_journal_entry *out);

/* Every string owned by the session; valid until dl_session_close. */
typedef struct dl_plugin_info {
  size_t struct_size;
  const char *id;          /* the platform id, e.g. "local" */
  const char *version;     /* the plugin's own version */
  const char *description; /* one line */
  const char *directory;   /* where its manifest is */
  uint32_t abi_major;      /* the plugin ABI it was built for */
  uint32_t abi_minor;
} dl_plugin_info;
#define DL_PLUGIN_INFO_SIZE_1_0 DL_STRUCT_SIZE(dl_plugin_info, abi_minor)

/* The installed plugins, as `dlaunch plugins list`: from their manifests, no plugin code loaded; the first of
 * an id in the search path wins. *out_count is how many. */
DL_CLIENT_API dl_status dl_plugins(dl_session *session, size_t *out_count);

/* Fills `out` with plugin `index`. DL_ERR_USAGE when out of range. */
DL_CLIENT_API dl_status dl_plugin(dl_session *session, size_t index, dl_plugin_info *out);

/* The release of the library, e.g. "1.0.0". Static storage. */
DL_CLIENT_API const char *dl_version(void);

#ifdef __cplusplus
}
#endif

#endif /* DLAUNCH_CLIENT_H_ */
