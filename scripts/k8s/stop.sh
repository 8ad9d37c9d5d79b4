#!/usr/bin/env bash
# Stops the plane that start.sh started in STATE_DIR, and only it: the processes named in STATE_DIR/run whose
# command line still points into STATE_DIR. SIGTERM, then SIGKILL after 10 s. Removes k8s.env first, so that
# nobody takes a stopping plane for a running one; leaves the logs. Safe to run twice or after a failed start.
# Exit 0 when nothing of the plane runs any more. Run through scripts/k8s-plane.sh stop STATE_DIR.
# With component names after STATE_DIR (stop.sh STATE_DIR jobset-controller), stops only those.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"

state=$1
shift
[[ -d "$state/run" ]] || { log "no plane in $state; nothing to stop"; exit 0; }
state="$(cd "$state" && pwd)"
source "$here/processes.sh"

# stop NAME...: SIGTERM to each, then waits for all of them together.
stop() {
  local name pid pids=() names=() deadline=$((SECONDS + 10))
  for name in "$@"; do
    pid="$(component_pid "$name")" || continue
    kill -TERM "$pid" 2>/dev/null && { pids+=("$pid"); names+=("$name"); }
  done
  (( ${#pids[@]} )) || return 0
  while :; do
    local left=()
    for name in "${names[@]}"; do running "$name" && left+=("$name"); done
    (( ${#left[@]} )) || break
    if ((SECONDS >= deadline)); then
      log "${left[*]} ignored SIGTERM for 10 s; killing"
      for name in "${left[@]}"; do pid="$(component_pid "$name")" && kill -KILL "$pid" 2>/dev/null; done
      sleep 0.2
      break
    fi
    sleep 0.05
  done
  log "stopped ${names[*]}"
}
if (( $# )); then
  stop "$@"
  for name in "$@"; do running "$name" && die "still running: $name"; done
  exit 0
fi

rm -f "$state/k8s.env"
# kwok and the controllers first, then the apiserver they talk to, then its etcd.
stop kwok kube-scheduler kube-controller-manager jobset-controller
stop kube-apiserver
stop etcd

left=()
for name in kwok kube-scheduler kube-controller-manager jobset-controller kube-apiserver etcd; do running "$name" && left+=("$name"); done
(( ${#left[@]} == 0 )) || die "still running: ${left[*]}"
rm -f "$state"/run/*.pid
exit 0
