/*
 * dlaunch platform plugin ABI, version 1.
 *
 * This header is the only contract between the dlaunch host and a platform plugin. It is plain C11: no C++
 * type, exception or allocator ever crosses it. A plugin is a shared library that exports exactly one symbol,
 * `dlaunch_plugin_entry`, and ships next to a JSON manifest (see docs/writing-a-plugin.md).
 *
 * Rules that hold for every declaration below:
 *  - Versioning: the host calls the entry with its ABI major/minor before anything else. Majors must match.
 *    A plugin whose `min_host_minor` is above the host's minor is refused, and so is a table whose
 *    `min_host_minor` is above its own `abi_minor`. Within one major, every struct only grows at its end.
 *  - Sizes: each struct starts with `struct_size`, filled in by whoever allocated it with the
 *    DLAUNCH_<NAME>_SIZE_<MAJOR>_<MINOR> constant of the newest version whose fields it set — never with
 *    sizeof: a field appended in a later minor may land in today's trailing padding, and sizeof would claim
 *    it is there. The reader only touches fields that `struct_size` covers (use DLAUNCH_HAS_FIELD).
 *  - Strings are NUL-terminated UTF-8.
 *  - Ownership: "borrowed" means valid only for the duration of the call it is passed to; copy what you keep.
 *    Memory is always freed by the side that allocated it. Errors are allocated by the plugin and destroyed by
 *    the host through `error_destroy` of the same plugin.
 *  - Lifetime: the host never unloads a plugin library once it has loaded it (no dlclose): the table, its
 *    strings and option descriptions, and anything else the plugin hands out may live for the process.
 *  - Threads: every operation is [thread-safe] unless it says otherwise: the host may call it from any thread,
 *    concurrently. [load-serialized] means the host calls it with every other plugin load and init of the
 *    process held off (one loader lock), never concurrently with itself, and before any other operation of
 *    this plugin. Sinks are called only on the thread of the operation that received them, during that call.
 *  - Errors: an operation returns NULL on success, or an error object. It never throws, never aborts the host
 *    process and never calls exit().
 *  - Values from a newer minor: a later 1.x may add enum values (codes, states, levels, severities, option
 *    types, flags). A writer sends only values that exist in the other side's minor: a plugin checks the
 *    host's minor (handed to the entry) before it sends a newer value, and otherwise sends the nearest 1.0
 *    one. A reader that still meets a value it does not know handles it the way its enum says below.
 */
#ifndef DLAUNCH_PLUGIN_H_
#define DLAUNCH_PLUGIN_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DLAUNCH_ABI_MAJOR 1
#define DLAUNCH_ABI_MINOR 1
/* What each minor added (a plugin uses an addition only when the host's minor has it, and a host only when the
 * plugin's table is large enough to hold it):
 *   1.1  dlaunch_job_status.submission_id; dlaunch_plugin_api.find_submissions with dlaunch_find_args: the
 *        host asks which submissions reached the platform, to settle submits a killed dlaunch left. */

/* The newest version of the normalized job document (see docs/job-document.md) handed to plugins. The host
 * writes the lowest version that expresses the job: 1 unless the job uses a field of version 2 (an elastic
 * range, a per-role restart limit, a failover scope, torchrun, a start timeout, a priority, a config table)
 * or 3 (a share of a GPU, colocated roles), so a plugin that knows an older version still reads every job it
 * can run, and refuses the others. */
#define DLAUNCH_JOB_SCHEMA_VERSION 3

/* The one symbol a plugin exports. */
#define DLAUNCH_ENTRY_SYMBOL "dlaunch_plugin_entry"

#if defined(_WIN32)
#define DLAUNCH_EXPORT __declspec(dllexport)
#else
#define DLAUNCH_EXPORT __attribute__((visibility("default")))
#endif

/* Size of a struct up to and including `last_field`. Used instead of sizeof so that trailing padding never
 * differs between compilers and never passes for a field of a later minor (PJRT's rule). Each struct below
 * has its constant, DLAUNCH_<NAME>_SIZE_1_0: the size of its ABI 1.0 fields. */
