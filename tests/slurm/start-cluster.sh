#!/usr/bin/env bash
# Starts a real single-node Slurm cluster on this machine for the slurm tests: munged, slurmctld, slurmd
# and slurmrestd (on a UNIX socket and on a loopback TCP port with JWT), all with their configuration,
# state, logs, sockets and pid files in one fresh temporary directory, then waits until the node is idle.
#
# Usage: tests/slurm/start-cluster.sh ENV_FILE
#   Writes ENV_FILE (shell syntax, `source`-able) describing the running cluster:
#     SLURM_CONF, DLAUNCH_SLURM_SOCKET, DLAUNCH_SLURM_URL, DLAUNCH_SLURM_JWT (the job user's token for
#     the URL), DLAUNCH_SLURM_JOB_USER (who jobs run as), DLAUNCH_SLURM_CLUSTER_DIR.
#   tests/slurm/stop-cluster.sh ENV_FILE stops exactly what this started.
#
# Exit codes: 0 running; 77 Slurm is not installed and CI is not set (the caller skips, loudly);
# 1 anything else (under CI=true a missing Slurm is this too: never a silent skip).
#
# Needs root: slurmd runs jobs as other users. Nothing is written under /etc except one thing that cannot
# be avoided: the unprivileged system user `dlaunch-slurm` (useradd), because slurmrestd refuses to run as
# root and jobs submitted through its UNIX socket run as the user slurmrestd runs as, which slurmd must
# resolve through the user database. Debian's own munge key and slurm.conf are left alone.
set -euo pipefail

readonly JOB_USER=dlaunch-slurm

fail() {
  echo "start-cluster: error: $*" >&2
  exit 1
}

