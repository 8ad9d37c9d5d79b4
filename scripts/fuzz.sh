#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/fuzz_*.cpp) in build-fuzz/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs each for DLAUNCH_FUZZ_SECONDS (default 30) from its seed corpus
# (tests/fuzz/corpus/<name>/, plus what earlier runs here added in build-fuzz/corpus/<name>/). Prints the
# executions each reached; a crash, a leak, a hang (10 s on one input) or undefined behaviour fails the run,
# with the input that caused it left in build-fuzz/findings/<name>/. Arguments name fuzzers to run, in that
# order (default: all). DLAUNCH_FUZZ_SECONDS=0 skips fuzzing. DLAUNCH_FUZZ_RUNS=N runs each to N executions
# instead, however long that takes (the long runs outside CI that docs/robustness.md reports; run them under
# `nice -n 19`). DLAUNCH_FUZZ_SANITIZERS=undefined builds without ASan, in build-fuzz-undefined/, several times
# as fast for those long runs; the corpus they grow stays in build-fuzz/corpus/, so the next run of the ordinary
# build executes every input of it under ASan first. Everything stays in build-fuzz*/, which the ordinary build
# never reads.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${DLAUNCH_FUZZ_SECONDS:-30}
runs=${DLAUNCH_FUZZ_RUNS:-}
if [[ -n "$runs" ]]; then
  bound=(-runs="$runs")
else
  bound=(-max_total_time="$seconds")
fi
# ASan's stack-use-after-return check keeps frames on a fake stack that it sweeps whole at every throw; at
# its default size (1 MiB a size class) the sweep took 15-55% of the time of the harnesses whose parsers
# throw on bad input. 64 KiB a class still checks every frame it holds, and those harnesses run 1.5 to 3
# times as fast.
export ASAN_OPTIONS=${ASAN_OPTIONS:-max_uar_stack_size_log=16}
if [[ -z "$runs" && "$seconds" == 0 ]]; then
  echo "fuzz: DLAUNCH_FUZZ_SECONDS=0: not fuzzing" >&2
  exit 0
fi
# Clang 16: Debian 12's clang 14 cannot compile C++23's std::expected from libstdc++ 12.
clang=clang-16
command -v "$clang" >/dev/null || scripts/install-deps.sh --with-fuzz
# No ccache: it does not hash tests/fuzz/ubsan-ignorelist.txt, and would serve objects built with an older one.
sanitizers=${DLAUNCH_FUZZ_SANITIZERS:-address,undefined}
build=build-fuzz
[[ "$sanitizers" == address,undefined ]] || build=build-fuzz-${sanitizers//,/-}
if [[ ! -f $build/build.ninja ]]; then
  CC=$clang CXX=${clang/clang/clang++} cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDLAUNCH_FUZZ=ON -DDLAUNCH_FUZZ_SANITIZERS="$sanitizers" -DDLAUNCH_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target fuzzers

names=("$@")
if (( ${#names[@]} == 0 )); then
  for harness in tests/fuzz/fuzz_*.cpp; do names+=("$(basename "$harness" .cpp | sed 's/^fuzz_//')"); done
fi
status=0
for name in "${names[@]}"; do
  corpus=build-fuzz/corpus/$name findings=$build/findings/$name log=$build/fuzz_$name.log
  if [[ ! -x $build/bin/fuzz_$name ]]; then
    # Outside CI a build may leave a plugin out; under CI every harness is part of the run it reports.
    if [[ "${CI:-}" == true ]]; then
      echo "fuzz: $name not built (its plugin is left out of this build): FAILED under CI=true" >&2
      status=1
    else
      echo "fuzz: $name not built (its plugin is left out of this build): skipped" >&2
    fi
    continue
  fi
  mkdir -p "$corpus" "$findings"
  started=$SECONDS
  if "$build/bin/fuzz_$name" "${bound[@]}" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$findings/" "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    printf 'fuzz: %-16s %12s executions in %s s, corpus %s inputs, no finding\n' "$name" "${executions:-?}" \
      "$((SECONDS - started))" "$(find "$corpus" -type f | wc -l)"
  else
    status=1
    echo "fuzz: $name FAILED; its output ($log) ends with:" >&2
    tail -n 40 "$log" >&2
  fi
done
exit $status
