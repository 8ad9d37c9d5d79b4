#!/usr/bin/env bash
# Starts a real Kubernetes control plane for tests on 127.0.0.1, every port picked free at start:
#   etcd -> kube-apiserver (RBAC on) -> kube-controller-manager + kube-scheduler -> kwok and its fake node(s)
# then waits until the `default` service account exists (pods cannot be created before). About 5 s.
# Run through scripts/k8s-plane.sh start STATE_DIR; STATE_DIR/k8s.env describes the plane (see write_env).
#
# There is no container runtime: kwok plays every kubelet. Pods bound to its nodes run and complete as
# kwok-stages.yaml says (exit codes and run times through pod annotations), and every pod's log is the one
# CRI-format file STATE_DIR/kwok/pod.log.
#
# Environment: DLAUNCH_K8S_FAKE_NODES (1), DLAUNCH_K8S_POD_RUN_MS (1000), DLAUNCH_K8S_WAIT_TIMEOUT (60 s per step).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
source "$here/../lib/free-ports.sh"

state=$1
nodes="${DLAUNCH_K8S_FAKE_NODES:-1}"
pod_run_ms="${DLAUNCH_K8S_POD_RUN_MS:-1000}"
wait_timeout="${DLAUNCH_K8S_WAIT_TIMEOUT:-60}"
# The namespace whose only user is the restricted one (its token is refused everywhere else).
readonly RESTRICTED_NAMESPACE=dlaunch-restricted RESTRICTED_USER=dlaunch-restricted

for tool in curl openssl ss setsid; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
for name in "${K8S_BINARIES[@]}"; do
  [[ -x "$k8s_bin/$name" ]] || die "$k8s_bin/$name is missing: build the plane first (scripts/k8s-plane.sh build)"
done

