#!/usr/bin/env bash
# Installs the Debian packages dlaunch builds against (and nothing that is already there).
# Usage: scripts/install-deps.sh [--with-clusters] [--with-bench] [--with-fuzz]
#   --with-clusters  also installs what the Ray, Slurm and Kubernetes test clusters need, and builds the
#                    Kubernetes test plane from source with Go (scripts/k8s-plane.sh build: ~14 min the first
#                    time, seconds once cached). Without Go that build is skipped with a warning, and the
#                    Kubernetes tests then skip; under CI=true it is an error.
#   --with-bench     also installs hyperfine and GNU time (peak memory), for scripts/bench.sh.
#   --with-fuzz      also installs clang 16 and its libFuzzer and sanitizer runtimes, for scripts/fuzz.sh
#                    (clang 14, also Debian 12's, cannot compile C++23's std::expected).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-program-options-dev
  libtomlplusplus-dev rapidjson-dev libsqlite3-dev
  libcurl4-openssl-dev zlib1g-dev libssl-dev libjansson-dev libyaml-cpp-dev
  googletest libgtest-dev
  python3 python3-venv
  ccache  # scripts/build.sh compiles through it, so the wheel's build (scripts/wheel.sh) compiles nothing again
)
packages+=(chromium chromium-driver)  # the browser tests of `dlaunch ui` (label ui, tests/ui/)
packages+=(zsh fish)  # the completion scripts' tests (tests/cli/completion_test.py)
with_clusters=false
for option in "$@"; do
  case "$option" in
    --with-clusters)
      with_clusters=true
      packages+=(slurm-wlm slurmrestd munge slurm-wlm-jwt-plugin)
      # The Kubernetes plane's start-up (certificates, readiness, free ports); openssl makes the Ray TLS test's CA too.
      packages+=(curl openssl iproute2)
      ;;
    --with-bench) packages+=(hyperfine time) ;;
    --with-fuzz) packages+=(clang-16 libclang-rt-16-dev) ;;
    *) echo "install-deps: unknown option $option" >&2; exit 64 ;;
  esac
done

# The Kubernetes test plane is no Debian package (Debian's etcd and kubectl are too old): it is built from
# source with Go, once, into a per-user cache. Here and not in a test: a cold build outlasts any test timeout.
# It needs nothing from the package list.
if $with_clusters; then
  if ! "$(dirname "$0")/k8s-plane.sh" build; then
    [[ "${CI:-}" == "true" ]] && { echo "install-deps: error: the Kubernetes test plane did not build" >&2; exit 1; }
    echo "install-deps: WARNING: the Kubernetes test plane did not build (see above); the kubernetes tests will skip" >&2
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
  exit 0
fi

sudo_cmd=()
(( EUID == 0 )) || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
