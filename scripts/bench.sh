#!/usr/bin/env bash
# What dlaunch costs where users wait, side by side with its peers and the floor (curl), whole processes timed
# with hyperfine (installed when missing). Prints markdown tables of medians with ratios, and peak memory;
# writes nothing to the repository (docs/performance.md records a run).
# Usage: scripts/bench.sh [SECTION]...   sections: startup, wait, sweep, slurm, journal, ui, completion,
#   memory, package, ray, kubernetes, python (default: all, in that order). slurm starts the test cluster of tests/slurm
#   (root, Debian's Slurm) and stops it at the end; ray and kubernetes need theirs running
#   (scripts/ray-cluster.sh start, scripts/k8s-plane.sh start), and so do memory's Kubernetes rows. wait
#   installs torchx into a venv under ~/.cache/dlaunch the first time. Run the whole under the cluster lock:
#   flock -o /tmp/dlaunch-cluster.lock scripts/bench.sh
#   DLAUNCH_BENCH_BINARY=/path/to/build/bin/dlaunch scripts/bench.sh wait   measures another build's dlaunch
set -euo pipefail
sections=" $* "
want() { [[ "$sections" == "  " || "$sections" == *" $1 "* ]]; }
cd "$(dirname "$0")/.."
{ command -v hyperfine && [[ -x /usr/bin/time ]]; } >/dev/null || scripts/install-deps.sh --with-bench
[[ -x build/bin/dlaunch ]] || scripts/build.sh
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state" XDG_CONFIG_HOME="$state"
dlaunch=${DLAUNCH_BENCH_BINARY:-build/bin/dlaunch}  # another build's, to compare before and after
echo "bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start" >&2

# Runs hyperfine (-N: no shell between) with the given options and commands, then prints one markdown row
# per command: median, mean ± σ, min, runs, and the median as a multiple of the baseline's: the command
# numbered by a leading `--baseline N` (from 1), else the fastest. Medians, because the machine is shared.
# A leading `--add FILE` (after --baseline) appends the rows of an earlier hyperfine's --export-json FILE:
# one table for commands that need different numbers of runs.
timed() {
  local baseline=0 added=""
  if [[ $1 == --baseline ]]; then baseline=$2; shift 2; fi
  if [[ $1 == --add ]]; then added=$2; shift 2; fi
  hyperfine -N --style none --export-json "$state/timed.json" "$@" >&2
  python3 - "$baseline" "$state/timed.json" $added <<'PY'
import json, statistics, sys
results = [r for file in sys.argv[2:] for r in json.load(open(file))["results"]]
medians = [statistics.median(r["times"]) * 1000 for r in results]
base = medians[int(sys.argv[1]) - 1] if int(sys.argv[1]) > 0 else min(medians)
print("| command | median | mean ± σ | min | runs | × |\n|---|---:|---:|---:|---:|---:|")
for r, median in zip(results, medians):
    times = [t * 1000 for t in r["times"]]
    sigma = statistics.stdev(times) if len(times) > 1 else 0.0
    print(f"| `{r['command']}` | {median:.1f} ms | {statistics.mean(times):.1f} ± {sigma:.1f} ms | "
          f"{min(times):.1f} ms | {len(times)} | {median / base:.2f} |")
PY
}

