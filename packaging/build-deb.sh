#!/usr/bin/env bash
# Builds the Debian packages lagrum-relay and lagrum with CPack (packaging/Packaging.cmake).
#
#   packaging/build-deb.sh [BUILD_DIR]      default BUILD_DIR: build-deb/ in the clone
#
# Installs missing build dependencies (as root), configures a Release build, builds only
# what the packages hold, and writes BUILD_DIR/deb/lagrum-relay_*.deb and lagrum_*.deb.
# LAGRUM_DEB_NO_BUILD=1 packs an existing build folder as it is (the packaging test).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build-deb}

if [ "${LAGRUM_DEB_NO_BUILD:-0}" != 1 ]; then
    "$root/packaging/install-deps.sh"
    export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
    if [ ! -f "$build/CMakeCache.txt" ]; then
        cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
    else
        cmake -S "$root" -B "$build" >/dev/null
    fi
    targets=(lagrum lagrum-relay lagrum_packaging_files)
    # Not `ninja ... | grep -q`: under pipefail grep's early exit fails the pipeline.
    known_targets=$(ninja -C "$build" -t targets all 2>/dev/null || true)
    if grep -q '^lagrum-desktop:' <<<"$known_targets"; then
        targets+=(lagrum-desktop)
    fi
    cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
fi

[ -f "$build/CPackConfig.cmake" ] || { echo "build-deb: $build is not configured" >&2; exit 1; }
rm -rf "$build/deb"
# Files in the packages are root-owned whoever builds them; modes do not follow umask.
(umask 022 && cd "$build" && cpack -G DEB --config CPackConfig.cmake >cpack.log 2>&1) || {
    tail -n 30 "$build/cpack.log" >&2
    exit 1
}
ls -1 "$build"/deb/*.deb
