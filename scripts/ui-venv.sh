#!/usr/bin/env bash
# Selenium for the browser tests of `dlaunch ui` (label `ui`, tests/ui/), in a virtual environment made only
# when missing (scripts/lib/venv.sh). The browser and its driver are Debian's (chromium, chromium-driver:
# scripts/install-deps.sh), so Selenium never downloads one.
#
#   scripts/ui-venv.sh install [DIR]   (default DIR: build/ui-venv) prints DIR/bin on success
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/venv.sh"
[[ "${1:-}" == install ]] || { echo "usage: $0 install [DIR]" >&2; exit 64; }
venv_install ui-venv "${2:-$root/build/ui-venv}" selenium==4.40.0