[[ $# -eq 1 ]] || { echo "usage: $0 ENV_FILE" >&2; exit 64; }
env_file=$1

missing=()
for tool in munged mungekey slurmctld slurmd slurmrestd scontrol sinfo; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if (( ${#missing[@]} > 0 )); then
  message="Slurm is not installed (missing: ${missing[*]}); run scripts/install-deps.sh --with-clusters"
  [[ "${CI:-}" == "true" ]] && fail "$message"
  echo "start-cluster: SKIPPING THE SLURM TESTS: $message" >&2
  exit 77
fi
(( EUID == 0 )) || fail "must run as root (slurmd starts jobs as other users)"

# A cluster an interrupted run left behind under the same ENV_FILE goes first.
[[ -f "$env_file" ]] && "$(dirname "$0")/stop-cluster.sh" "$env_file"

# Every Slurm daemon and tool below reads this file, never /etc/slurm/slurm.conf.
cluster_dir=$(mktemp -d /tmp/dlaunch-slurm.XXXXXX)
chmod 0755 "$cluster_dir"
export SLURM_CONF=$cluster_dir/slurm.conf

on_error() {
  echo "start-cluster: the cluster did not start; logs follow" >&2
  for log in "$cluster_dir"/log/*.log; do
    [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  "$(dirname "$0")/stop-cluster.sh" "$env_file" >&2 || true
}
trap on_error ERR

id "$JOB_USER" >/dev/null 2>&1 ||
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$JOB_USER"

# Free TCP ports (free_ports), so a cluster left over elsewhere on the machine never collides with this one.
# shellcheck source=../../scripts/lib/free-ports.sh
source "$(dirname "$0")/../../scripts/lib/free-ports.sh"

# Written before anything starts, so stop-cluster.sh can clean up after a partial start.
write_env_file() {
  local token=${1:-}
  mkdir -p "$(dirname "$env_file")"
  {
    printf 'export DLAUNCH_SLURM_CLUSTER_DIR=%q\n' "$cluster_dir"
    printf 'export SLURM_CONF=%q\n' "$SLURM_CONF"
    printf 'export DLAUNCH_SLURM_SOCKET=%q\n' "$rest_socket"
    printf 'export DLAUNCH_SLURM_URL=%q\n' "http://127.0.0.1:$rest_port"
    printf 'export DLAUNCH_SLURM_JOB_USER=%q\n' "$JOB_USER"
    printf 'export DLAUNCH_SLURM_JWT=%q\n' "$token"
  } >"$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
}

rest_socket=$cluster_dir/rest/slurmrestd.sock
{ read -r ctld_port; read -r slurmd_port; read -r rest_port; } < <(free_ports 3)
write_env_file

# --- munge: its own key, socket and pid file, running as the munge user.
install -d -o munge -g munge -m 0700 "$cluster_dir/munge"
install -d -o munge -g munge -m 0755 "$cluster_dir/munge-run"
mungekey --create --keyfile="$cluster_dir/munge/munge.key"
chown munge:munge "$cluster_dir/munge/munge.key"
munge_socket=$cluster_dir/munge-run/munge.socket
setpriv --reuid=munge --regid=munge --init-groups munged \
  --socket="$munge_socket" --key-file="$cluster_dir/munge/munge.key" \
  --pid-file="$cluster_dir/munge-run/munged.pid" --log-file="$cluster_dir/munge/munged.log" \
  --seed-file="$cluster_dir/munge/munged.seed"

# --- slurm.conf for this machine: slurmd -C reports the real CPU topology and memory.
mkdir -p "$cluster_dir"/{state,spool,log}
host=$(hostname -s)
node_line=$(slurmd -C | head -n 1)
real_memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
spare_memory=1024  # MiB left to the machine itself
usable_memory=$(( real_memory > 2 * spare_memory ? real_memory - spare_memory : real_memory / 2 ))
# NodeAddr and the controller's address pin every daemon's traffic to loopback, whatever the host name
# resolves to.
node_line="$(sed "s/RealMemory=[0-9]*/RealMemory=$usable_memory/" <<<"$node_line") NodeAddr=127.0.0.1"
dd if=/dev/urandom of="$cluster_dir/state/jwt.key" bs=32 count=1 status=none
chmod 0600 "$cluster_dir/state/jwt.key"

cat >"$SLURM_CONF" <<CONF
# Written by dlaunch's tests/slurm/start-cluster.sh for a one-node test cluster.
ClusterName=dlaunch-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# cred_expire also sets how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket=$munge_socket,cred_expire=10
CredType=cred/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$cluster_dir/state/jwt.key
StateSaveLocation=$cluster_dir/state
SlurmdSpoolDir=$cluster_dir/spool
SlurmctldLogFile=$cluster_dir/log/slurmctld.log
SlurmdLogFile=$cluster_dir/log/slurmd.log
SlurmctldPidFile=$cluster_dir/slurmctld.pid
SlurmdPidFile=$cluster_dir/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# Short grace periods keep cancel and requeue quick in tests.
KillWait=5
MinJobAge=600
$node_line State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

# --- the daemons. Both fork into the background and write their pid files.
slurmctld
slurmd

# slurmrestd refuses to run as root; with -u it drops to the unprivileged user before it binds its UNIX
# socket, hence a directory that user owns. Only the openapi/v0.0.38 plugin loads without a database daemon.
# Two instances: one on the UNIX socket (rest_auth/local: the caller's socket credentials), one on loopback
# TCP taking JWTs (SLURM_JWT=daemon makes slurmrestd pass each caller's token on to slurmctld; it then
# cannot serve local socket clients, hence the second instance).
install -d -o "$JOB_USER" -g "$JOB_USER" -m 0755 "$cluster_dir/rest"
start_slurmrestd() {
  local name=$1; shift
  (
    cd "$cluster_dir/rest"
    setsid "$@" >"$cluster_dir/log/$name.log" 2>&1 </dev/null &
    echo $! >"$cluster_dir/$name.pid"
  )
}
start_slurmrestd slurmrestd \
  slurmrestd -u "$JOB_USER" -s openapi/v0.0.38 -a rest_auth/local "unix:$rest_socket"
start_slurmrestd slurmrestd-jwt env SLURM_JWT=daemon \
  slurmrestd -u "$JOB_USER" -s openapi/v0.0.38 -a rest_auth/jwt "127.0.0.1:$rest_port"

deadline=$(( SECONDS + 60 ))
until [[ "$(sinfo -h -N -o %t 2>/dev/null)" == idle && -S "$rest_socket" ]] &&
  ss -Htln "sport = :$rest_port" | grep -q .; do
  for daemon in slurmctld slurmd slurmrestd slurmrestd-jwt; do
    kill -0 "$(cat "$cluster_dir/$daemon.pid" 2>/dev/null)" 2>/dev/null ||
      { echo "start-cluster: $daemon died" >&2; false; }
  done
  (( SECONDS < deadline )) || { echo "start-cluster: node state: $(sinfo -h -N -o '%t %E' 2>&1)" >&2; false; }
  sleep 0.2
done

# Slurm issues no JWT for root: the token is the job user's, like the UNIX socket's jobs.
token=$(scontrol token username="$JOB_USER" lifespan=86400 | sed -n 's/^SLURM_JWT=//p')
[[ -n "$token" ]] || { echo "start-cluster: scontrol token gave no token" >&2; false; }
write_env_file "$token"
chmod 0600 "$env_file"
echo "start-cluster: Slurm is up in $cluster_dir (node $host idle); environment in $env_file" >&2
