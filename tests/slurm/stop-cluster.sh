#!/usr/bin/env bash
# Stops the Slurm test cluster that tests/slurm/start-cluster.sh started, and only it: the processes named
# in the pid files of its temporary directory (checked to still be those daemons), after cancelling its
# jobs. Then removes the directory and ENV_FILE. Safe to run twice or after a partial start.
#
# Usage: tests/slurm/stop-cluster.sh ENV_FILE
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 ENV_FILE" >&2; exit 64; }
env_file=$1
if [[ ! -f "$env_file" ]]; then
  echo "stop-cluster: no cluster recorded in $env_file; nothing to stop" >&2
  exit 0
fi
# shellcheck disable=SC1090
source "$env_file"
cluster_dir=${DLAUNCH_SLURM_CLUSTER_DIR:?}
if [[ "$cluster_dir" != /tmp/dlaunch-slurm.* ]]; then
  echo "stop-cluster: $env_file names $cluster_dir, not a directory start-cluster.sh makes; refusing" >&2
  exit 1
fi

# The pid in FILE, if that process is still running the program NAME (pids get reused).
daemon_pid() {
  local file=$1 name=$2 pid
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 1
  echo "$pid"
}

# Sends SIGTERM to every daemon still running, waits up to 10 s for all of them, then SIGKILLs the rest.
stop_daemons() {
  local pids=() alive entry pid
  for entry in "$@"; do
    pid=$(daemon_pid "$cluster_dir/${entry%%:*}" "${entry#*:}") && pids+=("$pid")
  done
  (( ${#pids[@]} > 0 )) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null
  for _ in $(seq 100); do
    alive=()
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive+=("$pid")
    done
    pids=("${alive[@]}")
    (( ${#pids[@]} > 0 )) || return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    echo "stop-cluster: $(cat "/proc/$pid/comm") ($pid) ignored SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
  done
}

# Cancel what still runs, so no job step outlives its slurmd.
if daemon_pid "$cluster_dir/slurmctld.pid" slurmctld >/dev/null; then
  # shellcheck disable=SC2046  # one argument per job id
  scancel --quiet $(squeue -h -o %i) 2>/dev/null
  for _ in $(seq 50); do
    [[ -z "$(squeue -h -o %i 2>/dev/null)" ]] && break
    sleep 0.2
  done
fi

# Pid files are relative to the cluster directory, each with the program it must still be running.
stop_daemons slurmrestd.pid:slurmrestd slurmrestd-jwt.pid:slurmrestd slurmd.pid:slurmd slurmctld.pid:slurmctld
stop_daemons munge-run/munged.pid:munged  # last: the others talk to it until they end

rm -rf -- "$cluster_dir"
rm -f -- "$env_file"
echo "stop-cluster: stopped the Slurm test cluster in $cluster_dir" >&2
