# Compiles through ccache when it is there (sourced, not run; scripts/install-deps.sh installs it):
# scripts/build.sh and the wheel's build (scripts/wheel.sh) then share one cache, and the wheel, built in a
# directory of its own with the same flags, compiles nothing that build.sh compiled. CMake takes the launchers
# from the environment when it configures a new build directory.
# shellcheck shell=bash

# use_ccache ROOT: ROOT is the source tree. With it as the base directory ccache hashes paths relative to
# the build directory, so build/ and build-wheel/ (siblings: the same depth) share every entry; the build
# directory's own name is left out of the hash (NOHASHDIR) for the same reason. The compilers are named
# alike too (ccache hashes the name: c++ and g++ miss each other), as CMake picks them by default: left to
# itself, scikit-build-core would take Python's (gcc, g++).
use_ccache() {
  export CC="${CC:-cc}" CXX="${CXX:-c++}"
  command -v ccache >/dev/null || return 0
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$1}" CCACHE_NOHASHDIR=1
}
