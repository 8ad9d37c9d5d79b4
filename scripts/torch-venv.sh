#!/usr/bin/env bash
# PyTorch for the tests that run torchrun for real (label `torch`): creates a virtual environment with
# torch==$TORCH_VERSION from PyPI, only when missing. Its wheel pulls CUDA's libraries too (about 5 GiB
# installed) — PyTorch imports them even to run on CPUs — so it lives apart from the build's other venvs and is
# reused until the version changes.
#
#   scripts/torch-venv.sh install [DIR]   (default DIR: build/torch-venv) prints DIR/bin on success
set -euo pipefail
TORCH_VERSION=2.15.0
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${2:-$root/build/torch-venv}"
case "${1:-}" in
  install) ;;
  *) echo "usage: $0 install [DIR]" >&2; exit 64 ;;
esac
installed() {
  [[ -x "$venv/bin/torchrun" ]] &&
    [[ "$("$venv/bin/python" -c 'import torch; print(torch.__version__.split("+")[0])' 2>/dev/null)" == "$TORCH_VERSION" ]]
}
if ! installed; then
  echo "torch-venv: installing torch==$TORCH_VERSION into $venv (about 5 GiB)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "torch==$TORCH_VERSION" numpy
  installed || { echo "torch-venv: torch==$TORCH_VERSION does not import from $venv" >&2; exit 1; }
fi
echo "$venv/bin"
