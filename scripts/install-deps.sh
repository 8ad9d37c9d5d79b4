#!/usr/bin/env bash
# Installs the Debian packages dlaunch builds against (and nothing that is already there).
# Usage: scripts/install-deps.sh [--with-clusters] [--with-bench]
#   --with-clusters  also installs what the Ray and Slurm test clusters need.
#   --with-bench     also installs hyperfine, for scripts/bench.sh.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-program-options-dev
  libtomlplusplus-dev rapidjson-dev
  libcurl4-openssl-dev libzip-dev libssl-dev libjansson-dev
  googletest libgtest-dev
  python3 python3-venv
)
for option in "$@"; do
  case "$option" in
    --with-clusters) packages+=(slurm-wlm slurmrestd munge slurm-wlm-jwt-plugin) ;;
    --with-bench) packages+=(hyperfine) ;;
    *) echo "install-deps: unknown option $option" >&2; exit 64 ;;
  esac
done

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
