#!/usr/bin/env bash
# Selenium for the browser tests of `dlaunch ui` (label `ui`, tests/ui/): creates a virtual environment with
# selenium==$SELENIUM_VERSION from PyPI, only when missing. The browser and its driver are Debian's
# (chromium, chromium-driver: scripts/install-deps.sh), so Selenium never downloads one.
#
#   scripts/ui-venv.sh install [DIR]   (default DIR: build/ui-venv) prints DIR/bin on success
set -euo pipefail
SELENIUM_VERSION=4.40.0
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${2:-$root/build/ui-venv}"
case "${1:-}" in
  install) ;;
  *) echo "usage: $0 install [DIR]" >&2; exit 64 ;;
esac
installed() {
  [[ "$("$venv/bin/python" -c 'import selenium; print(selenium.__version__)' 2>/dev/null)" == "$SELENIUM_VERSION" ]]
}
if ! installed; then
  echo "ui-venv: installing selenium==$SELENIUM_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION"
  installed || { echo "ui-venv: selenium==$SELENIUM_VERSION does not import from $venv" >&2; exit 1; }
fi
echo "$venv/bin"