#define DLAUNCH_STRUCT_SIZE(type, last_field) \
  (offsetof(type, last_field) + sizeof(((type *)0)->last_field))

/* True when the struct at `ptr` (whose first member is struct_size) is large enough to hold `field`. */
#define DLAUNCH_HAS_FIELD(type, ptr, field) ((ptr)->struct_size >= DLAUNCH_STRUCT_SIZE(type, field))

/* ------------------------------------------------------------------------------------------------------ */
/* Codes and states                                                                                         */

/* Error codes. Stored as int32_t wherever they cross. The host maps them to its exit codes. A host treats a
 * code it does not know (from a newer plugin) as DLAUNCH_ERR_INTERNAL, keeping the message. */
enum {
  DLAUNCH_ERR_INVALID_ARGUMENT = 1,    /* the job or an option is wrong: fix the input (exit 65) */
  DLAUNCH_ERR_NOT_FOUND = 2,           /* no such job on the platform */
  DLAUNCH_ERR_UNAVAILABLE = 3,         /* the platform cannot be reached (exit 69) */
  DLAUNCH_ERR_UNAUTHENTICATED = 4,     /* credentials missing or refused (exit 77) */
  DLAUNCH_ERR_TEMPORARY = 5,           /* worth retrying later (exit 75) */
  DLAUNCH_ERR_FAILED_PRECONDITION = 6, /* not possible in the job's current state, e.g. delete while running */
  DLAUNCH_ERR_UNIMPLEMENTED = 7,       /* the platform has no such operation */
  DLAUNCH_ERR_CANCELLED = 8,           /* the host asked to stop (is_cancelled returned true) */
  DLAUNCH_ERR_INTERNAL = 9             /* a bug or an unexpected answer (exit 70) */
};

/* Job states, as dlaunch reports them. A platform keeps its own word in `native_state`. A host shows a state
 * it does not know as DLAUNCH_STATE_UNKNOWN (not terminal: --wait keeps polling). */
enum {
  DLAUNCH_STATE_UNKNOWN = 0,
  DLAUNCH_STATE_PENDING = 1,
  DLAUNCH_STATE_RUNNING = 2,
  DLAUNCH_STATE_SUCCEEDED = 3, /* terminal */
  DLAUNCH_STATE_FAILED = 4,    /* terminal */
  DLAUNCH_STATE_STOPPED = 5    /* terminal */
};

/* Log levels for dlaunch_host_api.log. A host prints a level it does not know as DLAUNCH_LOG_ERROR. */
enum { DLAUNCH_LOG_DEBUG = 0, DLAUNCH_LOG_INFO = 1, DLAUNCH_LOG_WARNING = 2, DLAUNCH_LOG_ERROR = 3 };

/* Diagnostic severities for dlaunch_diagnostic_sink.report. A host counts a severity it does not know as
 * DLAUNCH_SEVERITY_ERROR: a finding it cannot rank must not let the job through. */
enum { DLAUNCH_SEVERITY_ERROR = 0, DLAUNCH_SEVERITY_WARNING = 1 };

/* Option value types a plugin declares for its [platform.<id>] table. A host refuses to load a plugin that
 * declares a type it does not know: it could not check that option's values, nor fill its default. Every type
 * below is ABI 1.0's (the frozen tests/sdk/abi-1.0 header has them all); a table or an array of tables is
 * ANY, its shape checked by the plugin's own validate. A type added by a later minor is marked here with that
 * minor, and a plugin declares it only to a host of that minor or newer (see "Values from a newer minor"). */
enum {
  DLAUNCH_OPTION_STRING = 0,
  DLAUNCH_OPTION_INTEGER = 1,
  DLAUNCH_OPTION_NUMBER = 2,       /* integer or float */
  DLAUNCH_OPTION_BOOLEAN = 3,
  DLAUNCH_OPTION_STRING_ARRAY = 4,
  DLAUNCH_OPTION_STRING_TABLE = 5, /* table of string values */
  DLAUNCH_OPTION_ANY = 6           /* any value, passed through as JSON */
};

