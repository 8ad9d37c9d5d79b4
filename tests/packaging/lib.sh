# Shared by the packaging tests (sourced): strict mode, loud failures, a private temporary directory and
# an isolated user environment, so nothing of the machine's or the user's dlaunch setup is seen or touched.
set -Eeuo pipefail
# Plugin directories must not be group- or world-writable, or the host refuses them.
umask 022

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND exited with $?" >&2' ERR

# Creates $work (removed on exit, after the cleanup functions listed in $on_exit) and points every XDG
# directory into it.
on_exit=()
run_on_exit() {
  local action
  for action in "${on_exit[@]}"; do "$action" || true; done
  rm -rf "$work"
}
work=$(mktemp -d "${TMPDIR:-/tmp}/dlaunch-packaging.XXXXXX")
trap run_on_exit EXIT
export XDG_STATE_HOME=$work/xdg-state XDG_DATA_HOME=$work/xdg-data XDG_CONFIG_HOME=$work/xdg-config
# The current directory becomes the working directory of jobs that name none (`plugins check` makes one):
# a small, private one, with a file in it as a job's directory has.
mkdir "$work/cwd"
cd "$work/cwd"
echo "the working directory of the packaging tests' jobs" >README
unset DLAUNCH_PLUGIN_PATH

# expect_contains TEXT PATTERN WHAT: fails unless TEXT has a line matching the extended regex PATTERN.
expect_contains() {
  grep -Eq -- "$2" <<<"$1" || fail "$3: no line matches /$2/ in:"$'\n'"$1"
}

# plugin_dirs DLAUNCH [ARGS...]: "ID DIRECTORY" for every plugin `dlaunch plugins list` finds; fails when
# it reports a refused plugin.
plugin_dirs() {
  "$@" plugins list --output json | python3 -c '
import json, os, sys
listing = json.load(sys.stdin)
if listing["problems"]:
    sys.exit("dlaunch refused plugins: %s" % listing["problems"])
for plugin in listing["plugins"]:
    print(plugin["id"], os.path.dirname(plugin["manifest"]))'
}
