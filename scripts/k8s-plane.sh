#!/usr/bin/env bash
# A real Kubernetes control plane for dlaunch's Kubernetes tests, and for trying the kubernetes platform by hand:
# kube-apiserver, kube-controller-manager, kube-scheduler (Kubernetes v1.37.2), etcd v3.7.3, and kwok v0.8.0
# playing the nodes (no container runtime: pods are bound, run and complete as scripts/k8s/kwok-stages.yaml says).
#
# Usage: scripts/k8s-plane.sh COMMAND [STATE_DIR] [--skip-if-unavailable]
#   build        builds the binaries (and kubectl, and JobSet's controller) from the Go module proxy into a
#                cache keyed by the versions: ~14 min cold on 2 cores (JobSet's controller a few more), seconds
#                once built. Needs Go >= 1.26 (go on PATH or /usr/local/go).
#   start        starts the plane on 127.0.0.1, ports picked free, in STATE_DIR (about 5 s) and writes
#                STATE_DIR/k8s.env: `source` it for KUBECONFIG, K8S_API_SERVER, the CA, tokens and certificates
#                of an admin and of a user restricted to one namespace, a CA that is not the cluster's, ...
#   start-jobset runs JobSet's controller (and its webhooks) against the running plane in STATE_DIR, after
#                installing JobSet's CRD; `stop` stops it with the rest
#   stop-jobset  unregisters its webhooks and stops it (the CRD stays)
#   stop         stops exactly what `start` started in STATE_DIR (about 1.5 s); leaves its logs
#   env          prints STATE_DIR/k8s.env and exits 0 when the plane runs, exits 3 when it does not
#   bin-dir      prints the directory of the built binaries (kubectl among them)
# STATE_DIR defaults to build/k8s-plane.
# Options:
#   --skip-if-unavailable  (start) when the binaries are not built or the plane cannot start, print a loud
#                          warning and exit 0, so that the tests needing it skip. Ignored under CI=true.
# Environment: DLAUNCH_K8S_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/dlaunch/k8s), GO (the go binary),
#   DLAUNCH_K8S_BUILD_JOBS, DLAUNCH_K8S_BUILD_NICE (10), DLAUNCH_K8S_FAKE_NODES (1),
#   DLAUNCH_K8S_POD_RUN_MS (1000: how long a pod runs), DLAUNCH_K8S_WAIT_TIMEOUT (60 s per start step).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
k8s="$root/scripts/k8s"
source "$k8s/common.sh"

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" >&2; exit 64; }
command="${1:-}"
(( $# )) && shift
state="$root/build/k8s-plane"
skip_if_unavailable=false
for arg in "$@"; do
  case "$arg" in
    --skip-if-unavailable) skip_if_unavailable=true ;;
    -*) log "unknown option $arg"; usage ;;
    *) state="$arg" ;;
  esac
done
[[ "${CI:-}" == "true" ]] && skip_if_unavailable=false

unavailable() {
  if $skip_if_unavailable; then
    log "################################################################################"
    log "THE KUBERNETES TEST PLANE IS UNAVAILABLE: $*"
    log "The Kubernetes tests will SKIP. Under CI=true this is a failure."
    log "################################################################################"
    exit 0
  fi
  die "$*"
}

case "$command" in
  build) exec "$k8s/build.sh" ;;
  start)
    for name in "${K8S_BINARIES[@]}"; do
      [[ -x "$k8s_bin/$name" ]] || unavailable "$name is not built in $k8s_bin (run scripts/k8s-plane.sh build)"
    done
    "$k8s/start.sh" "$state" || unavailable "the plane did not start (logs in $state/logs)"
    ;;
  start-jobset) exec "$k8s/jobset.sh" start "$state" ;;
  stop-jobset) exec "$k8s/jobset.sh" stop "$state" ;;
  stop) exec "$k8s/stop.sh" "$state" ;;
  env)
    recorded() { sed -n "s/^export $1=//p" "$state/k8s.env" 2>/dev/null; }
    if [[ -f "$state/k8s.env" ]] && curl -sf --max-time 2 --cacert "$(recorded K8S_CA_FILE)" \
        -H "Authorization: Bearer $(cat "$(recorded K8S_TOKEN_FILE)")" "$(recorded K8S_API_SERVER)/readyz" >/dev/null; then
      cat "$state/k8s.env"
    else
      log "no plane running in $state"
      exit 3
    fi
    ;;
  bin-dir) echo "$k8s_bin" ;;
  *) usage ;;
esac