mkdir -p "$state"
state="$(cd "$state" && pwd)"
# k8s.env holds plain `export NAME=value` lines, read by tests without a shell: paths must need no quoting.
[[ "$state" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "STATE_DIR $state: use a path of letters, digits and / . _ + - only"
[[ "$k8s_bin" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "the cache dir $k8s_bin: use a path of letters, digits and / . _ + - only"
source "$here/processes.sh"  # needs $state
if running kube-apiserver; then
  log "already running in $state"
  exit 0
fi
# Whatever an earlier start left is stopped and wiped: every start is a fresh cluster with fresh credentials.
# Only a directory this script made (it carries the marker) or an empty one is wiped.
if [[ -n "$(ls -A "$state")" ]]; then
  [[ -f "$state/.dlaunch-k8s-plane" ]] || die "$state is not empty and was not made by k8s-plane.sh; refusing to use it"
  "$here/stop.sh" "$state" 2>/dev/null
  find "$state" -mindepth 1 -delete
fi
pki=$state/pki
mkdir -p "$pki" "$state/run" "$state/logs" "$state/etcd" "$state/kwok" "$state/certs"
touch "$state/.dlaunch-k8s-plane"

t0=$(date +%s%N)
elapsed() { printf '%d.%d s' $(( ($(date +%s%N) - t0) / 1000000000 )) $(( ($(date +%s%N) - t0) / 100000000 % 10 )); }

# ---- credentials: a CA, the servers' and the admin's certificates, tokens ------------------------------------
# EC keys: a fresh PKI every start costs milliseconds, not seconds.
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
new_ca() {  # new_ca NAME SUBJECT
  new_key "$pki/$1.key"
  openssl req -x509 -new -key "$pki/$1.key" -out "$pki/$1.crt" -days 3650 -subj "$2" 2>/dev/null
}
signed_cert() {  # signed_cert NAME SUBJECT EXTENSIONS
  new_key "$pki/$1.key"
  openssl req -new -key "$pki/$1.key" -subj "$2" 2>/dev/null |
    openssl x509 -req -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 \
      -extfile <(printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" "$3") \
      -out "$pki/$1.crt" 2>/dev/null
}
random_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
new_ca ca "/CN=dlaunch-test-ca"
# A second CA that signed nothing here: clients told to trust it must refuse the apiserver (wrong-CA tests).
new_ca other-ca "/CN=dlaunch-test-other-ca"
serves_localhost="subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
signed_cert apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth
$serves_localhost"
signed_cert kwok "/CN=kwok" "extendedKeyUsage=serverAuth
$serves_localhost"
# The admin's client certificate: group (O) system:masters, which RBAC lets do everything.
signed_cert admin "/O=system:masters/CN=admin" "extendedKeyUsage=clientAuth"
new_key "$pki/service-accounts.key"  # signs the service-account tokens the controller-manager issues
openssl pkey -in "$pki/service-accounts.key" -pubout -out "$pki/service-accounts.pub" 2>/dev/null
random_token >"$pki/admin.token"
random_token >"$pki/restricted.token"
# kube-apiserver's static token file: token,user,uid[,"group,..."]. The restricted user has no group: RBAC
# gives it rights in its namespace only (see below).
{
  echo "$(cat "$pki/admin.token"),admin,admin,system:masters"
  echo "$(cat "$pki/restricted.token"),$RESTRICTED_USER,$RESTRICTED_USER"
} >"$pki/tokens.csv"
umask 022

# ---- ports and kubeconfigs -----------------------------------------------------------------------------------
{ read -r etcd_port; read -r etcd_peer_port; read -r api_port; read -r kcm_port; read -r scheduler_port; read -r kwok_port; } \
  < <(free_ports 6)
api_url="https://127.0.0.1:$api_port"

# kubeconfig USER NAMESPACE CREDENTIALS...: a kubeconfig for the plane, the CA embedded.
kubeconfig() {
  local user=$1 namespace=$2 line
  shift 2
  echo "apiVersion: v1"
  echo "kind: Config"
  echo "clusters:"
  echo "- name: dlaunch-test"
  echo "  cluster:"
  echo "    server: $api_url"
  echo "    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")"
  echo "users:"
  echo "- name: $user"
  echo "  user:"
  for line in "$@"; do echo "    $line"; done
  echo "contexts:"
  echo "- name: dlaunch-test"
  echo "  context: {cluster: dlaunch-test, user: $user, namespace: $namespace}"
  echo "current-context: dlaunch-test"
}
umask 077
kubeconfig admin default \
  "client-certificate-data: $(base64 -w0 <"$pki/admin.crt")" \
  "client-key-data: $(base64 -w0 <"$pki/admin.key")" >"$state/kubeconfig"
kubeconfig "$RESTRICTED_USER" "$RESTRICTED_NAMESPACE" "tokenFile: $pki/restricted.token" >"$state/kubeconfig-restricted"
umask 022

# STATE/k8s.env: how tests and users reach the plane (`source` it, or read its `export NAME=value` lines).
# Written once the plane is up, so that its presence means a usable plane; stop.sh removes it first.
write_env() {
  {
    echo "# The Kubernetes test plane in $state (scripts/k8s-plane.sh). Source this file."
    printf 'export %s=%s\n' \
      KUBECONFIG "$state/kubeconfig" \
      K8S_API_SERVER "$api_url" \
      K8S_CA_FILE "$pki/ca.crt" \
      K8S_TOKEN_FILE "$pki/admin.token" \
      K8S_CLIENT_CERT_FILE "$pki/admin.crt" \
      K8S_CLIENT_KEY_FILE "$pki/admin.key" \
      K8S_RESTRICTED_USER "$RESTRICTED_USER" \
      K8S_RESTRICTED_NAMESPACE "$RESTRICTED_NAMESPACE" \
      K8S_RESTRICTED_TOKEN_FILE "$pki/restricted.token" \
      K8S_RESTRICTED_KUBECONFIG "$state/kubeconfig-restricted" \
      K8S_OTHER_CA_FILE "$pki/other-ca.crt" \
      K8S_POD_LOG_FILE "$state/kwok/pod.log" \
      K8S_NODE_NAMES "$(seq -s, -f 'kwok-node-%g' 0 $((nodes - 1)))" \
      K8S_VERSION "$K8S_VERSION" \
      K8S_BIN_DIR "$k8s_bin" \
      K8S_KUBECTL "$k8s_bin/kubectl" \
      K8S_STATE_DIR "$state"
  } >"$state/k8s.env.tmp"
  mv "$state/k8s.env.tmp" "$state/k8s.env"
}

# ---- process start and readiness -----------------------------------------------------------------------------
# start NAME COMMAND...: in its own session (signals to the caller, e.g. ctest's, do not reach it), output to
# STATE/logs/NAME.log, pid to STATE/run/NAME.pid.
start() {
  local name=$1
  shift
  detached "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
  started "$name" $!
}
# On any failure: say why with the log's tail, and stop what was started.
failed() {
  local name=$1
  log "error: $2"
  log "---- last lines of $state/logs/$name.log"
  tail -n 25 "$state/logs/$name.log" >&2 || true
  "$here/stop.sh" "$state" >&2 || true
  exit 1
}
# wait_for NAME WHAT COMMAND...: polls COMMAND every 0.1 s; fails early when NAME's process has died.
wait_for() {
  local name=$1 what=$2 deadline=$((SECONDS + wait_timeout))
  shift 2
  until "$@" >/dev/null 2>&1; do
    running "$name" || failed "$name" "$name exited while waiting for $what"
    ((SECONDS < deadline)) || failed "$name" "no $what after ${wait_timeout} s"
    sleep 0.1
  done
}
admin_curl() { curl -sf --max-time 5 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"; }
# post PATH JSON: creates an object as the admin.
post() { admin_curl -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "$2" "$api_url$1"; }
answers_ok() { curl -sfk --max-time 2 "$1" | grep -q '^ok'; }

# ---- etcd ----------------------------------------------------------------------------------------------------
# --unsafe-no-fsync: a test cluster's data need not survive a power cut, and fsyncs cost seconds on slow disks.
start etcd "$k8s_bin/etcd" --name=dlaunch --data-dir="$state/etcd" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster="dlaunch=http://127.0.0.1:$etcd_peer_port" \
  --log-level=warn --unsafe-no-fsync
etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$etcd_port/health" | grep -q '"health":"true"'; }
wait_for etcd "etcd health" etcd_healthy
log "etcd up after $(elapsed) (127.0.0.1:$etcd_port)"

# ---- kube-apiserver ------------------------------------------------------------------------------------------
# It reaches kwok's fake kubelets (pod logs) at the nodes' InternalIP, 127.0.0.1, over TLS from our CA.
# --cert-dir: its default is /var/run/kubernetes. --endpoint-reconciler-type=none: no kubernetes Service
# endpoints to keep pointing at a loopback address.
start kube-apiserver "$k8s_bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
  --cert-dir="$state/certs" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" --token-auth-file="$pki/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/service-accounts.pub" \
  --service-account-signing-key-file="$pki/service-accounts.key" \
  --service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none \
  --allow-privileged=true --profiling=false \
  --kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
  --kubelet-certificate-authority="$pki/ca.crt" --kubelet-preferred-address-types=InternalIP
api_ready() { admin_curl "$api_url/readyz" | grep -q '^ok'; }
wait_for kube-apiserver "kube-apiserver /readyz" api_ready
log "kube-apiserver up after $(elapsed) ($api_url)"

# ---- controller-manager and scheduler ------------------------------------------------------------------------
# Both bind 0.0.0.0 unless told otherwise; --authentication-skip-lookup silences a missing CA-bundle lookup.
common_component_flags=(--kubeconfig="$state/kubeconfig" --authentication-kubeconfig="$state/kubeconfig"
  --authorization-kubeconfig="$state/kubeconfig" --authentication-skip-lookup=true
  --bind-address=127.0.0.1 --leader-elect=false)
start kube-controller-manager "$k8s_bin/kube-controller-manager" "${common_component_flags[@]}" \
  --secure-port="$kcm_port" --cert-dir="$state/certs/controller-manager" \
  --use-service-account-credentials=false --service-account-private-key-file="$pki/service-accounts.key" \
  --root-ca-file="$pki/ca.crt" --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --service-cluster-ip-range=10.96.0.0/16
start kube-scheduler "$k8s_bin/kube-scheduler" "${common_component_flags[@]}" \
  --secure-port="$scheduler_port" --cert-dir="$state/certs/scheduler"

# ---- kwok and its fake nodes ---------------------------------------------------------------------------------
printf '%s stdout F %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" \
  "a line of every pod's log (the plane serves $state/kwok/pod.log for all pods)" >"$state/kwok/pod.log"
{
  sed "s/@POD_RUN_MS@/$pod_run_ms/g" "$here/kwok-stages.yaml"
  printf -- '---\napiVersion: kwok.x-k8s.io/v1alpha1\nkind: ClusterLogs\nmetadata: {name: all-pods}\n'
  printf 'spec:\n  logs:\n  - logsFile: %s\n' "$state/kwok/pod.log"
} >"$state/kwok/kwok.yaml"
# KWOK_WORKDIR keeps kwok away from ~/.kwok. It manages only the nodes annotated as ours, serves their
# kubelet API on 127.0.0.1 (--server-address; it binds 0.0.0.0 otherwise).
KWOK_WORKDIR="$state/kwok" start kwok "$k8s_bin/kwok" \
  --kubeconfig="$state/kubeconfig" --config="$state/kwok/kwok.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip=127.0.0.1 --node-port="$kwok_port" --server-address="127.0.0.1:$kwok_port" \
  --tls-cert-file="$pki/kwok.crt" --tls-private-key-file="$pki/kwok.key" \
  --cidr=10.244.0.0/16 --node-lease-duration-seconds=40

wait_for kube-controller-manager "kube-controller-manager /healthz" answers_ok "https://127.0.0.1:$kcm_port/healthz"
wait_for kube-scheduler "kube-scheduler /healthz" answers_ok "https://127.0.0.1:$scheduler_port/healthz"
wait_for kwok "kwok /healthz" answers_ok "http://127.0.0.1:$kwok_port/healthz"

# Each fake node: 32 CPUs, 256 GiB, 8 GPUs (the plugin maps devices to nvidia.com/gpu).
for ((i = 0; i < nodes; i++)); do
  capacity='{"cpu": "32", "memory": "256Gi", "pods": "110", "nvidia.com/gpu": "8"}'
  post /api/v1/nodes "{\"apiVersion\": \"v1\", \"kind\": \"Node\",
    \"metadata\": {\"name\": \"kwok-node-$i\",
      \"annotations\": {\"kwok.x-k8s.io/node\": \"fake\", \"node.alpha.kubernetes.io/ttl\": \"0\"},
      \"labels\": {\"kubernetes.io/hostname\": \"kwok-node-$i\", \"kubernetes.io/os\": \"linux\",
                 \"kubernetes.io/arch\": \"amd64\", \"type\": \"kwok\"}},
    \"status\": {\"allocatable\": $capacity, \"capacity\": $capacity}}" ||
    failed kube-apiserver "could not create node kwok-node-$i"
done
node_ready() { admin_curl "$api_url/api/v1/nodes/$1" | tr -d ' \n' | grep -q '"type":"Ready","status":"True"'; }
for ((i = 0; i < nodes; i++)); do wait_for kwok "node kwok-node-$i Ready" node_ready "kwok-node-$i"; done

# ---- the restricted user: the built-in `admin` role, in its namespace only -----------------------------------
post /api/v1/namespaces "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"$RESTRICTED_NAMESPACE\"}}" ||
  failed kube-apiserver "could not create namespace $RESTRICTED_NAMESPACE"
post "/apis/rbac.authorization.k8s.io/v1/namespaces/$RESTRICTED_NAMESPACE/rolebindings" \
  "{\"apiVersion\": \"rbac.authorization.k8s.io/v1\", \"kind\": \"RoleBinding\",
    \"metadata\": {\"name\": \"$RESTRICTED_USER-admin\"},
    \"roleRef\": {\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", \"name\": \"admin\"},
    \"subjects\": [{\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"User\", \"name\": \"$RESTRICTED_USER\"}]}" ||
  failed kube-apiserver "could not bind the restricted user's role"

# Pods can be created once the service-account controller has made each namespace's `default` account.
for namespace in default "$RESTRICTED_NAMESPACE"; do
  wait_for kube-controller-manager "service account $namespace/default" \
    admin_curl "$api_url/api/v1/namespaces/$namespace/serviceaccounts/default"
done

write_env
log "up after $(elapsed): $api_url, $nodes fake node(s); source $state/k8s.env"
