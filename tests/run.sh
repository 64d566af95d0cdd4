#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
#   tests/run.sh             build/ (RelWithDebInfo), then ctest
#   tests/run.sh --sanitize  build-asan/ with -fsanitize=address,undefined
# Extra arguments after -- go to ctest (e.g. tests/run.sh -- -R Hpke).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build=build
cmake_args=()
ctest_args=()
while (($#)); do
    case "$1" in
        --sanitize) build=build-asan; cmake_args+=(-DLAGRUM_SANITIZE=ON) ;;
        --) shift; ctest_args+=("$@"); break ;;
        *) echo "usage: tests/run.sh [--sanitize] [-- ctest args]" >&2; exit 2 ;;
    esac
    shift
done

"$root/packaging/install-deps.sh"

jobs=$(nproc)
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/lagrum-ccache}
cmake -S . -B "$build" -G Ninja "${cmake_args[@]}"
cmake --build "$build" -j "$jobs"

# ASan: leak checks on; abort on the first UBSan report so it fails the test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
exec ctest --output-on-failure -j "$jobs" --timeout 900 "${ctest_args[@]}"
