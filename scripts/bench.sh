#!/usr/bin/env bash
# Start-up and per-command times of dlaunch, measured with hyperfine (installed when missing). With a
# running Ray cluster (scripts/ray-cluster.sh start) it also measures dlaunch against Ray's own CLI on the
# same job. Prints hyperfine's summary; writes nothing to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || scripts/install-deps.sh --with-bench
[[ -x build/bin/dlaunch ]] || scripts/build.sh
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state" XDG_CONFIG_HOME="$state"
dlaunch=build/bin/dlaunch

# The same job with and without a [platform.ray] table: validating it on local checks that table against the
# ray plugin's manifest and loads neither the ray plugin nor libcurl, so the two should take the same time.
cp examples/hello.toml "$state/hello.toml"
{ cat examples/hello.toml; printf '\n[platform.ray]\naddress = "http://127.0.0.1:8265"\n'; } >"$state/hello-ray.toml"

hyperfine -N --warmup 5 --export-markdown /dev/stdout \
  "$dlaunch version" \
  "$dlaunch validate examples/hello.toml" \
  "$dlaunch validate $state/hello.toml -p local" \
  "$dlaunch validate $state/hello-ray.toml -p local" \
  "$dlaunch run examples/hello.toml --dry-run" \
  "$dlaunch plugins list"

# The cluster listens on ports it picked at start; `status` prints its address. Both dlaunch (the ray
# plugin's default address) and Ray's CLI take it from RAY_ADDRESS.
if ray_address=$(scripts/ray-cluster.sh status 2>/dev/null); then
  export RAY_ADDRESS=$ray_address
  ray=build/ray-venv/bin/ray
  handle=$("$dlaunch" run examples/hello.toml -p ray | tail -n 1)
  "$dlaunch" status "$handle" --wait >/dev/null
  id=${handle#ray:}
  hyperfine -N --warmup 2 --runs 10 --export-markdown /dev/stdout \
    "$dlaunch status $handle" "$ray job status $id" \
    "$dlaunch logs $handle" "$ray job logs $id"
else
  echo "bench: no Ray cluster running (scripts/ray-cluster.sh start): skipping the comparison with ray job" >&2
fi
