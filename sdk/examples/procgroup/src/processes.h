/* Starting detached replicas and looking at them later, from any process. Linux: it reads /proc. */
#ifndef PROCGROUP_PROCESSES_H_
#define PROCGROUP_PROCESSES_H_

#include <dlaunch/plugin.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What the replica runs: `argv` (searched on PATH) inside a wrapper shell that records its exit code. */
typedef struct pg_spawn_request {
  const char *const *argv; /* NULL-terminated */
  char *const *envp;       /* NULL-terminated, complete: nothing else is inherited */
  const char *working_dir;
  const char *log_path;    /* stdout and stderr, appended */
  const char *exit_path;   /* the wrapper writes the command's exit status here when it ends */
} pg_spawn_request;

/* The wrapper: `sh -c WRAPPER procgroup-replica EXIT_PATH ARGV...`. */
#define PG_WRAPPER_SCRIPT "exit_file=$1; shift; \"$@\"; echo $? > \"$exit_file\""
#define PG_WRAPPER_NAME "procgroup-replica"

/* Starts the request as the leader of a new session and process group, stdin from /dev/null and no other
 * descriptor of this process, every signal at its default. On success `pid` is the wrapper's (= its
 * process group id) and `start_ticks` its start time. */
dlaunch_error *pg_spawn_replica(const pg_spawn_request *request, pid_t *pid, uint64_t *start_ticks);

/* True while the process that `pid` and `start_ticks` name is alive (not a zombie). Reaps it when it is a
 * zombie child of this process, so that its process group can go away. */
bool pg_process_alive(pid_t pid, uint64_t start_ticks);

/* True while any live process (not a zombie) is left in process group `pgid`. */
bool pg_group_exists(pid_t pgid);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
dlaunch_error *pg_free_port(int *port);

#endif /* PROCGROUP_PROCESSES_H_ */
