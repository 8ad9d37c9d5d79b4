#!/usr/bin/env bash
# The README's second command (and what CI runs): installs what is missing, including the Ray, Slurm and
# Kubernetes test clusters' software (the Kubernetes plane is built from source once, then cached), builds
# everything once, and runs the whole suite, then the tests that need no cluster again under ASan and UBSan
# (scripts/sanitize.sh), then every fuzzer for a bounded time (scripts/fuzz.sh). The
# cluster tests start their clusters themselves (CTest fixtures), once per label. Under CI=true a cluster
# that cannot start fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-clusters
scripts/build.sh
(cd build && ctest --output-on-failure --timeout 600 "$@")
scripts/sanitize.sh  # unit, cli, local, sdk, client and the plugins' unit tests in build-asan/ (DLAUNCH_SANITIZE_TESTS=0 skips)
scripts/fuzz.sh  # each parser for DLAUNCH_FUZZ_SECONDS (30; 0 skips) under ASan and UBSan; a finding fails
