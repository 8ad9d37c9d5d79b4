#!/usr/bin/env bash
# Builds the test control plane's binaries from the Go module proxy (sources only, no release downloads) into
# the version-keyed cache dir of common.sh. A binary already there is not rebuilt, so a warm run takes
# seconds; a cold one about 14 minutes on 2 cores (kube-apiserver alone about 8), 1.3 GB of module cache and
# 4.6 GB of build cache. Run through scripts/k8s-plane.sh build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# ---- the toolchain: go on PATH, else the standard install location -----------------------------------------
if [[ -n "${GO:-}" ]]; then
  go_bin=$GO
  [[ -x "$go_bin" ]] || die "GO=$GO is not an executable"
else
  go_bin="$(command -v go || echo /usr/local/go/bin/go)"
  [[ -x "$go_bin" ]] || die "no Go toolchain (looked for go on PATH and /usr/local/go/bin/go; set GO=/path/to/go).
  The Kubernetes test plane is built from source and needs Go >= 1.$GO_MIN_MINOR."
fi
go_version="$("$go_bin" env GOVERSION)"            # e.g. go1.26.8
go_minor="$(sed -E 's/^go1\.([0-9]+).*/\1/' <<<"$go_version")"
[[ "$go_minor" =~ ^[0-9]+$ ]] && (( go_minor >= GO_MIN_MINOR )) ||
  die "$go_bin is $go_version; Kubernetes $K8S_VERSION needs Go >= 1.$GO_MIN_MINOR (set GO=/path/to/go)"

# ---- the Go environment: every cache under ours, nothing in the user's GOPATH --------------------------------
export GOMODCACHE="$k8s_cache/go/mod" GOCACHE="$k8s_cache/go/build" GOPATH="$k8s_cache/go/path"
# -modcacherw: the module cache stays deletable with rm -rf. GOTOOLCHAIN=local: never fetch another toolchain
# behind the user's back (the version check above is the rule). CGO off: static binaries, no C compiler needed.
export GOFLAGS="-modcacherw" GOTOOLCHAIN=local CGO_ENABLED=0
work="$k8s_cache/work"
mkdir -p "$k8s_bin" "$work"

# Builds are long and share caches: one at a time per cache (a second caller waits, then finds the binaries).
exec 9>"$k8s_cache/build.lock"
if ! flock -n 9; then
  log "another build is running on $k8s_cache; waiting for it"
  flock 9
fi

missing() { [[ ! -x "$k8s_bin/$1" ]]; }
seconds_since() { echo $(( $(date +%s) - $1 )); }
# Niced (DLAUNCH_K8S_BUILD_NICE, default 10): this long build runs beside the project's own on small machines.
go_() { nice -n "${DLAUNCH_K8S_BUILD_NICE:-10}" "$go_bin" "$@"; }
jobs="${DLAUNCH_K8S_BUILD_JOBS:-$(nproc)}"

