#!/usr/bin/env bash
# Start-up and per-command times of dlaunch, measured with hyperfine (installed when missing). With a
# running Ray cluster (scripts/ray-cluster.sh start) it also measures dlaunch against Ray's own CLI on the
# same job. Prints hyperfine's summary; writes nothing to the repository.
# Usage: scripts/bench.sh [SECTION]...   sections: startup, wait, sweep, ray, journal, ui, completion, kubernetes,
#   python
#   (default: all)
set -euo pipefail
sections=" $* "
want() { [[ "$sections" == "  " || "$sections" == *" $1 "* ]]; }
cd "$(dirname "$0")/.."
{ command -v hyperfine && [[ -x /usr/bin/time ]]; } >/dev/null || scripts/install-deps.sh --with-bench
[[ -x build/bin/dlaunch ]] || scripts/build.sh
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state" XDG_CONFIG_HOME="$state"
dlaunch=build/bin/dlaunch

# The same job with and without a [platform.ray] table: validating it on local checks that table against the
# ray plugin's manifest and loads neither the ray plugin nor libcurl, so the two should take the same time.
if want startup; then
cp examples/hello.toml "$state/hello.toml"
{ cat examples/hello.toml; printf '\n[platform.ray]\naddress = "http://127.0.0.1:8265"\n'; } >"$state/hello-ray.toml"

hyperfine -N --warmup 5 --export-markdown /dev/stdout \
  "$dlaunch version" \
  "$dlaunch validate examples/hello.toml" \
  "$dlaunch validate $state/hello.toml -p local" \
  "$dlaunch validate $state/hello-ray.toml -p local" \
  "$dlaunch run examples/hello.toml --dry-run" \
  "$dlaunch plugins list"

# Spec loading is linear in the file: ten times the env keys should take about ten times as long (300,000
# keys took 242 s when building a table searched every key per key).
for n in 30000 300000; do
  { printf 'name = "many-keys"\n[env]\n'; seq -f 'KEY_%.0f = "value"' "$n"
    printf '[[roles]]\nname = "w"\nentrypoint = ["/bin/true"]\n'; } >"$state/env-$n.toml"
done
hyperfine -N --warmup 1 --runs 5 --export-markdown /dev/stdout \
  "$dlaunch validate $state/env-30000.toml" "$dlaunch validate $state/env-300000.toml"
fi

# Waiting for a local job: examples/hello.toml (2 replicas, each a shell that echoes a line) end to end with
# --wait and with --follow, against its submit alone and against the same two shells started by one shell
# (the floor: what the job itself costs).
if want wait; then
  hyperfine -N --warmup 5 --runs 40 --export-markdown /dev/stdout \
    --command-name "dlaunch run hello.toml --wait" \
    --command-name "dlaunch run hello.toml --follow" \
    --command-name "dlaunch run hello.toml (submit only)" \
    --command-name "the job's two shells, started by one shell" \
    "$dlaunch run examples/hello.toml --wait" \
    "$dlaunch run examples/hello.toml --follow" \
    "$dlaunch run examples/hello.toml" \
    "sh -c 'sh -c \"echo 0\" & sh -c \"echo 1\" & wait'"
  # The jobs left running by the submit-only runs end on their own within milliseconds.
fi

# 100 local jobs: one sweep (every job validated, then submitted 8 at a time) against a shell loop of 100 runs
# of the same spec, each job's value given with --set.
if want sweep; then
  seeds=$(seq -s, 1 100)
  printf '#!/bin/sh\nfor i in $(seq 1 100); do %s run examples/hello.toml --set env.SEED=\\"$i\\" >/dev/null; done\n' \
    "$dlaunch" > "$state/loop.sh"
  chmod +x "$state/loop.sh"
  hyperfine -N --warmup 1 --runs 5 --export-markdown /dev/stdout \
    --command-name "dlaunch run hello.toml --sweep seed=1,...,100" \
    --command-name "100 x dlaunch run hello.toml --set env.SEED=i, in a shell loop" \
    "$dlaunch run examples/hello.toml --sweep seed=$seeds" "$state/loop.sh"
fi

# The cluster listens on ports it picked at start; `status` prints its address. Both dlaunch (the ray
# plugin's default address) and Ray's CLI take it from RAY_ADDRESS.
if ! want ray; then
  :
