#!/usr/bin/env bash
# Usage: jobset.sh start|stop STATE_DIR
# start: runs JobSet's controller (sigs.k8s.io/jobset, built by build.sh) against the plane that start.sh
# started in STATE_DIR: installs JobSet's CRD (from the same Go module) and starts the controller as one more
# component of the plane (STATE_DIR/run/jobset-controller.pid, log in STATE_DIR/logs; stop.sh stops it with
# the rest).
# Its admission webhooks run as in a real installation, registered with the API server by URL on a free
# loopback port, with a serving certificate from the plane's CA: JobSets get the webhook's defaults and
# checks. Leader election and the metrics and health endpoints are off. Returns once the controller has
# answered a webhook call.
# stop: unregisters the webhooks (the API server would refuse every JobSet while they point at no server),
# then stops the controller; the CRD stays.
# Run through scripts/k8s-plane.sh start-jobset|stop-jobset STATE_DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/common.sh"
source "$here/../lib/free-ports.sh"

command=$1
state="$(cd "$2" && pwd)"
source "$here/processes.sh"
[[ -f "$state/k8s.env" ]] || die "no plane runs in $state (scripts/k8s-plane.sh start)"
kubeconfig=$state/kubeconfig  # the admin's
kubectl=("$k8s_bin/kubectl" --kubeconfig "$kubeconfig")
if [[ "$command" == stop ]]; then
  "${kubectl[@]}" delete --ignore-not-found mutatingwebhookconfiguration/dlaunch-test-jobset \
    validatingwebhookconfiguration/dlaunch-test-jobset >/dev/null
  exec "$here/stop.sh" "$state" jobset-controller
fi
[[ "$command" == start ]] || die "usage: jobset.sh start|stop STATE_DIR"
controller="$jobset_bin/jobset-controller"
[[ -x "$controller" ]] || die "JobSet's controller is not built in $jobset_bin (scripts/k8s-plane.sh build)"
running jobset-controller && { log "JobSet's controller already runs in $state"; exit 0; }
pki=$state/pki
wait_timeout="${DLAUNCH_K8S_WAIT_TIMEOUT:-60}"

# The CRD first: the controller watches JobSets and exits when the API server does not serve them.
crd="$("$root/tests/kubernetes/crds/jobset-crd.sh")"
"${kubectl[@]}" apply --server-side --force-conflicts -f "$crd" >/dev/null
"${kubectl[@]}" wait --for=condition=Established --timeout="${wait_timeout}s" crd/jobsets.jobset.x-k8s.io >/dev/null

# The webhook server's certificate, for 127.0.0.1, from the plane's CA (which the configurations name).
webhook_dir=$state/certs/jobset-webhook
mkdir -p "$webhook_dir"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$webhook_dir/tls.key" 2>/dev/null
openssl req -new -key "$webhook_dir/tls.key" -subj "/CN=jobset-webhook" 2>/dev/null |
  openssl x509 -req -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 \
    -extfile <(printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
                             "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1") \
    -out "$webhook_dir/tls.crt" 2>/dev/null
read -r webhook_port < <(free_ports 1)
cat >"$state/jobset-config.yaml" <<YAML
apiVersion: config.jobset.x-k8s.io/v1alpha1
kind: Configuration
leaderElection: {leaderElect: false}
internalCertManagement: {enable: false}
webhook: {port: $webhook_port, host: 127.0.0.1, certDir: $webhook_dir}
YAML

detached env KUBECONFIG="$kubeconfig" "$controller" --config="$state/jobset-config.yaml" \
  --metrics-bind-address=0 --health-probe-bind-address=0 --zap-devel=false \
  >"$state/logs/jobset-controller.log" 2>&1 </dev/null &
started jobset-controller $!

# JobSet's webhooks as its release installs them (config/components/webhook), for JobSets only, at our URL.
ca_bundle="$(base64 -w0 <"$pki/ca.crt")"
webhook() {  # webhook NAME PATH OPERATIONS
  cat <<YAML
- name: $1
  admissionReviewVersions: [v1]
  clientConfig: {url: "https://127.0.0.1:$webhook_port$2", caBundle: "$ca_bundle"}
  failurePolicy: Fail
  sideEffects: None
  rules: [{apiGroups: [jobset.x-k8s.io], apiVersions: [v1alpha2], operations: [$3], resources: [jobsets]}]
YAML
}
{
  printf 'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n'
  printf 'metadata: {name: dlaunch-test-jobset}\nwebhooks:\n'
  webhook mjobset.kb.io /mutate-jobset-x-k8s-io-v1alpha2-jobset CREATE
  printf -- '---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n'
  printf 'metadata: {name: dlaunch-test-jobset}\nwebhooks:\n'
  webhook vjobset.kb.io /validate-jobset-x-k8s-io-v1alpha2-jobset "CREATE, UPDATE"
} >"$state/jobset-webhooks.yaml"
"${kubectl[@]}" apply -f "$state/jobset-webhooks.yaml" >/dev/null

# Ready when the webhook answers over TLS (any HTTP answer will do: it needs an AdmissionReview to say more).
deadline=$((SECONDS + wait_timeout))
until curl -s -o /dev/null --max-time 2 --cacert "$pki/ca.crt" "https://127.0.0.1:$webhook_port/validate-jobset-x-k8s-io-v1alpha2-jobset"; do
  if ! running jobset-controller || ((SECONDS >= deadline)); then
    log "error: JobSet's controller did not come up; last lines of $state/logs/jobset-controller.log:"
    tail -n 25 "$state/logs/jobset-controller.log" >&2 || true
    exit 1
  fi
  sleep 0.2
done
log "JobSet's controller $JOBSET_VERSION runs (webhooks on 127.0.0.1:$webhook_port)"
