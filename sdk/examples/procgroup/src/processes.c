/* For POSIX_SPAWN_SETSID and the posix_spawn_file_actions_add{chdir,closefrom}_np extensions of glibc. */
#define _GNU_SOURCE

#include "processes.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"

/* What /proc/<pid>/stat says about a process. */
typedef struct process_stat {
  char state;           /* field 3: 'R', 'S', ..., 'Z' for a zombie */
  pid_t pgrp;           /* field 5 */
  uint64_t start_ticks; /* field 22: start time in clock ticks since boot */
} process_stat;

static bool read_process_stat(const char *pid, process_stat *process) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  FILE *file = fopen(path, "re");
  if (file == NULL) return false;
  char line[1024];
  bool read = fgets(line, sizeof line, file) != NULL;
  fclose(file);
  /* The command name (field 2) is in parentheses and may hold spaces or ')': start after the last ')'. */
  char *after_name = read ? strrchr(line, ')') : NULL;
  int pgrp;
  unsigned long long start_ticks;
  if (after_name == NULL ||
      /* fields: 3 state, 4 ppid, 5 pgrp, 6 to 21 skipped (16), 22 starttime */
      sscanf(after_name + 1, " %c %*d %d %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
             &process->state, &pgrp, &start_ticks) != 3) {
    return false;
  }
  process->pgrp = pgrp;
  process->start_ticks = start_ticks;
  return true;
}

static bool read_pid_stat(pid_t pid, process_stat *process) {
  char number[24];
  snprintf(number, sizeof number, "%d", (int)pid);
  return read_process_stat(number, process);
}

static bool is_zombie(const process_stat *process) { return process->state == 'Z' || process->state == 'X'; }

dlaunch_error *pg_spawn_replica(const pg_spawn_request *request, pid_t *pid, uint64_t *start_ticks) {
  const char *wrapper[] = {"/bin/sh", "-c", PG_WRAPPER_SCRIPT, PG_WRAPPER_NAME, request->exit_path};
  const size_t wrapper_size = sizeof wrapper / sizeof *wrapper;
  size_t argc = 0;
  while (request->argv[argc] != NULL) ++argc;
  const char **argv = calloc(wrapper_size + argc + 1, sizeof *argv); /* + the terminating NULL */
  if (argv == NULL) return pg_error(DLAUNCH_ERR_INTERNAL, "out of memory");
  memcpy(argv, wrapper, sizeof wrapper);
  memcpy(argv + wrapper_size, request->argv, argc * sizeof *argv);

  posix_spawn_file_actions_t files;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&files);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, request->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
  /* Whatever the host has open (its journal, the pipe of `$(dlaunch run ...)`) is not the replica's. */
  posix_spawn_file_actions_addclosefrom_np(&files, STDERR_FILENO + 1);
  posix_spawn_file_actions_addchdir_np(&files, request->working_dir);
  /* A new session detaches the replica from the terminal: Ctrl-C in dlaunch does not reach it, and the
   * whole replica is one process group that stop can signal. Signals the host ignores or blocks (SIGPIPE,
   * SIGINT while it waits) must not stay ignored in the replica. */
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  pid_t child;
  int failure = posix_spawn(&child, argv[0], &files, &attributes, (char *const *)argv, request->envp);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&files);
  free(argv);
  if (failure != 0) {
    return pg_system_error(failure, "cannot start %s in %s (log %s)", request->argv[0], request->working_dir,
                           request->log_path);
  }
  *pid = child;
  /* Not reaped yet, so the pid is still this child's even if it has already ended. */
  process_stat process;
  if (!read_pid_stat(child, &process)) {
    return pg_error(DLAUNCH_ERR_INTERNAL, "cannot read /proc/%d/stat of the process just started", (int)child);
  }
  *start_ticks = process.start_ticks;
  return NULL;
}

bool pg_process_alive(pid_t pid, uint64_t start_ticks) {
  process_stat process;
  if (!read_pid_stat(pid, &process) || process.start_ticks != start_ticks) return false;
  if (is_zombie(&process)) {
    /* It ended. When this process started it (the same `dlaunch run --wait`), nobody else will reap it. */
    waitpid(pid, NULL, WNOHANG);
    return false;
  }
  return true;
}

bool pg_group_exists(pid_t pgid) {
  /* kill(-pgid, 0) would also count zombies, which linger until their parent (often init) reaps them. */
  DIR *proc = opendir("/proc");
  if (proc == NULL) return false; /* as for every other process question here: no /proc, no answer */
  bool found = false;
  for (struct dirent *entry; !found && (entry = readdir(proc)) != NULL;) {
    process_stat process;
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9' || !read_process_stat(entry->d_name, &process)) continue;
    found = process.pgrp == pgid && !is_zombie(&process);
  }
  closedir(proc);
  return found;
}

dlaunch_error *pg_free_port(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return pg_system_error(errno, "cannot open a TCP socket");
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  dlaunch_error *error = NULL;
  if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0 ||
      getsockname(fd, (struct sockaddr *)&address, &size) != 0) {
    error = pg_system_error(errno, "cannot find a free port on 127.0.0.1");
  } else {
    *port = ntohs(address.sin_port);
  }
  close(fd);
  return error;
}
