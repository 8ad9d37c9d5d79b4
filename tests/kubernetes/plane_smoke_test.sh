#!/usr/bin/env bash
# The Kubernetes test plane does what the kubernetes tests rely on, checked through its API server with the
# credentials it generated: the admin's bearer token (curl) and client certificate (kubectl, KUBECONFIG).
#   - the control plane is v1.37.2 and its fake node is Ready;
#   - an Indexed Job's pods are scheduled on the fake node and complete, and the Job is Complete;
#   - a pod's log is served (the plane's one CRI log file, K8S_POD_LOG_FILE);
#   - the annotation dlaunch.test/exit-code sets a container's exit code, and fails the Job;
#   - the restricted user may work in its namespace and is refused (403) in any other;
#   - a client trusting another CA (K8S_OTHER_CA_FILE) refuses the server.
#
# Usage: tests/kubernetes/plane_smoke_test.sh ENV_FILE   (the plane's STATE/k8s.env)
# Exit codes: 0 passed, 1 failed, 77 no plane is running and CI is not set (the test skips, loudly).
set -euo pipefail

env_file=${1:?usage: $0 ENV_FILE}
if [[ ! -f "$env_file" ]]; then
  message="no Kubernetes test plane is running ($env_file does not exist): build it with scripts/k8s-plane.sh build, then run ctest -L kubernetes"
  if [[ "${CI:-}" == "true" ]]; then echo "plane_smoke_test: error: $message" >&2; exit 1; fi
  echo "plane_smoke_test: SKIPPING: $message" >&2
  exit 77
fi
# shellcheck disable=SC1090
source "$env_file"

