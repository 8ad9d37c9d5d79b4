#!/usr/bin/env bash
# Configures and builds dlaunch in build/ (Ninja, Release with debug info), through ccache when it is there
# (scripts/lib/ccache.sh). Extra arguments are build targets; none builds everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ccache.sh
use_ccache "$PWD"
jobs=$(nproc 2>/dev/null || echo 2)
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j "$jobs" "${targets[@]}"
