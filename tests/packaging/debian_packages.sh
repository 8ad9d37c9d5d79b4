#!/usr/bin/env bash
# The Debian packages as users get them: built with cpack from the finished build, checked for names,
# dependencies and contents, unpacked with dpkg -x into a temporary root (never installed on this
# machine), and the unpacked dlaunch listing every packaged plugin from that root.
# Usage: debian_packages.sh BUILD_DIR VERSION SHIPPED_PLUGIN_ID...
source "$(dirname "$0")/lib.sh"
build_dir=$1 version=$2
shift 2
shipped_ids=("$@")

packages=$work/packages
(cd "$build_dir" && cpack -G DEB -B "$packages" >/dev/null)
arch=$(dpkg --print-architecture)

# package_files DEB: the paths a package holds, without the leading "./".
package_files() { dpkg-deb --fsys-tarfile "$1" | tar -t | sed 's|^\./||'; }

echo "== dlaunch: the command, the local platform, the SDK and the docs"
main=$packages/dlaunch_${version}_$arch.deb
[[ -f "$main" ]] || fail "cpack made no $main; it made: $(ls "$packages")"
[[ "$(dpkg-deb -f "$main" Package)" == dlaunch ]] || fail "$main is not named dlaunch"
files=$(package_files "$main")
expected=(
  usr/bin/dlaunch
  usr/lib/dlaunch/plugins/local/plugin.json usr/lib/dlaunch/plugins/local/libdlaunch-local.so
  usr/include/dlaunch/plugin.h usr/lib/cmake/dlaunch/dlaunchConfig.cmake usr/lib/pkgconfig/dlaunch-sdk.pc
  usr/lib/libdlaunch.so usr/include/dlaunch/client.h
  usr/share/doc/dlaunch/README.md
)
for path in "${expected[@]}"; do
  expect_contains "$files" "^$path\$" "contents of the dlaunch package"
done

plugin_ids=()
for id in "${shipped_ids[@]}"; do
  [[ "$id" == local ]] || plugin_ids+=("$id")
done
for id in "${plugin_ids[@]}"; do
  echo "== dlaunch-plugin-$id: only its plugin directory, and it needs dlaunch $version"
  deb=$packages/dlaunch-plugin-${id}_${version}_$arch.deb
  [[ -f "$deb" ]] || fail "cpack made no $deb; it made: $(ls "$packages")"
  [[ "$(dpkg-deb -f "$deb" Package)" == "dlaunch-plugin-$id" ]] || fail "$deb is not named dlaunch-plugin-$id"
  expect_contains "$(dpkg-deb -f "$deb" Depends)" "(^|, )dlaunch \(= $version\)(,|\$)" "Depends of $deb"
  # libcurl and libssl are loaded when a request needs them, not linked: the package must name them itself.
  expect_contains "$(dpkg-deb -f "$deb" Depends)" "(^|, )libcurl4(,|\$| )" "Depends of $deb"
  expect_contains "$(dpkg-deb -f "$deb" Depends)" "(^|, )libssl3(,|\$| )" "Depends of $deb"
  # Nothing but the plugin's directory and the directories above it ("" is the package root).
  parents='|usr/|usr/lib/|usr/lib/dlaunch/|usr/lib/dlaunch/plugins/'
  outside=$(package_files "$deb" | grep -Ev "^($parents|usr/lib/dlaunch/plugins/$id/.*)\$" || true)
  [[ -z "$outside" ]] || fail "$deb installs outside usr/lib/dlaunch/plugins/$id/: $outside"
done
debs=("$packages"/*.deb)
(( ${#debs[@]} == 1 + ${#plugin_ids[@]} )) || fail "expected dlaunch and one package per plugin, got: ${debs[*]##*/}"

echo "== unpacked into a temporary root, dlaunch finds every packaged plugin there"
root=$work/root
for deb in "${debs[@]}"; do dpkg -x "$deb" "$root"; done
dlaunch=$root/usr/bin/dlaunch
found=$(plugin_dirs "$dlaunch")
for id in "${shipped_ids[@]}"; do
  expect_contains "$found" "^$id $root/usr/lib/dlaunch/plugins/$id\$" "plugins list of the unpacked dlaunch"
  # The packaged (stripped) libraries, not only the built ones, keep the plugin contract.
  report=$("$dlaunch" plugins check "$root/usr/lib/dlaunch/plugins/$id" 2>&1) ||
    fail "plugins check of the packaged $id:"$'\n'"$report"
done
info=$("$dlaunch" plugins info local)
expect_contains "$info" "^library: +$root/usr/lib/dlaunch/plugins/local/libdlaunch-local\.so\$" "plugins info local"
echo "PASS: Debian packages (${debs[*]##*/})"