/* Option flags (bit set). A host refuses to load a plugin that sets a flag it does not know. */
enum {
  DLAUNCH_OPTION_REQUIRED = 1u << 0,
  DLAUNCH_OPTION_SECRET = 1u << 1 /* the host prints the value as "***" everywhere */
};

/* ------------------------------------------------------------------------------------------------------ */
/* Opaque error object, owned by the plugin that made it.                                                   */

typedef struct dlaunch_error dlaunch_error;

/* ------------------------------------------------------------------------------------------------------ */
/* Host services, handed to the plugin in init.                                                             */

/* In ABI 1.0 every enum value travels from the plugin to the host, so a plugin never receives one it does not
 * know. A later minor that sends values to plugins states here what an older plugin does with a new one. */
typedef struct dlaunch_host_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  void *host_data;          /* host-owned; opaque to the plugin */
  const char *host_version; /* host-owned, static */

  /* Writes a message to the user's diagnostic stream (stderr), subject to --verbose. `message` is borrowed.
   * [thread-safe] */
  void (*log)(const struct dlaunch_host_api *host, int32_t level, const char *message);

  /* True once the user asked to stop waiting (Ctrl-C). Long or blocking operations (follow, waits, retries)
   * poll it at least every 250 ms and return DLAUNCH_ERR_CANCELLED. [thread-safe] */
  bool (*is_cancelled)(const struct dlaunch_host_api *host);
} dlaunch_host_api;
#define DLAUNCH_HOST_API_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_host_api, is_cancelled)

typedef struct dlaunch_init_args {
  size_t struct_size;
  const dlaunch_host_api *host; /* host-owned; valid for the life of the process */
  const char *plugin_dir;       /* directory holding the manifest and library; valid for the process life */
  const char *state_dir;        /* a private, existing, 0700 directory for this plugin's persistent state,
                                   the same in every dlaunch process of this user; valid for the process life */
} dlaunch_init_args;
#define DLAUNCH_INIT_ARGS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_init_args, state_dir)

/* ------------------------------------------------------------------------------------------------------ */
/* Sinks: how a plugin hands results back. All host-owned; the plugin calls them during the operation only. */

/* Receives bytes (text). `data` is borrowed and need not be NUL-terminated. Returns false when the host wants
 * no more output (the plugin then stops producing and returns NULL). */
typedef struct dlaunch_text_sink {
  size_t struct_size;
  void *context;
  bool (*write)(void *context, const char *data, size_t size);
} dlaunch_text_sink;
#define DLAUNCH_TEXT_SINK_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_text_sink, write)

/* Receives validation findings. `path` is the key path inside the job document, e.g. "platform.ray.address"
 * or "roles[1].entrypoint"; `hint` may be NULL. All strings borrowed. */
typedef struct dlaunch_diagnostic_sink {
  size_t struct_size;
  void *context;
  void (*report)(void *context, int32_t severity, const char *path, const char *message, const char *hint);
} dlaunch_diagnostic_sink;
#define DLAUNCH_DIAGNOSTIC_SINK_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_diagnostic_sink, report)

/* A job's state, as one record. Filled by the plugin on its own stack; every pointer borrowed for the
 * duration of the report call; any may be NULL. */
typedef struct dlaunch_job_status {
  size_t struct_size;
  const char *native_id;    /* the platform's id of the job */
  const char *name;         /* the job's name, when known */
  int32_t state;            /* DLAUNCH_STATE_* */
  bool has_exit_code;
  int32_t exit_code;        /* the job's own exit code, when has_exit_code */
  uint32_t restarts;        /* restarts done so far under failover.max_restarts */
  const char *native_state; /* the platform's own word for the state */
  const char *message;      /* why it is in that state, when the platform says */
  bool submitted_by_dlaunch;
  int64_t start_time_ms;    /* Unix epoch milliseconds; 0 when unknown */
  int64_t end_time_ms;      /* 0 when unknown or still running */
  /* 1.1: the host's submission id the job was submitted with (dlaunch_job_args.submission_id), when the
   * platform keeps it. Set in every record find_submissions reports. */
  const char *submission_id;
} dlaunch_job_status;
#define DLAUNCH_JOB_STATUS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_job_status, end_time_ms)
#define DLAUNCH_JOB_STATUS_SIZE_1_1 DLAUNCH_STRUCT_SIZE(dlaunch_job_status, submission_id)

