#!/usr/bin/env bash
# Builds dlaunch with AddressSanitizer and UndefinedBehaviorSanitizer in build-asan/ and runs the tests that
# need no cluster there: labels unit, cli, local, sdk and client, and ray_unit, slurm_unit and kubernetes_unit
# (the plugins' own unit tests, the HTTP client of plugins/support among them, and the slurm plugin's offline
# tests). Every plugin is built, none of the programs or fixtures of the tests that need a cluster
# (DLAUNCH_CLUSTER_TESTS=OFF): a memory error, a leak or undefined behaviour in the core, the CLI, a plugin or
# the SDK fails the test that reached it. Arguments go to ctest. The ordinary build (build/) is never
# touched. DLAUNCH_SANITIZE_TESTS=0 skips this step.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${DLAUNCH_SANITIZE_TESTS:-1}" == 0 ]]; then
  echo "sanitize: DLAUNCH_SANITIZE_TESTS=0: not running the sanitizer build" >&2
  exit 0
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# Configured every time (quick once configured), so that a build-asan/ kept from an earlier configuration
# gets this one.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDLAUNCH_SANITIZE=ON \
  -DDLAUNCH_PLUGINS="support;local;ray;slurm;kubernetes" -DDLAUNCH_CLUSTER_TESTS=OFF "${launcher[@]}" >/dev/null
cmake --build build-asan -j "$(nproc 2>/dev/null || echo 2)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-asan
ctest --output-on-failure --timeout 600 -L '^(unit|cli|local|sdk|client|ray_unit|slurm_unit|kubernetes_unit)$' "$@"