# Like timed, for a server whose answers slow down as its jobs pile up (Ray): the commands take turns, one
# run of each per round, each round starting one command further on (A B C, B C A, C A B...), so each meets
# the same backlog and takes each place in a round as often. Arguments: RUNS BASELINE, then per command a name, a preparation (run untimed before each of
# its runs; "" for none) and the command (split at spaces). Besides the medians, the median over the rounds
# of each run's time divided by the baseline's in the same round: a ratio of two commands that met the same
# server.
in_turns() {
  python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
runs, baseline, rest = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
commands = [rest[i:i + 3] for i in range(0, len(rest), 3)]
times = [[] for _ in commands]
for round in range(runs):
    for i in [(round + k) % len(commands) for k in range(len(commands))]:
        name, prepare, command = commands[i]
        if prepare:
            subprocess.run(prepare, shell=True, check=True)
        started = time.perf_counter()
        subprocess.run(command.split(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[i].append((time.perf_counter() - started) * 1000)
base = times[baseline - 1]
print(f"| command ({runs} runs each, in turns) | median | mean ± σ | min | × | × per round (median) |\n"
      "|---|---:|---:|---:|---:|---:|")
for (name, _, _), spent in zip(commands, times):
    ratios = [t / b for t, b in zip(spent, base)]
    print(f"| `{name}` | {statistics.median(spent):.1f} ms | {statistics.mean(spent):.1f} ± "
          f"{statistics.stdev(spent):.1f} ms | {min(spent):.1f} ms | {statistics.median(spent) / statistics.median(base):.2f} | "
          f"{statistics.median(ratios):.2f} |")
PY
}

# KiB (GNU time's %M) as MiB with one decimal.
mib() { echo "$(($1 / 1024)).$(( ($1 % 1024) * 10 / 1024 ))"; }

# Peak resident memory of one command in MiB, by GNU time: a parent's own measure would count the memory it
# had when it forked the child.
peak_mib() { mib "$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1)"; }

# Starts `dlaunch ui` in the background over the journal in XDG_STATE_HOME=$1, behind the command words after
# it (none, or /usr/bin/time and its options), and sets ui_pid (the first word's process), ui_base and
# ui_token once it printed its URL.
start_ui() {
  local ui_state=$1 url
  shift
  : >"$state/ui.url"
  XDG_STATE_HOME=$ui_state "$@" "$dlaunch" ui >"$state/ui.url" 2>/dev/null &
  ui_pid=$!
  for _ in $(seq 100); do [[ -s "$state/ui.url" ]] && break; sleep 0.05; done
  url=$(head -n 1 "$state/ui.url")
  ui_base=${url%/\?token=*} ui_token=${url##*token=}
}

# Sources the environment of a running Kubernetes test plane (scripts/k8s-plane.sh start, or the file
# DLAUNCH_K8S_PLANE_ENV names): its kubeconfig, server and token. Fails when none runs.
k8s_plane() {
  local file=$state/k8s.env
  if [[ -r "${DLAUNCH_K8S_PLANE_ENV:-}" ]]; then
    file=$DLAUNCH_K8S_PLANE_ENV
  else
    scripts/k8s-plane.sh env >"$file" 2>/dev/null || return 1
  fi
  # shellcheck disable=SC1090
  source "$file"
}

# The same job with and without a [platform.ray] table: validating it on local checks that table against the
# ray plugin's manifest and loads neither the ray plugin nor libcurl, so the two should take the same time.
if want startup; then
cp examples/hello.toml "$state/hello.toml"
{ cat examples/hello.toml; printf '\n[platform.ray]\naddress = "http://127.0.0.1:8265"\n'; } >"$state/hello-ray.toml"

timed --warmup 5 \
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
timed --warmup 1 --runs 5 \
  "$dlaunch validate $state/env-30000.toml" "$dlaunch validate $state/env-300000.toml"
fi

# Waiting for a local job: examples/hello.toml (2 replicas, each a shell that echoes a line) end to end with
# --wait and with --follow, against its submit alone, against the same two shells started by one shell (the
# floor: what the job itself costs) and against torchx's local scheduler (the peer of the issue's goal), in
# one table whose × column is each median over `run --wait`'s. torchx, without extras (its local_cwd
# scheduler needs no PyTorch: about 17 MB installed), lives in a venv kept per pinned version under
# ~/.cache/dlaunch. Its `run` on a local scheduler waits for the job and streams its logs, as --follow does;
# `utils.sh` shell-quotes its arguments, so its two replicas echo a fixed line where hello.toml's expand
# $RANK: the same job otherwise. torchx's rows take 10 runs, of a second or more each.
torchx_version=0.7.0
torchx_venv() (
  source scripts/lib/venv.sh
  venv_install bench-torchx "${XDG_CACHE_HOME:-$HOME/.cache}/dlaunch/bench-venv/torchx-$torchx_version" \
    "torchx==$torchx_version"
)
if want wait; then
  torchx_same=(run -s local_cwd utils.sh --num_replicas 2 echo hello)
  torchx_rows=()
  if torchx_bin=$(torchx_venv) && "$torchx_bin/torchx" "${torchx_same[@]}" >"$state/torchx.log" 2>&1 &&
     hyperfine -N --style none --export-json "$state/torchx.json" --warmup 1 --runs 10 \
       --command-name "torchx ${torchx_same[*]} (the same job)" \
       --command-name "torchx run -s local_cwd utils.echo (the issue's command: one replica)" \
       "$torchx_bin/torchx ${torchx_same[*]}" "$torchx_bin/torchx run -s local_cwd utils.echo" >&2; then
    torchx_rows=(--add "$state/torchx.json")
  else
    tail -n 20 "$state/torchx.log" >&2 2>/dev/null || true
    missing="bench: TORCHX $torchx_version COULD NOT BE INSTALLED OR RUN HERE (on stderr, above): the table has no"
    missing+=" torchx row, and the goal's ratio to torchx is NOT MEASURED"
    echo "$missing" >&2
    echo "$missing"
  fi
  timed --baseline 1 "${torchx_rows[@]}" --warmup 5 --runs 40 \
    --command-name "dlaunch run hello.toml --wait" \
    --command-name "dlaunch run hello.toml --follow" \
    --command-name "dlaunch run hello.toml (submit only)" \
    --command-name "the job's two shells, started by one shell (the floor)" \
    "$dlaunch run examples/hello.toml --wait" \
    "$dlaunch run examples/hello.toml --follow" \
    "$dlaunch run examples/hello.toml" \
    "sh -c 'sh -c \"echo 0\" & sh -c \"echo 1\" & wait'"
  # The goal's line: run --wait's median, and torchx's same job over it.
  python3 - "$state/timed.json" "${torchx_rows[@]:1}" <<'PY'
import json, statistics, sys
medians = [statistics.median(r["times"]) * 1000 for f in sys.argv[1:] for r in json.load(open(f))["results"]]
line = f"goal: dlaunch run --wait median {medians[0]:.1f} ms (goal: within 60 ms)"
if len(medians) > 4:
    line += f"; torchx's same job {medians[4]:.0f} ms, {medians[4] / medians[0]:.1f}× (goal: at least 15×)"
else:
    line += "; torchx NOT MEASURED"
print(line)
PY
  # The jobs left running by the submit-only runs end on their own within milliseconds.
  # A job of 300 ms: a wait that polls sees it at its next poll, one woken by the job as it ends.
  printf 'name = "pause"\n[[roles]]\nname = "w"\nentrypoint = ["sleep", "0.3"]\n' >"$state/pause.toml"
  timed --baseline 2 --warmup 2 --runs 20 \
    --command-name "dlaunch run pause.toml --wait (one replica: sleep 0.3)" \
    --command-name "sleep 0.3 (the floor)" \
    "$dlaunch run $state/pause.toml --wait" "sleep 0.3"
fi

# 100 local jobs: one sweep (every job validated, then submitted 8 at a time) against a shell loop of 100 runs
# of the same spec, each job's value given with --set.
if want sweep; then
  seeds=$(seq -s, 1 100)
  printf '#!/bin/sh\nfor i in $(seq 1 100); do %s run examples/hello.toml --set env.SEED=\\"$i\\" >/dev/null; done\n' \
    "$dlaunch" > "$state/loop.sh"
  chmod +x "$state/loop.sh"
  timed --warmup 1 --runs 5 \
    --command-name "dlaunch run hello.toml --sweep seed=1,...,100" \
    --command-name "100 x dlaunch run hello.toml --set env.SEED=i, in a shell loop" \
    "$dlaunch run examples/hello.toml --sweep seed=$seeds" "$state/loop.sh"
fi

# Submitting to Slurm: the test cluster of tests/slurm (started here, stopped at the end, unless
# DLAUNCH_SLURM_CLUSTER_ENV names one running), through slurmrestd's UNIX socket. dlaunch with its cached API
# version (one POST), dlaunch asking the version first (GET /openapi/v3, the cache removed before each run),
# and the floor: one curl POST of the body dlaunch sends (its dry run's) to the same socket. sbatch talks to
# slurmctld directly, without slurmrestd: shown for scale. Each run queues a one-task job that runs `true`.
if want slurm; then
  slurm_env=${DLAUNCH_SLURM_CLUSTER_ENV:-}
  if [[ -z "$slurm_env" ]]; then
    slurm_env="$state/slurm.env"
    if tests/slurm/start-cluster.sh "$slurm_env" >"$state/slurm-start.log" 2>&1; then
      trap 'tests/slurm/stop-cluster.sh "$slurm_env" >/dev/null 2>&1; rm -rf "$state"' EXIT
    else
      echo "bench: the Slurm test cluster did not start (tests/slurm/start-cluster.sh): skipping slurm" >&2
      slurm_env=""
    fi
  fi
fi
if want slurm && [[ -n "$slurm_env" ]]; then
  # shellcheck disable=SC1090
  source "$slurm_env"
  export SLURM_CONF DLAUNCH_SLURM_SOCKET
  slurm_dir="$state/slurm-work"
  mkdir -p "$slurm_dir" && chmod 0777 "$slurm_dir"
  printf 'name = "bench"
working_dir = "%s"
[[roles]]
name = "main"
entrypoint = ["true"]
' "$slurm_dir" \
    >"$state/slurm-one.toml"
  "$dlaunch" run "$state/slurm-one.toml" -p slurm --dry-run | python3 -c '
import sys
text = sys.stdin.read()
start = text.index("\n\n") + 2
print(text[start:text.index("\n# The batch script")].strip())' >"$state/slurm-body.json"
  slurm_version=$(grep -o "/slurm/v[0-9.]*/" <("$dlaunch" run "$state/slurm-one.toml" -p slurm --dry-run) | head -n 1)
  "$dlaunch" run "$state/slurm-one.toml" -p slurm >/dev/null  # caches the API version
  # In turns, as the Ray rows: each queued job makes slurmctld's next answer a little slower.
  in_turns 40 3 \
    "dlaunch run one.toml -p slurm (API version cached)" "" "$dlaunch run $state/slurm-one.toml -p slurm" \
    "dlaunch run one.toml -p slurm (API version asked)" "rm -rf $state/dlaunch/plugins/slurm/api-versions" \
    "$dlaunch run $state/slurm-one.toml -p slurm" \
    "curl: one POST ${slurm_version}job/submit to the same socket" "" \
    "curl -sf -o /dev/null --unix-socket $DLAUNCH_SLURM_SOCKET -H Content-Type:application/json --data-binary @$state/slurm-body.json http://localhost${slurm_version}job/submit" \
    "sbatch --wrap true (slurmctld directly)" "" "sbatch --quiet -D $slurm_dir -o /dev/null --wrap true"
  "$dlaunch" -v run "$state/slurm-one.toml" -p slurm 2>&1 | grep -iE "request|POST|GET" >&2 || true
  handle=$("$dlaunch" run "$state/slurm-one.toml" -p slurm | tail -n 1)
  echo "peak memory of dlaunch run -p slurm: $(peak_mib "$dlaunch" run "$state/slurm-one.toml" -p slurm) MiB," \
       "status: $(peak_mib "$dlaunch" status "$handle") MiB"
  scancel --quiet --user "$(id -un)" 2>/dev/null || true
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
  timed --warmup 3 --runs 20 \
    --command-name "dlaunch list --limit 40 (a terminal's screenful), 100,000 jobs" \
    --command-name "dlaunch list, piped (20 rows)" \
    --command-name "dlaunch list --limit 0 (all 100,001 jobs)" \
    --command-name "dlaunch list --limit 0 -o json" \
    --command-name "dlaunch status HANDLE, 100,000 jobs" \
    --command-name "dlaunch run hello.toml, 100,000 jobs" \
    --command-name "dlaunch run hello.toml, empty journal" \
    "env XDG_STATE_HOME=$big $dlaunch list --limit 40" \
    "env XDG_STATE_HOME=$big $dlaunch list" \
    "env XDG_STATE_HOME=$big $dlaunch list --limit 0" \
    "env XDG_STATE_HOME=$big $dlaunch list --limit 0 -o json" \
    "env XDG_STATE_HOME=$big $dlaunch status $handle" \
    "env XDG_STATE_HOME=$big $dlaunch run examples/hello.toml" \
    "env XDG_STATE_HOME=$empty $dlaunch run examples/hello.toml"
  # Peak resident memory of each (the issue's bound: 16 MiB), by GNU time: a parent's own measure would count
  # the memory it had when it forked the child.
  for args in "list --limit 40" "list" "list --limit 0" "list --limit 0 -o json" "status $handle" \
              "run examples/hello.toml"; do
    # shellcheck disable=SC2086
    kb=$(XDG_STATE_HOME=$big /usr/bin/time -f %M "$dlaunch" $args 2>&1 >/dev/null | tail -n 1)
    echo "peak memory of dlaunch $args, 100,000 jobs: $(mib "$kb") MiB"
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
  start_ui "$ui_state"
  timed --warmup 3 --runs 30 \
    --command-name "GET /api/jobs (1,000 jobs, with their states)" --command-name "GET / (the page)" \
    "curl -sf -o /dev/null -H X-Dlaunch-Token:$ui_token $ui_base/api/jobs" \
    "curl -sf -o /dev/null -H X-Dlaunch-Token:$ui_token $ui_base/"
  kill "$ui_pid"
fi

# Completion must feel instant (under 20 ms): the slowest question a shell asks, the journal's handles for
# `stop`, over a journal of one local job, beside `dlaunch version` (the process's start alone).
bench_completion() (
  export XDG_STATE_HOME="$state/completion"
  "$dlaunch" run examples/hello.toml --wait >/dev/null
  timed --warmup 5 --runs 40 \
    --command-name "dlaunch completion --candidates stop '' (the journal's handles)" \
    --command-name "dlaunch version (the start alone)" \
    "$dlaunch completion --candidates stop ''" "$dlaunch version"
)
if want completion; then bench_completion; fi

# Peak resident memory of every command on local (the issue's bound: 16 MiB; packaging is not bound), each
# on a small journal, then of `dlaunch ui` (started, asked for the jobs once, stopped with SIGTERM) and of the
# kubernetes plugin's commands: offline, and on the Kubernetes test plane when one runs (scripts/k8s-plane.sh
# start; its fake pods run for a second). The ray and slurm sections print their platforms' commands. GNU
# time's figure counts every page a process touched, also of the shared libraries it loaded.
if want memory; then
  mem_state="$state/memory"
  mem() { printf '| `dlaunch %s` | %s MiB |\n' "$*" "$(XDG_STATE_HOME=$mem_state peak_mib "$dlaunch" "$@")"; }
  handle=$(XDG_STATE_HOME=$mem_state "$dlaunch" run examples/hello.toml --wait | tail -n 1)
  printf 'name = "sleeper"\n[[roles]]\nname = "main"\nentrypoint = ["sleep", "30"]\n' >"$state/sleep.toml"
  running=$(XDG_STATE_HOME=$mem_state "$dlaunch" run "$state/sleep.toml" | tail -n 1)
  printf '| command | peak resident memory |\n|---|---:|\n'
  mem version
  mem --help
  mem validate examples/hello.toml
  mem validate examples/hello.toml -p ray
  mem validate examples/hello.toml -p slurm
  mem validate examples/hello.toml -p kubernetes
  mem run examples/hello.toml --dry-run
  mem run examples/hello.toml -p slurm --dry-run
  mem run examples/hello.toml
  mem run examples/hello.toml --wait
  mem run examples/hello.toml --follow
  mem run examples/hello.toml --sweep "seed=$(seq -s, 1 20)"
  mem status "$handle"
  mem status "$handle" -o json
  mem logs "$handle"
  mem list
  mem list -o json
  mem stop "$running"
  mem delete "$handle"
  mem prune --older-than 1d
  mem plugins list
  mem plugins info ray
  mem schema
  mem completion bash
  start_ui "$mem_state" /usr/bin/time -f %M -o "$state/ui.peak"
  curl -sf -o /dev/null -H "X-Dlaunch-Token:$ui_token" "$ui_base/api/jobs"
  kill "$(pgrep -P "$ui_pid")"
  wait "$ui_pid"
  printf '| `dlaunch ui`, one `GET /api/jobs` | %s MiB |\n' "$(mib "$(tail -n 1 "$state/ui.peak")")"
  k8s_spec=examples/kubernetes-ddp.toml
  mem validate "$k8s_spec" -p kubernetes
  mem run "$k8s_spec" -p kubernetes --dry-run
  # On the plane, in a namespace of its own that the configuration names (a subshell: the sections after
  # this one keep the bench's configuration).
  if k8s_plane; then (
    ns=dlaunch-bench-memory
    export XDG_CONFIG_HOME="$state/k8s-memory"
    mkdir -p "$XDG_CONFIG_HOME/dlaunch"
    printf '[platform.kubernetes]\nnamespace = "%s"\n' "$ns" >"$XDG_CONFIG_HOME/dlaunch/config.toml"
    "$K8S_KUBECTL" --kubeconfig "$KUBECONFIG" create namespace "$ns" >/dev/null 2>&1 || true
    echo "| on the Kubernetes test plane, namespace $ns, its pods running for a second: | |"
    mem run "$k8s_spec" -p kubernetes
    mem run "$k8s_spec" -p kubernetes --wait
    handle=$(XDG_STATE_HOME=$mem_state "$dlaunch" run "$k8s_spec" -p kubernetes --wait | tail -n 1)
    mem status "$handle"
    mem logs "$handle"
    mem list
    mem list -p kubernetes
    mem delete "$handle"
    handle=$(XDG_STATE_HOME=$mem_state "$dlaunch" run "$k8s_spec" -p kubernetes \
      --set 'platform.kubernetes.annotations={"dlaunch.test/duration"="60s"}' | tail -n 1)
    mem stop "$handle"
    "$K8S_KUBECTL" --kubeconfig "$KUBECONFIG" delete namespace "$ns" --wait=false >/dev/null
  ) else
    echo "| \`dlaunch run/status/logs/list/stop/delete\` on Kubernetes | not measured: no test plane running" \
         "(scripts/k8s-plane.sh start) |"
  fi
fi

# A Ray working_dir package made by a dry run (no cluster: the package is zipped, nothing is sent), timed by
# /usr/bin/time (elapsed, peak resident memory): many empty files (the bound: 64 MiB of memory whatever the
# directory holds), and 3 GiB of random data, which a sample refuses before anything is zipped. Slow to set up
# (~1 min, 3 GiB of disk), so a benchmark, not a test. DLAUNCH_BENCH="build/bin/dlaunch other/build/bin/dlaunch" measures several
# builds on the same trees.
if want package; then
  pkg="$state/package"
  python3 - "$pkg" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(300):  # 300 directories of 1,000 empty files
    os.makedirs(f"{root}/nested/dir-{d:03}")
    for f in range(1000):
        open(f"{root}/nested/dir-{d:03}/module-{f:04}.py", "w").close()
os.makedirs(f"{root}/flat")  # 300,000 empty files in one directory
for f in range(300000):
    open(f"{root}/flat/module-{f:06}.py", "w").close()
os.makedirs(f"{root}/random")
PY
  head -c 3G /dev/urandom >"$pkg/random/data.bin"
  printf '| dlaunch | working_dir | time | peak resident memory | outcome |\n|---|---|---:|---:|---|\n'
  for tree in nested flat random; do
    printf 'name = "package"\nworking_dir = "%s"\n[[roles]]\nname = "main"\nentrypoint = ["true"]\n' \
      "$pkg/$tree" >"$pkg/$tree.toml"
    for binary in ${DLAUNCH_BENCH:-$dlaunch}; do
      /usr/bin/time -o "$pkg/time" -f '%e s|%M' "$binary" run "$pkg/$tree.toml" -p ray --dry-run \
        >/dev/null 2>"$pkg/err" || true
      result=$(tail -n 1 "$pkg/time")
      kb=${result#*|}
      outcome=$(grep -o 'cannot fit\|far over\|zipping stopped' "$pkg/err" | head -n 1 || true)
      printf '| `%s` | %s | %s | %s MiB | %s |\n' "$binary" "$tree" "${result%|*}" "$(mib "$kb")" \
        "${outcome:-zipped}"
    done
  done
  rm -rf "$pkg"
fi

# The cluster listens on ports it picked at start; `status` prints its address. Both dlaunch (the ray
# plugin's default address) and Ray's CLI take it from RAY_ADDRESS.
if ! want ray; then
  :
elif ray_address=$(scripts/ray-cluster.sh status 2>/dev/null); then
  export RAY_ADDRESS=$ray_address
  ray_venv=${DLAUNCH_RAY_VENV:-build/ray-venv}
  ray=$ray_venv/bin/ray
  handle=$("$dlaunch" run examples/hello.toml -p ray | tail -n 1)
  "$dlaunch" status "$handle" --wait >/dev/null
  id=${handle#ray:}
  timed --warmup 2 --runs 10 \
    "$dlaunch status $handle" "$ray job status $id" \
    "$dlaunch logs $handle" "$ray job logs $id"
  # A submit, no wait, of a job whose working_dir is empty (nothing to ship): dlaunch with its cached server
  # version (one POST), dlaunch asking the version first (the cache removed before each run), the same job with a small working_dir (the check that it is on the cluster, then the
  # POST, over one kept-alive connection), the floor (one curl POST of the body dlaunch sends) and Ray's
  # CLI. Each run leaves a finished job on the cluster.
  mkdir -p "$state/ray-empty" "$state/ray-small"
  printf 'name = "bench"\nworking_dir = "%s"\n[[roles]]\nname = "main"\nentrypoint = ["true"]\n' "$state/ray-empty" \
    >"$state/one.toml"
  printf 'name = "bench"\n[[roles]]\nname = "main"\nentrypoint = ["true"]\n' >"$state/ray-small/small.toml"
  # The floor's body is the one dlaunch sends (its dry run's), less the submission id: Ray refuses a second
  # job of one id, and makes one up when the body has none.
  "$dlaunch" run "$state/one.toml" -p ray --dry-run | python3 -c '
import json, sys
text = sys.stdin.read()
post = text[text.rindex("\nPOST "):]
body = json.loads(post[post.index("\n\n") + 2:])
del body["submission_id"]
print(json.dumps(body))' >"$state/body.json"
  "$dlaunch" run "$state/one.toml" -p ray >/dev/null  # caches the server version
  in_turns 30 4 \
    "dlaunch run one.toml -p ray (version cached)" "" "$dlaunch run $state/one.toml -p ray" \
    "dlaunch run one.toml -p ray (version asked)" "rm -rf $state/dlaunch/plugins/ray/server-versions" \
    "$dlaunch run $state/one.toml -p ray" \
    "dlaunch run small.toml -p ray (a small working_dir, on the cluster already)" "" \
    "$dlaunch run $state/ray-small/small.toml -p ray" \
    "curl: one POST /api/jobs/ of the same body" "" \
    "curl -sf -o /dev/null -H Content-Type:application/json --data-binary @$state/body.json $ray_address/api/jobs/" \
    "ray job submit --no-wait -- true" "" "$ray job submit --no-wait -- true"
  # The goal's pair alone: dlaunch and one curl POST in turns, 31 rounds, so each pair meets the same server
  # (Ray's answer to a POST varies from tens to hundreds of milliseconds with the cluster's load).
  in_turns 31 2 \
    "dlaunch run one.toml -p ray (version cached)" "" "$dlaunch run $state/one.toml -p ray" \
    "curl: one POST /api/jobs/ of the same body" "" \
    "curl -sf -o /dev/null -H Content-Type:application/json --data-binary @$state/body.json $ray_address/api/jobs/"
  # Where dlaunch's time goes, the server left out: a process that prints its version, then with the spec
  # validated and the ray plugin (and libcurl) loaded, then with the request body built and libcurl set up
  # (the dry run); against curl's own start (`curl --version` loads and sets up the same libcurl).
  timed --warmup 3 --runs 40 \
    "$dlaunch version" "$dlaunch validate $state/one.toml -p ray" "$dlaunch run $state/one.toml -p ray --dry-run" \
    "curl --version"
  # What a submit sends, and over which connections (-v prints the plugin's debug lines).
  "$dlaunch" -v run "$state/ray-small/small.toml" -p ray 2>&1 | grep -E "(GET|POST|PUT) http" >&2 || true
  echo "peak memory of dlaunch status: $(peak_mib "$dlaunch" status "$handle") MiB," \
       "logs: $(peak_mib "$dlaunch" logs "$handle") MiB"

  # 100 jobs: one dlaunch sweep against a Python loop over JobSubmissionClient.submit_job (Ray's own client,
  # from the same venv as the cluster) submitting the same body as dlaunch, and the floor: one curl process
  # POSTing that body 100 times, 8 at a time (what any client sending 8 at once gets from this cluster).
  # Each a whole process, 3 runs each, in turns. Ray answers a POST more slowly the more jobs are live (it
  # starts each job's supervisor before answering), and each run leaves 100 jobs that each wait for one of
  # the cluster's CPUs: the table starts once the cluster has no live job (the runs above drained), and the
  # rounds rotate which command meets which backlog. Stopping the jobs between runs would take longer than
  # letting them finish (about 2 s a job here).
  cat >"$state/submit_loop.py" <<'PY'
import json, os, sys
from ray.job_submission import JobSubmissionClient
body = json.load(open(sys.argv[1]))
client = JobSubmissionClient(os.environ["RAY_ADDRESS"])
for i in range(100):
    client.submit_job(**body)
PY
  # Waits until no job of the cluster is pending or running (at most 15 minutes), and says how long it took.
  cat >"$state/settle_ray.py" <<'PY'
import json, os, sys, time, urllib.request
address = os.environ["RAY_ADDRESS"].rstrip("/")
started = time.monotonic()
while True:
    with urllib.request.urlopen(address + "/api/jobs/", timeout=120) as answer:
        live = sum(job["status"] in ("PENDING", "RUNNING") for job in json.load(answer))
    waited = time.monotonic() - started
    if live == 0:
        print(f"bench: the Ray cluster has no live job (waited {waited:.0f} s)", file=sys.stderr)
        break
    if waited > 900:
        sys.exit(f"bench: {live} Ray jobs still live after 15 minutes")
    time.sleep(2)
PY
  python3 "$state/settle_ray.py"
  urls=$(for _ in $(seq 100); do printf '%s/api/jobs/ ' "$ray_address"; done)
  in_turns 3 1 \
    "dlaunch run one.toml -p ray --sweep seed=1,...,100" "" \
    "$dlaunch run $state/one.toml -p ray --sweep seed=$(seq -s, 1 100)" \
    "Python: 100 x JobSubmissionClient.submit_job" "" "$ray_venv/bin/python $state/submit_loop.py $state/body.json" \
    "curl: 100 POSTs of the same body, 8 at a time (the floor)" "" \
    "curl -sf --parallel --parallel-max 8 -H Content-Type:application/json --data-binary @$state/body.json $urls"
  # Peak memory of a submit and of a 20-job sweep, 5 runs each in turns: the range.
  ray_single_mib=() ray_sweep_mib=()
  for _ in 1 2 3 4 5; do
    ray_single_mib+=("$(peak_mib "$dlaunch" run "$state/one.toml" -p ray)")
    ray_sweep_mib+=("$(peak_mib "$dlaunch" run "$state/one.toml" -p ray --sweep "seed=$(seq -s, 1 20)")")
  done
  echo "peak memory of dlaunch run -p ray, 5 runs: $(printf '%s\n' "${ray_single_mib[@]}" | sort -n | tr '\n' ' ')MiB;" \
       "of a 20-job sweep: $(printf '%s\n' "${ray_sweep_mib[@]}" | sort -n | tr '\n' ' ')MiB"
else
  echo "bench: no Ray cluster running (scripts/ray-cluster.sh start): skipping the comparison with ray job" >&2
fi

# dlaunch against kubectl and curl on one Kubernetes API server: a running test plane (scripts/k8s-plane.sh
# start, or the environment file DLAUNCH_K8S_PLANE_ENV names) gives the kubeconfig, the server and a token.
if ! want kubernetes; then
  :
elif k8s_plane; then
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
  timed --warmup 2 --runs 15 "${args[@]}" "${commands[@]}"
  "${kubectl[@]}" delete namespace "$ns" --wait=false >/dev/null
else
  echo "bench: no Kubernetes test plane (scripts/k8s-plane.sh start): skipping dlaunch against kubectl and curl" >&2
fi

# `import dlaunch` (the python-import row): the package loads libdlaunch only when first used, so importing
# it costs its own few modules; against a Python that imports nothing, from the package's sources.
if want python; then
  python=$(scripts/python-venv.sh install)/python
  timed --warmup 5 --runs 40 \
    --command-name "python-import: python -c 'import dlaunch'" --command-name "python -c pass" \
    "env PYTHONPATH=bindings/python/src DLAUNCH_NATIVE_DIR=build $python -c 'import dlaunch'" "$python -c pass"
fi