typedef struct dlaunch_status_sink {
  size_t struct_size;
  void *context;
  /* Returns false when the host wants no more records. */
  bool (*report)(void *context, const dlaunch_job_status *status);
} dlaunch_status_sink;
#define DLAUNCH_STATUS_SINK_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_status_sink, report)

/* ------------------------------------------------------------------------------------------------------ */
/* Operation arguments. All host-owned and borrowed for the call.                                           */

/* A whole job, for validate, dry_run and submit. */
typedef struct dlaunch_job_args {
  size_t struct_size;
  /* The normalized job document (docs/job-document.md): JSON, version 1 to DLAUNCH_JOB_SCHEMA_VERSION, every
   * field present with its default filled in, paths absolute, entrypoints always argv arrays, and under
   * "platform" this plugin's own options (declared defaults filled in). Its values already hold every
   * invariant listed at `validate` below. NUL-terminated; job_json_size excludes the NUL. */
  const char *job_json;
  size_t job_json_size;
  /* A host-generated id, unique per submission and the same across retries of one submission. Platforms
   * that accept a client id use it to make submit idempotent; others may use it as the job's id. */
  const char *submission_id;
} dlaunch_job_args;
#define DLAUNCH_JOB_ARGS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_job_args, submission_id)

/* One existing job, for status, stop and delete_job. */
typedef struct dlaunch_job_ref_args {
  size_t struct_size;
  const char *native_id;    /* as returned by submit */
  const char *options_json; /* this plugin's options as a JSON object (from the submission, the user's config
                               or "{}"), declared defaults filled in */
} dlaunch_job_ref_args;
#define DLAUNCH_JOB_REF_ARGS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_job_ref_args, options_json)

typedef struct dlaunch_logs_args {
  size_t struct_size;
  const char *native_id;
  const char *options_json;
  bool follow; /* keep streaming new output until the job is terminal (or is_cancelled) */
} dlaunch_logs_args;
#define DLAUNCH_LOGS_ARGS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_logs_args, follow)

typedef struct dlaunch_list_args {
  size_t struct_size;
  const char *options_json;
} dlaunch_list_args;
#define DLAUNCH_LIST_ARGS_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_list_args, options_json)

/* 1.1: submissions to look for, for find_submissions. */
typedef struct dlaunch_find_args {
  size_t struct_size;
  const char *const *submission_ids; /* `count` host submission ids, as dlaunch_job_args.submission_id */
  size_t count;
  const char *options_json;          /* as in dlaunch_job_ref_args */
  /* Every one of these submits began at or after this time (Unix epoch milliseconds): a platform that forgets
   * ended jobs after a while can tell whether it may have forgotten one of them. */
  int64_t since_ms;
} dlaunch_find_args;
#define DLAUNCH_FIND_ARGS_SIZE_1_1 DLAUNCH_STRUCT_SIZE(dlaunch_find_args, since_ms)

/* ------------------------------------------------------------------------------------------------------ */
/* Plugin description.                                                                                      */

/* One option of the plugin's [platform.<id>] table. Plugin-owned, static. */
typedef struct dlaunch_option_desc {
  size_t struct_size;
  const char *name;          /* e.g. "address" */
  int32_t type;              /* DLAUNCH_OPTION_* */
  uint32_t flags;            /* DLAUNCH_OPTION_REQUIRED | DLAUNCH_OPTION_SECRET */
  const char *default_json;  /* the default as a JSON value ("\"http://127.0.0.1:8265\"", "30"), or NULL */
  const char *help;          /* one sentence */
} dlaunch_option_desc;
#define DLAUNCH_OPTION_DESC_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_option_desc, help)

