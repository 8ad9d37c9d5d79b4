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
[[ "$cluster_dir" == /tmp/dlaunch-slurm.* ]] || { echo "stop-cluster: refusing odd directory $cluster_dir" >&2; exit 1; }

# The pid in FILE, if that process is still running the program NAME (pids get reused).
daemon_pid() {
  local file=$1 name=$2 pid
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 1
  echo "$pid"
}

stop_daemon() {
  local file=$1 name=$2 pid
  pid=$(daemon_pid "$file" "$name") || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "stop-cluster: $name ($pid) ignored SIGTERM; killing it" >&2
  kill -KILL "$pid" 2>/dev/null
}

# Cancel what still runs, so no job step outlives its slurmd.
if daemon_pid "$cluster_dir/slurmctld.pid" slurmctld >/dev/null; then
  scancel --quiet --full --state=RUNNING,PENDING,SUSPENDED "$(squeue -h -o %i | paste -sd, -)" 2>/dev/null
  for _ in $(seq 50); do
    [[ -z "$(squeue -h -o %i 2>/dev/null)" ]] && break
    sleep 0.2
  done
fi

stop_daemon "$cluster_dir/slurmrestd.pid" slurmrestd
stop_daemon "$cluster_dir/slurmrestd-jwt.pid" slurmrestd
stop_daemon "$cluster_dir/slurmd.pid" slurmd
stop_daemon "$cluster_dir/slurmctld.pid" slurmctld
stop_daemon "$cluster_dir/munge-run/munged.pid" munged

rm -rf -- "$cluster_dir"
rm -f -- "$env_file"
echo "stop-cluster: stopped the Slurm test cluster in $cluster_dir" >&2
