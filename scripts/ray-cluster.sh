#!/usr/bin/env bash
# A local Ray cluster for dlaunch's Ray tests and for trying the ray platform by hand.
#
# Usage: scripts/ray-cluster.sh {install|start|stop|status} [--token] [--skip-if-unavailable]
#   install   creates build/ray-venv and installs ray[default] into it, only when missing
#   start     installs if needed, starts one head node on free ports and waits until its dashboard answers;
#             the dashboard's URL goes to STATE/address
#   stop      stops exactly the cluster that `start` started (never other Ray processes)
#   status    prints the dashboard address and exits 0 when the cluster is up, 3 when it is not
# Options:
#   --token                the token-authentication cluster (RAY_AUTH_MODE=token), instead of the plain one;
#                          its token is in build/ray-cluster-token/auth_token
#   --skip-if-unavailable  when Ray cannot be installed or started, print a loud warning and exit 0 so that
#                          the tests needing it skip themselves. Ignored under CI=true: there it is a failure.
# Environment: DLAUNCH_RAY_VENV (default build/ray-venv), DLAUNCH_RAY_STATE (default build/ray-cluster[-token]).
set -euo pipefail

readonly RAY_VERSION="2.60.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DLAUNCH_RAY_VENV:-$root/build/ray-venv}"

command="${1:-}"
shift || true
token_mode=false
skip_if_unavailable=false
for arg in "$@"; do
  case "$arg" in
    --token) token_mode=true ;;
    --skip-if-unavailable) skip_if_unavailable=true ;;
    *) echo "ray-cluster: unknown option $arg" >&2; exit 64 ;;
  esac
done
[[ "${CI:-}" == "true" ]] && skip_if_unavailable=false

# Each cluster has its own state directory and a Ray temp dir under /tmp (Ray's UNIX socket paths must stay
# under 107 characters) named after that state directory, so the plain and the token cluster, and the clusters
# of several checkouts, run side by side: start and stop clear only their own.
if $token_mode; then name=ray-cluster-token; else name=ray-cluster; fi
state="${DLAUNCH_RAY_STATE:-$root/build/$name}"
ray_temp="/tmp/dlaunch-ray-$(id -u)-$(printf %s "$state" | cksum | cut -d" " -f1)"
pid_file="$state/head.pid"
# `start` picks free ports and records the dashboard's URL here; tests and scripts/bench.sh read it back
# (`status` prints it).
address_file="$state/address"
address="$(cat "$address_file" 2>/dev/null || true)"

log() { echo "ray-cluster: $*" >&2; }

unavailable() {
  if $skip_if_unavailable; then
    log "################################################################################"
    log "RAY IS UNAVAILABLE: $*"
    log "The Ray tests will SKIP. Under CI=true this is a failure."
    log "################################################################################"
    exit 0
  fi
  log "error: $*"
  exit 1
}

install() {
  if [[ -x "$venv/bin/ray" ]] && [[ "$("$venv/bin/python" -c 'import ray; print(ray.__version__)' 2>/dev/null)" == "$RAY_VERSION" ]]; then
    return 0
  fi
  log "installing ray[default]==$RAY_VERSION into $venv"
  python3 -m venv "$venv" || return 1
  "$venv/bin/pip" install --quiet --disable-pip-version-check "ray[default]==$RAY_VERSION" || return 1
}

head_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# True once the dashboard answers GET /api/version (with the token in token mode).
dashboard_answers() {
  "$venv/bin/python" - "$address" "$state/auth_token" <<'EOF'
import os, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + "/api/version")
if os.path.exists(sys.argv[2]):
    request.add_header("Authorization", "Bearer " + open(sys.argv[2]).read().strip())
try:
    urllib.request.urlopen(request, timeout=2).read()
except Exception:
    sys.exit(1)
EOF
}

