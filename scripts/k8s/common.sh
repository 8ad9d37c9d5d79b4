# Shared by the k8s-plane scripts (sourced, not run): the pinned versions and where things live.
# shellcheck shell=bash

# The versions the tests are written against. Kubernetes' staging modules (client-go, apimachinery, ...) are
# published as v0.<minor>.<patch> of the same release. etcd must be >= 3.4.31: with an older one the apiserver
# turns off RequestWatchProgress and kwok then reacts 5-20 s late to every pod.
readonly K8S_VERSION="v1.37.2"
readonly ETCD_VERSION="v3.7.3"
readonly KWOK_VERSION="v0.8.0"
# k8s.io/kubernetes v1.37 declares `go 1.26` in its go.mod; an older toolchain cannot build it.
readonly GO_MIN_MINOR=26

# Everything built is cached per user, outside any checkout, keyed by the versions: a second checkout (or a
# second run) reuses the binaries. DLAUNCH_K8S_CACHE moves the whole cache (binaries, Go module and build caches).
k8s_cache="${DLAUNCH_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dlaunch/k8s}"
k8s_bin="$k8s_cache/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION/bin"
# JobSet (sigs.k8s.io/jobset): its CRD for the tests (tests/kubernetes/crds/jobset-crd.sh) and its controller
# (jobset.sh), built from the same Go module into a cache dir of its own.
readonly JOBSET_VERSION="v0.10.1"
jobset_bin="$k8s_cache/jobset-$JOBSET_VERSION/bin"
# The binaries the plane needs, and kubectl (the benchmark compares against `kubectl apply`).
readonly K8S_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
readonly K8S_BINARIES=(etcd "${K8S_COMMANDS[@]}" kwok)

log() { echo "k8s-plane: $*" >&2; }
die() { log "error: $*"; exit 1; }