# ---- Kubernetes: a scratch module requiring k8s.io/kubernetes ------------------------------------------------
# k8s.io/kubernetes points its staging modules (k8s.io/api, client-go, ...) at ./staging/src with replace
# directives, which a dependent module cannot use: ours replaces each with its published v0.<minor>.<patch>.
k8s_module() {
  local dir="$work/k8s-$K8S_VERSION" upstream staging_version="v0.${K8S_VERSION#v1.}"
  [[ -f "$dir/.ready" ]] && return 0
  mkdir -p "$dir"
  log "resolving k8s.io/kubernetes@$K8S_VERSION and its modules"
  upstream="$(cd "$dir" && go_ mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
              sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  [[ -f "$upstream" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
  {
    echo "module dlaunch.local/k8s-plane"
    echo
    echo "go $(sed -n 's/^go \([0-9.]*\)$/\1/p' "$upstream")"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    awk -v v="$staging_version" '$2 == "=>" && $3 ~ /^\.\/staging\// { print "\t" $1 " => " $1 " " v }' "$upstream"
    echo ")"
  } > "$dir/go.mod"
  # A build-tagged file importing the commands, so that `go mod tidy` records all their dependencies.
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "${K8S_COMMANDS[@]}"
    printf ')\n'
  } > "$dir/tools.go"
  (cd "$dir" && go_ mod tidy)
  touch "$dir/.ready"
}

build_kubernetes() {
  local wanted=() name
  for name in "${K8S_COMMANDS[@]}"; do missing "$name" && wanted+=("$name"); done
  (( ${#wanted[@]} )) || return 0
  k8s_module
  # Without these, /version reports v0.0.0-master and kubectl warns about version skew.
  local minor ldflags="-s -w" pkg
  minor="$(cut -d. -f2 <<<"$K8S_VERSION")"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  # One go build for all the commands: their shared packages compile once. Into a temporary dir, then moved,
  # so an interrupted build never leaves a truncated binary that a later run would take as done.
  local out="$work/out-k8s" t0
  rm -rf "$out" && mkdir -p "$out"
  t0=$(date +%s)
  log "building ${wanted[*]} $K8S_VERSION (go build -p $jobs; the cold build takes ~14 min on 2 cores)"
  (cd "$work/k8s-$K8S_VERSION" && go_ build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$out/" \
      "${wanted[@]/#/k8s.io/kubernetes/cmd/}")
  for name in "${wanted[@]}"; do mv -f "$out/$name" "$k8s_bin/$name"; done
  log "built ${wanted[*]} in $(seconds_since "$t0") s"
}

# ---- etcd: its server module has relative replaces too, so the same scratch-module trick --------------------
build_etcd() {
  missing etcd || return 0
  local dir="$work/etcd-$ETCD_VERSION" t0
  if [[ ! -f "$dir/.ready" ]]; then
    mkdir -p "$dir"
    printf 'module dlaunch.local/etcd\n\ngo 1.%s\n\nrequire go.etcd.io/etcd/server/v3 %s\n' \
      "$GO_MIN_MINOR" "$ETCD_VERSION" > "$dir/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > "$dir/tools.go"
    (cd "$dir" && go_ mod tidy)
    touch "$dir/.ready"
  fi
  t0=$(date +%s)
  log "building etcd $ETCD_VERSION"
  (cd "$dir" && go_ build -p "$jobs" -trimpath -ldflags "-s -w" -o "$work/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv -f "$work/etcd.tmp" "$k8s_bin/etcd"
  log "built etcd in $(seconds_since "$t0") s"
}

# ---- kwok: a plain `go install module@version` works (no replace directives) --------------------------------
build_kwok() {
  missing kwok || return 0
  local t0
  t0=$(date +%s)
  log "building kwok $KWOK_VERSION"
  (cd "$work" && GOBIN="$work/kwok-bin" go_ install -p "$jobs" -trimpath -ldflags "-s -w" \
      "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
  mv -f "$work/kwok-bin/kwok" "$k8s_bin/kwok"
  log "built kwok in $(seconds_since "$t0") s"
}

# ---- JobSet's controller: `go install sigs.k8s.io/jobset@VERSION` fails (the module proxy refuses the
# module's version list, which go install reads for deprecation notices), so the scratch-module way too ------
build_jobset() {
  [[ -x "$jobset_bin/jobset-controller" ]] && return 0
  local dir="$work/jobset-$JOBSET_VERSION" upstream t0
  if [[ ! -f "$dir/.ready" ]]; then
    mkdir -p "$dir"
    upstream="$(cd "$dir" && go_ mod download -json "sigs.k8s.io/jobset@$JOBSET_VERSION" |
                sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
    [[ -f "$upstream" ]] || die "could not download sigs.k8s.io/jobset@$JOBSET_VERSION from the Go module proxy"
    # Its own go version and, through `go mod tidy`, the dependency versions it was released with.
    printf 'module dlaunch.local/jobset\n\ngo %s\n\nrequire sigs.k8s.io/jobset %s\n' \
      "$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$upstream")" "$JOBSET_VERSION" > "$dir/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "sigs.k8s.io/jobset"\n' > "$dir/tools.go"
    (cd "$dir" && go_ mod tidy)
    touch "$dir/.ready"
  fi
  t0=$(date +%s)
  log "building JobSet's controller $JOBSET_VERSION"
  mkdir -p "$jobset_bin"
  (cd "$dir" && go_ build -p "$jobs" -trimpath -ldflags "-s -w" -o "$work/jobset.tmp" sigs.k8s.io/jobset)
  mv -f "$work/jobset.tmp" "$jobset_bin/jobset-controller"
  log "built JobSet's controller in $(seconds_since "$t0") s"
}

t_start=$(date +%s)
log "binaries: $k8s_bin (Go: $go_version)"
build_etcd
build_kwok
build_kubernetes
build_jobset
for name in "${K8S_BINARIES[@]}"; do missing "$name" && die "$name was not built"; done
log "all binaries present ($(du -sm "$k8s_bin" | cut -f1) MiB) after $(seconds_since "$t_start") s"
