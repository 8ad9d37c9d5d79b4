#!/usr/bin/env bash
# A third party's view of the SDK: install dlaunch into a temporary prefix, build the plain-C example
# plugin (sdk/examples/procgroup) out of tree against that prefix only, with CMake and with pkg-config,
# install it into a plugin directory of its own and drive jobs through the installed dlaunch; then a C program
# that uses the installed libdlaunch.
# Usage: out_of_tree_plugin.sh BUILD_DIR EXAMPLE_DIR SOURCE_DIR
source "$(dirname "$0")/lib.sh"
build_dir=$1 example_dir=$2 source_dir=$3

prefix=$work/prefix
plugins=$work/plugins
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
dlaunch=("$prefix/bin/dlaunch" --plugin-dir "$plugins")

echo "== build the example with CMake against $prefix only"
cmake -S "$example_dir" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DDLAUNCH_PLUGIN_INSTALL_DIR="$plugins" \
  >/dev/null
found=$(sed -n 's/^dlaunch_DIR:PATH=//p' "$work/build/CMakeCache.txt")
[[ "$found" == "$prefix/lib/cmake/dlaunch" ]] || fail "find_package(dlaunch) found $found, not the prefix"
! grep -q "$source_dir/sdk/include" "$work/build/build.ninja" || fail "the example build uses the source tree's SDK"
cmake --build "$work/build" >/dev/null
cmake --install "$work/build" >/dev/null
library=$plugins/procgroup/libdlaunch-procgroup.so
[[ -f "$library" && -f "$plugins/procgroup/plugin.json" ]] || fail "cmake --install did not put the plugin in $plugins"
grep -q '"name": "stop_grace_seconds", "type": "integer"' "$plugins/procgroup/plugin.json" ||
  fail "the installed manifest does not declare the options of options.json"
"$source_dir/tests/sdk/check-exports.sh" "$library"

echo "== the installed dlaunch finds it and it passes the conformance checks"
found=$(plugin_dirs "${dlaunch[@]}")
expect_contains "$found" "^procgroup $plugins/procgroup\$" "plugins list"
"${dlaunch[@]}" plugins check "$plugins/procgroup"

echo "== a two-replica job: run, status --wait, logs"
cat >"$work/hello.toml" <<'SPEC'
name = "hello"
[[roles]]
name = "worker"
entrypoint = "echo \"hello from rank $RANK of $WORLD_SIZE, master $MASTER_ADDR:$MASTER_PORT\""
replicas = 2
SPEC
handle=$("${dlaunch[@]}" run "$work/hello.toml" -p procgroup | tail -n 1)
[[ "$handle" == procgroup:* ]] || fail "run printed '$handle', not a procgroup handle"
"${dlaunch[@]}" status --wait "$handle"
logs=$("${dlaunch[@]}" logs "$handle")
expect_contains "$logs" '^\[worker/0\] hello from rank 0 of 2, master 127\.0\.0\.1:[0-9]+$' "logs"
expect_contains "$logs" '^\[worker/1\] hello from rank 1 of 2, master 127\.0\.0\.1:[0-9]+$' "logs"

echo "== a failing job, followed: every line, and the first non-zero exit code as dlaunch's"
cat >"$work/failing.toml" <<'SPEC'
name = "failing"
[[roles]]
name = "worker"
entrypoint = "echo \"rank $RANK ends\"; exit $((RANK * 3))"
replicas = 2
SPEC
code=0
followed=$("${dlaunch[@]}" run "$work/failing.toml" -p procgroup --follow) || code=$?
(( code == 3 )) || fail "run --follow of the failing job exited with $code, not worker/1's 3"
expect_contains "$followed" '^\[worker/0\] rank 0 ends$' "run --follow"
expect_contains "$followed" '^\[worker/1\] rank 1 ends$' "run --follow"

echo "== a plugin that reads job document version 1 only refuses a job that needs version 2"
cat >"$work/elastic.toml" <<'SPEC'
name = "elastic"
[[roles]]
name = "worker"
entrypoint = "true"
replicas = 2
min_replicas = 1
SPEC
code=0
refused=$("${dlaunch[@]}" validate "$work/elastic.toml" -p procgroup 2>&1) || code=$?
(( code != 0 )) || fail "the version 1 plugin accepted a job with min_replicas"
expect_contains "$refused" "schema_version must be 1" "validate of a version 2 job"

