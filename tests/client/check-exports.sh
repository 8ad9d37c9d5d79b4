#!/usr/bin/env bash
# Fails unless the library $1 exports only the C client API: dynamic symbols named dl_*, and at least one.
set -euo pipefail
exports=$(nm -D --defined-only "$1" | awk '{print $NF}')
others=$(grep -v '^dl_' <<<"$exports" || true)
if [[ -z "$exports" || -n "$others" ]]; then
  echo "$1 exports symbols other than dl_*:" >&2
  echo "${others:-(nothing at all)}" >&2
  exit 1
fi
echo "$1: exports $(wc -l <<<"$exports") symbols, all dl_*"
