#!/usr/bin/env bash
# Prints the path of JobSet's CustomResourceDefinition, as the JobSet project publishes it in its Go module
# (sigs.k8s.io/jobset, config/components/crd/bases), downloading the module from the Go module proxy into the
# test plane's module cache when it is not there yet. The tests install it into the plane, so the API
# server's own schema validation checks every JobSet the plugin writes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/k8s/common.sh"  # JOBSET_VERSION, the cache
version=$JOBSET_VERSION
go_bin="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
export GOMODCACHE="$k8s_cache/go/mod" GOFLAGS=-modcacherw GOTOOLCHAIN=local
dir="$(cd /tmp && "$go_bin" mod download -json "sigs.k8s.io/jobset@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
crd="$dir/config/components/crd/bases/jobset.x-k8s.io_jobsets.yaml"
[[ -f "$crd" ]] || { echo "jobset-crd: no CRD in sigs.k8s.io/jobset@$version ($crd)" >&2; exit 1; }
echo "$crd"
