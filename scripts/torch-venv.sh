#!/usr/bin/env bash
# PyTorch for the tests that run torchrun for real (label `torch`), in a virtual environment made only when
# missing (scripts/lib/venv.sh). Its wheel pulls CUDA's libraries too (about 5 GiB installed) — PyTorch
# imports them even to run on CPUs — so it lives apart from the build's other venvs and is reused until the
# version changes.
#
#   scripts/torch-venv.sh install [DIR]   (default DIR: build/torch-venv) prints DIR/bin on success
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib/venv.sh"
[[ "${1:-}" == install ]] || { echo "usage: $0 install [DIR]" >&2; exit 64; }
venv_install torch-venv "${2:-$root/build/torch-venv}" torch==2.15.0 numpy