start() {
  if pid="$(head_pid)"; then
    log "already running at $address (pid $pid)"
    return 0
  fi
  install || unavailable "could not install ray[default]==$RAY_VERSION into $venv (see pip's output above)"
  mkdir -p "$state"
  rm -rf "$ray_temp"
  # Free ports, never Ray's defaults: a user's own Ray or a second checkout's tests may be running. Ray picks
  # the ports not named here (node and object managers, agents' gRPC, metrics) at random itself.
  # shellcheck source=lib/free-ports.sh
  source "$root/scripts/lib/free-ports.sh"
  local dashboard_port gcs_port agent_port client_port worker_port
  # Drawn together, so that no port falls inside the workers' range of 100 (the head node has 4 CPUs): each
  # is the first of 100 free ports that overlap no other's.
  { read -r dashboard_port; read -r gcs_port; read -r agent_port; read -r client_port; read -r worker_port; } \
    < <(free_ports 5 100)
  address="http://127.0.0.1:$dashboard_port"
  local auth_env=(RAY_AUTH_MODE=disabled)  # explicit: a token in ~/.ray would otherwise turn token mode on
  if $token_mode; then
    [[ -s "$state/auth_token" ]] || "$venv/bin/python" -c 'import secrets; print(secrets.token_hex(32))' >"$state/auth_token"
    chmod 600 "$state/auth_token"
    auth_env=(RAY_AUTH_MODE=token "RAY_AUTH_TOKEN_PATH=$state/auth_token")
  fi
  log "starting a Ray $RAY_VERSION head node at $address (log: $state/head.log)"
  # --block keeps `ray start` as the parent of every Ray process it starts; SIGTERM to it stops them all.
  # setsid gives the cluster its own session, so it outlives this script and the test that ran it.
  # PATH puts the venv first so that job entrypoints run `python3` with Ray importable.
  # Ray replaces a 127.0.0.1 node address with the machine's outward address unless it believes it runs
  # as a single-machine cluster (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0): the test cluster, its jobs and their
  # MASTER_ADDR then stay on loopback.
  # --num-gpus: fake GPUs (no device needed), which Ray hands out by id as it would real ones, so the tests
  # see dlaunch's GPU visibility rule on a real Ray (tests/ray/gpu_test.cpp).
  env "${auth_env[@]}" PATH="$venv/bin:$PATH" RAY_USAGE_STATS_ENABLED=0 RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 \
    setsid "$venv/bin/ray" start --head --block \
      --node-ip-address=127.0.0.1 --port="$gcs_port" \
      --dashboard-host=127.0.0.1 --dashboard-port="$dashboard_port" \
      --dashboard-agent-listen-port="$agent_port" --ray-client-server-port="$client_port" \
      --min-worker-port="$worker_port" --max-worker-port="$((worker_port + 99))" \
      --num-cpus=4 --num-gpus=4 --object-store-memory=200000000 \
      --temp-dir="$ray_temp" --disable-usage-stats \
      </dev/null >"$state/head.log" 2>&1 &
  echo $! >"$pid_file"
  echo "$address" >"$address_file"

  local deadline=$((SECONDS + 180))
  until dashboard_answers; do
    if ! head_pid >/dev/null; then
      tail -n 30 "$state/head.log" >&2 || true
      unavailable "the Ray head node exited during start-up (log: $state/head.log)"
    fi
    if ((SECONDS > deadline)); then
      stop
      unavailable "the Ray dashboard did not answer at $address within 180 s (log: $state/head.log)"
    fi
    sleep 1
  done
  log "up at $address (pid $(cat "$pid_file"))"
}

stop() {
  local pid
  if ! pid="$(head_pid)"; then
    log "not running"
    rm -f "$pid_file"
    return 0
  fi
  log "stopping the head node (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  # Whatever is left of the session that `start` created (the pid is its session and group leader).
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pid_file" "$address_file"
  rm -rf "$ray_temp"
  log "stopped"
}

status() {
  if pid="$(head_pid)" && dashboard_answers; then
    echo "$address"
    return 0
  fi
  log "not running${address:+ at $address}"
  return 3
}

case "$command" in
  install) install || unavailable "could not install ray[default]==$RAY_VERSION into $venv" ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" >&2; exit 64 ;;
esac
