# The plane's processes as start.sh records them (sourced, not run; needs $state): STATE/run/NAME.pid.
# shellcheck shell=bash

# The pid of component NAME if that process still runs for this state directory, else fails. A pid is
# checked against /proc/PID/cmdline (every component names a file under $state in its arguments): pids get
# reused, and `kill -0` also succeeds for a process that has exited but is not yet reaped.
component_pid() {
  local pid cmdline
  pid="$(cat "$state/run/$1.pid" 2>/dev/null)" && [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ "$cmdline" == *"$state/"* ]] || return 1
  [[ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1  # a zombie has stopped
  echo "$pid"
}
running() { component_pid "$1" >/dev/null; }

# started NAME PID: records PID, a background shell running `detached COMPONENT...`, as component NAME's, and
# returns once that shell has exec-ed the component: until then its command line is the starter's, which
# `running` takes for a component that has gone (a race seen under load). At most 5 s, or until it has ended.
started() {
  local name=$1 pid=$2 tries=0
  echo "$pid" >"$state/run/$name.pid"
  while ! running "$name" && kill -0 "$pid" 2>/dev/null && ((tries++ < 100)); do sleep 0.05; done
}

# detached COMMAND...: execs COMMAND in a session of its own (signals to the caller's process group, e.g.
# ctest's, do not reach it) with no descriptor of ours but 0-2. A daemon must not keep what its starter
# holds: `flock LOCK ctest ...` hands its locked descriptor to ctest and so to everything started under it,
# and a daemon left running would hold the lock for good. Run it in the background: detached CMD... &
detached() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    [[ "$fd" =~ ^[0-9]+$ ]] && (( fd > 2 )) && eval "exec $fd>&-"
  done
  exec setsid "$@"
}
