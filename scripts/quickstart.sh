#!/usr/bin/env bash
# The README's first command: installs what is missing, builds dlaunch with its local platform, and runs
# examples/hello.toml (two replicas on this machine, each printing its rank).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dlaunch dlaunch_local_plugin
exec build/bin/dlaunch run examples/hello.toml --follow
