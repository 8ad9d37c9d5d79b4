# One virtual environment per purpose under build/ (sourced, not run; scripts/ui-venv.sh, torch-venv.sh,
# python-venv.sh): created and filled from PyPI only when a pinned distribution is missing or at another
# version, so every later call costs one Python start.
# shellcheck shell=bash

# venv_install NAME DIR REQUIREMENT...: makes DIR a venv holding every REQUIREMENT ("dist==version", or a bare
# "dist" for any version), installing them all when one is not there as asked, then prints DIR/bin.
venv_install() {
  local name=$1 dir=$2
  shift 2
  if ! _venv_has "$dir" "$@"; then
    echo "$name: installing $* into $dir" >&2
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    _venv_has "$dir" "$@" || { echo "$name: $* are not all installed in $dir" >&2; return 1; }
  fi
  echo "$dir/bin"
}

# The installed versions from the distributions' metadata, without importing them (torch's import takes
# seconds); a local version label ("2.15.0+cu128") counts as its public version.
_venv_has() {
  local dir=$1
  shift
  [[ -x "$dir/bin/python" ]] || return 1
  "$dir/bin/python" - "$@" <<'PY' 2>/dev/null
import sys
from importlib.metadata import PackageNotFoundError, version
for requirement in sys.argv[1:]:
    name, _, wanted = requirement.partition("==")
    try:
        found = version(name.split("[")[0]).split("+")[0]
    except PackageNotFoundError:
        sys.exit(1)
    if wanted and found != wanted:
        sys.exit(1)
PY
}