/* The table a plugin hands the host. Plugin-owned, static: valid for the life of the process. */
typedef struct dlaunch_plugin_api {
  size_t struct_size;
  uint32_t abi_major;      /* DLAUNCH_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;      /* DLAUNCH_ABI_MINOR the plugin was built with */
  uint32_t min_host_minor; /* the oldest host minor it runs on (<= abi_minor); it then calls nothing newer */
  const char *id;          /* the platform id, [a-z0-9-]; must equal the manifest's */
  const char *version;     /* the plugin's own version, e.g. "0.1.0" */
  const char *description; /* one line */

  /* NULL-terminated array of option descriptions; NULL when the plugin takes no options. */
  const dlaunch_option_desc *const *options;

  /* Called before any operation below, once per load of the table. It may be called again in the same
   * process (the entry returns the same table to a second load, e.g. by the conformance check): a second call
   * returns NULL and keeps what the first one set up. [load-serialized] */
  dlaunch_error *(*init)(const dlaunch_init_args *args);

  /* Platform-specific checks of a job that already passed the host's own checks. Reports findings; returns
   * an error only when it could not check. dlaunch calls validate, dry_run and submit with a document that
   * holds all of the following (only `plugins check` also sends broken ones), so a plugin does not check
   * them again; it checks its platform's own facts (more nodes asked for than a partition has):
   *   - schema_version is 1 to DLAUNCH_JOB_SCHEMA_VERSION (the lowest that expresses the job); every field
   *     of docs/job-document.md of that version is present and of its type.
   *   - name and every role's name are DNS labels (1-63 of a-z, 0-9 and '-', starting and ending with a
   *     letter or digit); role names are unique within the job.
   *   - node_num >= 1; device_per_node >= 0; failover.max_restarts >= 0; device_type is one of "CPU",
   *     "GPU", "NPU", "TPU".
   *   - working_dir is absolute, normalized, and was a directory on this machine when the host checked.
   *   - env names (the job's and every role's) match [A-Za-z_][A-Za-z0-9_]*, so they may be written
   *     unquoted in shell scripts; values are arbitrary strings.
   *   - roles has at least one role; each has replicas >= 1, per_node >= 1, replicas a multiple of
   *     per_node, an entrypoint of at least one argument whose first is not empty, resources.cpu > 0,
   *     resources.gpu >= 0 and resources.memory_bytes >= 0.
   *   - when device_per_node > 0: per_node x gpu <= device_per_node for each role, and the GPUs of the
   *     most loaded node, the roles' groups laid out as dlaunch/node_groups.hpp lays them out, are at most
   *     device_per_node.
   *   - at least one role is a driver (every role is one when the spec marks none).
   *   - version 2 fields: failover.scope is "job", "role" or "replica"; start_timeout >= 0; priority is
   *     "low", "normal" or "high"; config is an object; each role has 1 <= min_replicas <= replicas,
   *     min_replicas a multiple of per_node, max_restarts >= 0, launcher "direct" or "torchrun",
   *     nproc_per_node >= 1, rdzv_backend "c10d" or "static", 0 <= rdzv_port <= 65535; with launcher
   *     "direct" nproc_per_node is 1, rdzv_backend "c10d" and rdzv_port 0; with "torchrun" per_node is 1,
   *     and with "static" min_replicas equals replicas; tf_task is "none", "chief", "worker", "ps" or
   *     "evaluator", each but "none" used by one role at most, and a "chief" role has one replica.
   *   - version 3 fields: a role's gpu_share is 0, or 0 < gpu_share < 1 with gpu 0 and per_node 1; each
   *     colocation names two roles or more, each role at most once in all colocations, all with the same
   *     replicas, min_replicas and per_node, and shares adding up to at most one device. In the GPU checks
   *     above colocated replicas count once, and the replicas that share devices fill each device with as many
   *     shares as fit whole (dlaunch/node_groups.hpp).
   *   - platform holds only options this plugin declares, each of its declared type; required options
   *     are present.
   * Paths reported to `out` are key paths ("roles[1].entrypoint", "platform.<id>.<option>"): keys joined
   * by '.', array indexes in [] (sdk/include/dlaunch/key_path.hpp). The host refuses a malformed path as
   * an error of the plugin. */
  dlaunch_error *(*validate)(const dlaunch_job_args *args, const dlaunch_diagnostic_sink *out);

  /* Writes the exact platform-native request(s) as text, secrets as "***". Sends nothing; works offline. */
  dlaunch_error *(*dry_run)(const dlaunch_job_args *args, const dlaunch_text_sink *out);

  /* Submits the job and writes its native id (no newline) to `out_native_id`. Idempotent per submission_id
   * where the platform allows. */
  dlaunch_error *(*submit)(const dlaunch_job_args *args, const dlaunch_text_sink *out_native_id);

  /* Reports the job's status exactly once. */
  dlaunch_error *(*status)(const dlaunch_job_ref_args *args, const dlaunch_status_sink *out);

  /* Writes the job's output from the start; with follow, keeps writing until the job is terminal. */
  dlaunch_error *(*logs)(const dlaunch_logs_args *args, const dlaunch_text_sink *out);

  /* Asks the platform to stop the job. Stopping a terminal job is not an error. */
  dlaunch_error *(*stop)(const dlaunch_job_ref_args *args);

  /* Forgets a terminal job on the platform. A running job: DLAUNCH_ERR_FAILED_PRECONDITION. */
  dlaunch_error *(*delete_job)(const dlaunch_job_ref_args *args);

  /* Reports every job the platform shows to this user, one record each. */
  dlaunch_error *(*list)(const dlaunch_list_args *args, const dlaunch_status_sink *out);

  /* The error object's code (DLAUNCH_ERR_*). Never fails. */
  int32_t (*error_code)(const dlaunch_error *error);
  /* The error's message; owned by the error, valid until error_destroy. Never NULL. */
  const char *(*error_message)(const dlaunch_error *error);
  /* Frees an error this plugin returned. NULL is allowed. */
  void (*error_destroy)(dlaunch_error *error);

  /* 1.1: which of the given submissions the platform holds: one status record for each, its submission_id
   * and native_id set (a job submitted under none of them is not reported). A submission not reported is
   * one the platform never accepted, so only a platform that can prove absence answers: where it cannot
   * tell, it returns an error instead of a partial answer: DLAUNCH_ERR_FAILED_PRECONDITION when it may have
   * forgotten a finished job of one of them (since_ms too long ago; the host then asks about the newer ones
   * alone), another code when it cannot tell at all (unreachable, or an answer it cannot read). The host asks
   * it about submits whose dlaunch was killed, at most 64 at once; requests a killed submit sent may still be
   * processed by the platform after this answer. So find has no side effects: it deletes, finishes and
   * changes nothing; part of a job a submit cut short left is reported (with the native id the whole job
   * would have), so that what lands later belongs to a journaled job. NULL, or DLAUNCH_ERR_UNIMPLEMENTED, when
   * the platform cannot look jobs up by submission id: those submits stay unsettled. NULL args or out, or args
   * too small for the fields it reads, are refused with an error (DLAUNCH_ERR_INVALID_ARGUMENT), never read:
   * `dlaunch plugins check` sends them, and checks that every record it gets names a submission it asked
   * about. */
  dlaunch_error *(*find_submissions)(const dlaunch_find_args *args, const dlaunch_status_sink *out);
} dlaunch_plugin_api;

/* The smallest table a host of this major accepts: everything in ABI 1.0. */
#define DLAUNCH_PLUGIN_API_SIZE_1_0 DLAUNCH_STRUCT_SIZE(dlaunch_plugin_api, error_destroy)
#define DLAUNCH_PLUGIN_API_SIZE_1_1 DLAUNCH_STRUCT_SIZE(dlaunch_plugin_api, find_submissions)

/* The entry point, the plugin's only exported symbol. Returns the plugin's table (plugin-owned, static), or
 * NULL when it cannot serve a host of this version. Must be fast and side-effect free; nothing else in the
 * library is called before it. It may be called more than once (by a host and its conformance check, say)
 * and returns the same table every time. A plugin that wants the host's minor (to call nothing newer than
 * it) keeps `host_abi_minor` from here. [thread-safe] */
typedef const dlaunch_plugin_api *(*dlaunch_plugin_entry_fn)(uint32_t host_abi_major, uint32_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* DLAUNCH_PLUGIN_H_ */
