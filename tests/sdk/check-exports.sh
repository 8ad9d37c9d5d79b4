#!/usr/bin/env bash
# Fails unless the plugin library $1 exports exactly one dynamic symbol: dlaunch_plugin_entry.
set -euo pipefail
exports=$(nm -D --defined-only "$1" | awk '{print $NF}')
if [[ "$exports" != "dlaunch_plugin_entry" ]]; then
  echo "$1 exports:" >&2
  echo "$exports" >&2
  echo "expected exactly: dlaunch_plugin_entry" >&2
  exit 1
fi
echo "$1: exports only dlaunch_plugin_entry"