namespace="plane-smoke-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
kubectl=("$K8S_KUBECTL" --request-timeout=10s)  # KUBECONFIG from the env file: the admin's client certificate
# curl TOKEN_FILE ARGS...: a request to the API server as the owner of the bearer token in TOKEN_FILE.
api_as() {
  local token_file=$1
  shift
  curl -sS --max-time 10 --cacert "$K8S_CA_FILE" -H "Authorization: Bearer $(<"$token_file")" "$@"
}
api() { api_as "$K8S_TOKEN_FILE" "$@"; }
# post PATH JSON: creates an object as the admin; fails unless the server answers 201.
post() {
  local status
  status=$(api -o /dev/stderr -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "$2" \
    "$K8S_API_SERVER$1" 2>/dev/null)
  [[ "$status" == 201 ]] || fail "POST $1 answered $status"
}
fail() { echo "plane_smoke_test: FAILED: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
cleanup() { api -o /dev/null -X DELETE "$K8S_API_SERVER/api/v1/namespaces/$namespace" || true; }
trap cleanup EXIT
trap 'fail "line $LINENO: $BASH_COMMAND exited $?"' ERR

# ---- the plane itself ----------------------------------------------------------------------------------------
version=$(api "$K8S_API_SERVER/version")
grep -q "\"gitVersion\": \"$K8S_VERSION\"" <<<"$version" || fail "/version is not $K8S_VERSION: $version"
ok "kube-apiserver $K8S_VERSION answers the admin's bearer token"
nodes=$("${kubectl[@]}" get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}')
[[ "$nodes" == *"kwok-node-0=True"* ]] || fail "fake node not Ready: $nodes"
ok "kubectl with the admin's client certificate sees the fake node Ready ($nodes)"

post /api/v1/namespaces "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"$namespace\"}}"
"${kubectl[@]}" wait -n "$namespace" --for=create serviceaccount/default --timeout=60s >/dev/null

# job NAME ANNOTATIONS: an Indexed Job of two pods, annotated (JSON object members) as given, never retried.
job() {
  echo "{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"metadata\": {\"name\": \"$1\"},
    \"spec\": {\"completionMode\": \"Indexed\", \"completions\": 2, \"parallelism\": 2, \"backoffLimit\": 0,
      \"template\": {\"metadata\": {\"annotations\": {$2}},
        \"spec\": {\"restartPolicy\": \"Never\",
          \"containers\": [{\"name\": \"main\", \"image\": \"busybox:1.36\", \"command\": [\"true\"]}]}}}}"
}
# pods JOB JSONPATH: one line per pod of JOB.
pods() {
  "${kubectl[@]}" get pods -n "$namespace" -l "batch.kubernetes.io/job-name=$1" -o jsonpath="{range .items[*]}$2{\"\\n\"}{end}"
}

# ---- an Indexed Job completes on the fake node ---------------------------------------------------------------
post "/apis/batch/v1/namespaces/$namespace/jobs" "$(job completes '')"
"${kubectl[@]}" wait -n "$namespace" --for=condition=Complete job/completes --timeout=60s >/dev/null ||
  fail "job completes is not Complete: $("${kubectl[@]}" get job -n "$namespace" completes -o yaml)"
placed=$(pods completes '{.metadata.annotations.batch\.kubernetes\.io/job-completion-index} {.status.phase} {.spec.nodeName}' | sort)
[[ "$placed" == $'0 Succeeded kwok-node-0\n1 Succeeded kwok-node-0' ]] || fail "pods of job completes: $placed"
ok "an Indexed Job's two pods ran on kwok-node-0 and succeeded; the Job is Complete"

# ---- its pods' log is the plane's log file -------------------------------------------------------------------
pod=$(pods completes '{.metadata.name}' | sed -n 1p)  # not head: kubectl would die of SIGPIPE
expected=$(tail -n 1 "$K8S_POD_LOG_FILE" | cut -d' ' -f4-)  # CRI format: TIME STREAM TAG TEXT
log=$(api "$K8S_API_SERVER/api/v1/namespaces/$namespace/pods/$pod/log")
[[ "$log" == *"$expected"* ]] || fail "log of $pod is '$log', expected '$expected'"
ok "GET pods/$pod/log serves the plane's log line"

# ---- an exit code set through the annotation -----------------------------------------------------------------
post "/apis/batch/v1/namespaces/$namespace/jobs" "$(job exits-3 '"dlaunch.test/exit-code": "3"')"
"${kubectl[@]}" wait -n "$namespace" --for=condition=Failed job/exits-3 --timeout=60s >/dev/null ||
  fail "job exits-3 did not fail: $("${kubectl[@]}" get job -n "$namespace" exits-3 -o yaml)"
codes=$(pods exits-3 '{.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}' | sort -u)
[[ "$codes" == "Failed 3" ]] || fail "pods of job exits-3: $codes"
ok "dlaunch.test/exit-code: \"3\" made the containers exit 3 and the Job Failed"

# ---- the restricted user under RBAC --------------------------------------------------------------------------
status_as() { api_as "$K8S_RESTRICTED_TOKEN_FILE" -o /dev/null -w '%{http_code}' "$K8S_API_SERVER$1"; }
inside=$(status_as "/apis/batch/v1/namespaces/$K8S_RESTRICTED_NAMESPACE/jobs")
outside=$(status_as "/apis/batch/v1/namespaces/$namespace/jobs")
[[ "$inside" == 200 && "$outside" == 403 ]] ||
  fail "restricted user: $inside in $K8S_RESTRICTED_NAMESPACE (want 200), $outside in $namespace (want 403)"
ok "$K8S_RESTRICTED_USER lists jobs in $K8S_RESTRICTED_NAMESPACE and gets 403 in $namespace"

# ---- a client trusting another CA ----------------------------------------------------------------------------
if error=$(curl -sS --max-time 10 --cacert "$K8S_OTHER_CA_FILE" "$K8S_API_SERVER/version" 2>&1); then
  fail "a client trusting K8S_OTHER_CA_FILE accepted the server: $error"
fi
[[ "$error" == *"certificate"* ]] || fail "expected a certificate error, got: $error"
ok "a client trusting K8S_OTHER_CA_FILE refuses the server ($(head -n 1 <<<"$error"))"