elif ray_address=$(scripts/ray-cluster.sh status 2>/dev/null); then
  export RAY_ADDRESS=$ray_address
  ray=build/ray-venv/bin/ray
  handle=$("$dlaunch" run examples/hello.toml -p ray | tail -n 1)
  "$dlaunch" status "$handle" --wait >/dev/null
  id=${handle#ray:}
  hyperfine -N --warmup 2 --runs 10 --export-markdown /dev/stdout \
    "$dlaunch status $handle" "$ray job status $id" \
    "$dlaunch logs $handle" "$ray job logs $id"
  # A submit without a working_dir, no wait: dlaunch with its cached server version (the warm-up run caches
  # it: one POST), dlaunch asking the version first (the cache removed before each run), the floor (one curl
  # POST of a body like dlaunch's) and Ray's CLI. Each run leaves a finished job on the cluster.
  printf 'name = "bench"\n[[roles]]\nname = "main"\nentrypoint = ["true"]\n' >"$state/one.toml"
  printf '{"entrypoint": "true", "metadata": {"dlaunch.job": "bench"}}' >"$state/body.json"
  hyperfine -N --warmup 2 --runs 20 --export-markdown /dev/stdout \
    --command-name "dlaunch run one.toml -p ray (version cached)" \
    --command-name "dlaunch run one.toml -p ray (version asked)" \
    --command-name "curl: one POST /api/jobs/" \
    --command-name "ray job submit --no-wait -- true" \
    --prepare true --prepare "rm -rf $state/dlaunch/plugins/ray/server-versions" --prepare true --prepare true \
    "$dlaunch run $state/one.toml -p ray" "$dlaunch run $state/one.toml -p ray" \
    "curl -sf -o /dev/null -H Content-Type:application/json --data-binary @$state/body.json $ray_address/api/jobs/" \
    "$ray job submit --no-wait -- true"
else
  echo "bench: no Ray cluster running (scripts/ray-cluster.sh start): skipping the comparison with ray job" >&2
fi

# The journal at 100,000 jobs: one real local submit creates it, then 100,000 entries (one a minute, the last
# ten weeks) go straight into its table. Rows: the journal's share of a submit (dlaunch_journal_bench: open,
# intent, native id, close, in one process, as `run` does), the same on an empty journal; `list` as a terminal
# shows it (a screenful), piped (20 rows) and whole; a submit and a status at that size, and the peak memory of
# each; then 8 writers at once while a ninth is killed with SIGKILL mid-write, and SQLite's integrity check of
# what they leave.
if want journal; then
  bench_bin=build/bin/dlaunch_journal_bench
  [[ -x $bench_bin ]] || cmake --build build --target dlaunch_journal_bench >/dev/null
  big="$state/journal-100k" empty="$state/journal-empty"
  handle=$(XDG_STATE_HOME=$big "$dlaunch" run examples/hello.toml --wait | tail -n 1)
  python3 - "$big/dlaunch/journal.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time() * 1000)
rows = [(f"dlaunch-bench-{i:012x}", "local", "bench", "/bench/job.toml", "submitted", f"bench-{i:06x}", "",
         '{"stop_grace_seconds":10}', now - (100_000 - i) * 60_000, now - (100_000 - i) * 60_000)
        for i in range(100_000)]
with db:
    db.executemany("INSERT INTO jobs (submission_id, platform, job_name, spec_file, state, native_id, error, "
                   "options, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
print(f"bench: journal of {db.execute('SELECT count(*) FROM jobs').fetchone()[0]} jobs", file=sys.stderr)
PY
  "$bench_bin" submit "$big/dlaunch" 300
  "$bench_bin" submit "$empty/dlaunch" 300
  hyperfine -N --warmup 3 --runs 20 --export-markdown /dev/stdout \
    --command-name "dlaunch list --limit 40 (a terminal's screenful), 100,000 jobs" \
    --command-name "dlaunch list, piped (20 rows)" \
    --command-name "dlaunch list --limit 0 (all 100,001 jobs)" \
    --command-name "dlaunch status HANDLE, 100,000 jobs" \
    --command-name "dlaunch run hello.toml, 100,000 jobs" \
    --command-name "dlaunch run hello.toml, empty journal" \
    "env XDG_STATE_HOME=$big $dlaunch list --limit 40" \
    "env XDG_STATE_HOME=$big $dlaunch list" \
    "env XDG_STATE_HOME=$big $dlaunch list --limit 0" \
    "env XDG_STATE_HOME=$big $dlaunch status $handle" \
    "env XDG_STATE_HOME=$big $dlaunch run examples/hello.toml" \
    "env XDG_STATE_HOME=$empty $dlaunch run examples/hello.toml"
  # Peak resident memory of each (the issue's bound: 16 MiB), by GNU time: a parent's own measure would count
  # the memory it had when it forked the child.
  for args in "list --limit 40" "list" "list --limit 0" "status $handle" "run examples/hello.toml"; do
    # shellcheck disable=SC2086
    kb=$(XDG_STATE_HOME=$big /usr/bin/time -f %M "$dlaunch" $args 2>&1 >/dev/null | tail -n 1)
    echo "peak memory of dlaunch $args, 100,000 jobs: $((kb / 1024)).$(( (kb % 1024) * 10 / 1024 )) MiB"
  done
  started=$(date +%s%N)
  writers=()
  for w in 1 2 3 4 5 6 7 8; do "$bench_bin" write "$big/dlaunch" "writer$w" 250 & writers+=($!); done
  "$bench_bin" write "$big/dlaunch" killed 1000000 & killed=$!
  sleep 0.3
  kill -9 "$killed"
  failed=0
  for pid in "${writers[@]}"; do wait "$pid" || failed=$((failed + 1)); done
  wait "$killed" 2>/dev/null || true
  elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  python3 - "$big/dlaunch/journal.db" "$failed" "$elapsed_ms" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
check = db.execute("PRAGMA integrity_check").fetchone()[0]
written = db.execute("SELECT count(*) FROM jobs WHERE submission_id LIKE 'writer%' AND state = 'submitted'").fetchone()[0]
killed = db.execute("SELECT count(*) FROM jobs WHERE submission_id LIKE 'killed-%'").fetchone()[0]
total = db.execute("SELECT count(*) FROM jobs").fetchone()[0]
print(f"8 writers x 250 submits and one killed with SIGKILL after 0.3 s, at {total} jobs: {sys.argv[3]} ms, "
      f"{sys.argv[2]} writers failed, {written} of 2000 submits complete, the killed one wrote {killed}, "
      f"integrity_check: {check}")
PY
fi

# dlaunch ui over a journal of 1,000 local jobs: how soon it prints its URL (median of 20 starts), and how fast
# the jobs' list and the page itself answer (hyperfine over curl, which takes about 5 ms of each figure itself).
if want ui; then
  ui_state="$state/ui"
  XDG_STATE_HOME=$ui_state "$dlaunch" run examples/hello.toml --wait >/dev/null
  python3 - "$ui_state/dlaunch/journal.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time() * 1000)
with db:
    db.executemany("INSERT INTO jobs (submission_id, platform, job_name, spec_file, state, native_id, error, "
                   "options, created_ms, updated_ms) VALUES (?, 'local', 'bench', '/bench/job.toml', 'submitted', ?,"
                   " '', '{}', ?, ?)", [(f"dlaunch-ui-{i:06x}", f"bench-{i:06x}", now - i, now - i) for i in range(999)])
PY
  XDG_STATE_HOME=$ui_state python3 - "$dlaunch" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(20):
    started = time.perf_counter()
    ui = subprocess.Popen([sys.argv[1], "ui"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ui.stdout.readline()
    times.append((time.perf_counter() - started) * 1000)
    ui.terminate()
    ui.wait()
print(f"dlaunch ui, 1,000 journaled jobs: its URL printed after {statistics.median(times):.1f} ms (median of 20)")
PY
  XDG_STATE_HOME=$ui_state "$dlaunch" ui >"$state/ui.url" 2>/dev/null &
  ui_pid=$!
  for _ in $(seq 100); do [[ -s "$state/ui.url" ]] && break; sleep 0.05; done
  url=$(head -n 1 "$state/ui.url")
  base=${url%/\?token=*} token=${url##*token=}
  hyperfine -N --warmup 3 --runs 30 --export-markdown /dev/stdout \
    --command-name "GET /api/jobs (1,000 jobs, with their states)" --command-name "GET / (the page)" \
    "curl -sf -o /dev/null -H X-Dlaunch-Token:$token $base/api/jobs" \
    "curl -sf -o /dev/null -H X-Dlaunch-Token:$token $base/"
  kill "$ui_pid"
fi

# Completion must feel instant (under 20 ms): the slowest question a shell asks, the journal's handles for
# `stop`, over a journal of one local job, beside `dlaunch version` (the process's start alone).
bench_completion() (
  export XDG_STATE_HOME="$state/completion"
  "$dlaunch" run examples/hello.toml --wait >/dev/null
  hyperfine -N --warmup 5 --runs 40 --export-markdown /dev/stdout \
    --command-name "dlaunch completion --candidates stop '' (the journal's handles)" \
    --command-name "dlaunch version (the start alone)" \
    "$dlaunch completion --candidates stop ''" "$dlaunch version"
)
if want completion; then bench_completion; fi

# dlaunch against kubectl and curl on one Kubernetes API server: a running test plane (scripts/k8s-plane.sh
# start, or the environment file DLAUNCH_K8S_PLANE_ENV names) gives the kubeconfig, the server and a token.
if ! want kubernetes; then
  :
elif [[ -r "${DLAUNCH_K8S_PLANE_ENV:-}" ]] || scripts/k8s-plane.sh env >"$state/k8s.env" 2>/dev/null; then
  # shellcheck disable=SC1090
  source "${DLAUNCH_K8S_PLANE_ENV:-$state/k8s.env}"
  kubectl=("$K8S_KUBECTL" --kubeconfig "$KUBECONFIG")
  spec=examples/kubernetes-ddp.toml
  ns=dlaunch-bench
  "${kubectl[@]}" create namespace "$ns" >/dev/null 2>&1 || true
  # kubectl applies exactly what dlaunch's dry run prints (a Service and an Indexed Job): deleted before each run.
  "$dlaunch" run "$spec" -p kubernetes --dry-run --set "platform.kubernetes.namespace=$ns" > "$state/manifests.yaml"
  # curl creates one Job (generateName: a new one each time) with one POST, the least any client can do.
  cat > "$state/job.json" <<JSON
{"apiVersion":"batch/v1","kind":"Job","metadata":{"generateName":"bench-curl-"},"spec":{"template":{"spec":
{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox:1.36","command":["true"]}]}}}}
JSON
  # The token goes in a curl config file: hyperfine -N splits a command at spaces.
  printf 'header = "Authorization: Bearer %s"\n' "$(cat "$K8S_TOKEN_FILE")" > "$state/curl.conf"
  curl_post=(curl -sf -o /dev/null --cacert "$K8S_CA_FILE" -K "$state/curl.conf" -H Content-Type:application/json
             --data-binary "@$state/job.json" "$K8S_API_SERVER/apis/batch/v1/namespaces/$ns/jobs")
  # dlaunch's own state (the job journal, synced to disk) on tmpfs too, when there is one: the difference is
  # what the journal's writes cost, the rest is the plugin's and the server's.
  tmpfs_state=""
  if [[ -d /dev/shm && -w /dev/shm ]]; then
    tmpfs_state=$(mktemp -d /dev/shm/dlaunch-bench.XXXXXX)
    trap 'rm -rf "$state" "$tmpfs_state"' EXIT
  fi
  run_job=("$dlaunch" run "$spec" -p kubernetes --set "platform.kubernetes.namespace=$ns")
  # The objects go together over one connection (HTTP/2 streams): -v says what the connection did.
  "${run_job[@]}" -v 2>&1 | grep -E "requests at once" >&2 || true
  # Every run starts on a settled cluster: each run's Job makes pods, and their scheduling, kwok's running
  # them and the Service's endpoint updates keep a small machine's API server busy for a while after it,
  # which would slow whichever command comes next. kubectl's objects are deleted before each of its runs.
  printf '#!/bin/sh
[ -z "$1" ] || %s delete --ignore-not-found --wait=false -f "$1" >/dev/null
sleep 0.5
' \
    "${kubectl[*]}" > "$state/settle.sh"
  chmod +x "$state/settle.sh"
  commands=("${run_job[*]}")
  names=("dlaunch run -p kubernetes")
  prepares=("$state/settle.sh")
  if [[ -n "$tmpfs_state" ]]; then
    commands+=("env XDG_STATE_HOME=$tmpfs_state ${run_job[*]}")
    names+=("dlaunch run -p kubernetes (its state on tmpfs)")
    prepares+=("$state/settle.sh")
  fi
  commands+=("${kubectl[*]} apply -f $state/manifests.yaml" "${curl_post[*]}")
  names+=("kubectl apply -f (the dry run's manifests)" "curl POST of one Job")
  prepares+=("$state/settle.sh $state/manifests.yaml" "$state/settle.sh")
  # One --prepare and one --command-name per command, in the commands' order.
  args=()
  for i in "${!commands[@]}"; do args+=(--prepare "${prepares[$i]}" --command-name "${names[$i]}"); done
  hyperfine -N --warmup 2 --runs 15 --export-markdown /dev/stdout "${args[@]}" "${commands[@]}"
  "${kubectl[@]}" delete namespace "$ns" --wait=false >/dev/null
else
  echo "bench: no Kubernetes test plane (scripts/k8s-plane.sh start): skipping dlaunch against kubectl and curl" >&2
fi

# `import dlaunch` (the python-import row): the package loads libdlaunch only when first used, so importing
# it costs its own few modules; against a Python that imports nothing, from the package's sources.
if want python; then
  python=$(scripts/python-venv.sh install)/python
  hyperfine -N --warmup 5 --runs 40 --export-markdown /dev/stdout \
    --command-name "python-import: python -c 'import dlaunch'" --command-name "python -c pass" \
    "env PYTHONPATH=bindings/python/src DLAUNCH_NATIVE_DIR=build $python -c 'import dlaunch'" "$python -c pass"
fi