echo "== a job that would sleep for an hour: stop leaves no process behind"
# Every process of this job carries the marker in its environment, which is how the test finds them.
marker=procgroup-test-$$-$RANDOM
job_processes() { grep -lsa "^PROCGROUP_TEST_MARKER=$marker\$" /proc/[0-9]*/environ --null-data | cut -d/ -f3 || true; }
kill_leftovers() { job_processes | xargs -r kill -KILL; }
on_exit+=(kill_leftovers)
cat >"$work/sleep.toml" <<SPEC
name = "sleeper"
env = { PROCGROUP_TEST_MARKER = "$marker" }
[[roles]]
name = "sleeper"
entrypoint = ["sleep", "3600"]
replicas = 2
[platform.procgroup]
stop_grace_seconds = 5
SPEC
handle=$("${dlaunch[@]}" run "$work/sleep.toml" -p procgroup | tail -n 1)
expect_contains "$("${dlaunch[@]}" status "$handle")" "RUNNING" "status of the sleeping job"
# Two wrapper shells, each with its sleep once it has forked it.
for _ in {1..50}; do
  running=$(job_processes | wc -l)
  (( running == 4 )) && break
  sleep 0.1
done
(( running == 4 )) || fail "expected 4 processes of the sleeping job (2 wrappers, 2 sleeps), found $running"
"${dlaunch[@]}" stop "$handle"
left=$(job_processes)
[[ -z "$left" ]] || fail "processes of the stopped job remain: $left"
expect_contains "$("${dlaunch[@]}" status "$handle")" "STOPPED" "status of the stopped job"

echo "== list shows the jobs; delete forgets the stopped one"
"${dlaunch[@]}" delete "$handle"
jobs=$("${dlaunch[@]}" list -p procgroup)
expect_contains "$jobs" "^procgroup:dlaunch-hello-.* SUCCEEDED" "list"
expect_contains "$jobs" "^procgroup:dlaunch-failing-.* FAILED" "list"
! grep -q "^$handle " <<<"$jobs" || fail "list still shows the deleted job $handle"

echo "== the same plugin built without CMake, from the pkg-config file only"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
includedir=$(realpath "$(pkg-config --variable=includedir dlaunch-sdk)")
[[ "$includedir" == "$(realpath "$prefix/include")" ]] || fail "dlaunch-sdk.pc points at $includedir"
pc_plugins=$work/pc-plugins
mkdir -p "$pc_plugins/procgroup"
# The manifest and the option table, from the example's options.json, by the script the SDK installs.
cmake -DID=procgroup -DLIBRARY=libdlaunch-procgroup.so -DVERSION=1.0.0 -DDESCRIPTION="built with pkg-config" \
  -DSDK_INCLUDE_DIR="$includedir" -DOPTIONS="$example_dir/options.json" \
  -DMANIFEST="$pc_plugins/procgroup/plugin.json" -DHEADER="$work/pc-generated/dlaunch_plugin_options.h" \
  -P "$(pkg-config --variable=manifestscript dlaunch-sdk)"
grep -q '"manifest_version": 2' "$pc_plugins/procgroup/plugin.json" || fail "the script wrote no version 2 manifest"
# shellcheck disable=SC2046 # the flags are meant to split into words
cc -std=c11 -O2 -shared -fPIC $(pkg-config --cflags dlaunch-sdk jansson) -I"$work/pc-generated" \
  -DDLAUNCH_PLUGIN_VERSION='"1.0.0"' -DDLAUNCH_PLUGIN_DESCRIPTION='"built with pkg-config"' \
  -o "$pc_plugins/procgroup/libdlaunch-procgroup.so" "$example_dir"/src/*.c \
  -Wl,--version-script="$(pkg-config --variable=versionscript dlaunch-sdk)" -Wl,--no-undefined \
  $(pkg-config --libs jansson)
"$source_dir/tests/sdk/check-exports.sh" "$pc_plugins/procgroup/libdlaunch-procgroup.so"
"$prefix/bin/dlaunch" plugins check "$pc_plugins/procgroup"
echo "== a program that uses libdlaunch (the example of docs/client-api.md), built against $prefix only"
cc -std=c11 "$source_dir/examples/client/hello_client.c" -I"$prefix/include" -L"$prefix/lib" -Wl,-rpath,"$prefix/lib" \
  -ldlaunch -o "$work/hello_client"
# No plugin directory is named: the local plugin is found beside $prefix/lib/libdlaunch.so.
ran=$("$work/hello_client" "$source_dir/examples/hello.toml")
expect_contains "$ran" '^\[worker/1\] hello from worker rank 1 of 2' "hello_client"
expect_contains "$ran" '^local:hello-[0-9a-f]+ exited with 0$' "hello_client"
echo "PASS: out-of-tree plugin"
