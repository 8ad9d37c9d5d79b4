#!/usr/bin/env bash
# Fails unless the C block of docs/client-api.md that follows the line naming examples/client/hello_client.c
# is that file, byte for byte: the example the tests build is the one the page shows.
set -euo pipefail
doc=$1 example=$2
shown=$(awk '/^<!-- example: examples\/client\/hello_client.c -->$/ {found = 1; next}
             found && /^```c$/ {inside = 1; next}
             inside && /^```$/ {exit}
             inside {print}' "$doc")
if [[ "$shown" != "$(cat "$example")" ]]; then
  diff <(echo "$shown") "$example" >&2 || true
  echo "$doc does not show $example as it is" >&2
  exit 1
fi
echo "$doc shows $example"
