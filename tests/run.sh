#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
#   tests/run.sh             build/ (RelWithDebInfo, g++), then every test (ctest)
#   tests/run.sh --sanitize  the same in build-asan/ with -fsanitize=address,undefined
#   tests/run.sh --fuzz      build-fuzz/ (clang, libFuzzer): each fuzz target runs for
#                            LAGRUM_FUZZ_SECONDS (default 20) from its seed corpus
# Extra arguments after -- go to ctest (e.g. tests/run.sh -- -R Hpke).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build=build
target=all
cmake_args=()
ctest_args=()
while (($#)); do
    case "$1" in
        --sanitize) build=build-asan; cmake_args+=(-DLAGRUM_SANITIZE=ON) ;;
        --fuzz)
            build=build-fuzz
            target=lagrum_fuzzers
            export CC=clang CXX=clang++
            cmake_args+=(-DLAGRUM_FUZZ=ON "-DLAGRUM_FUZZ_SECONDS=${LAGRUM_FUZZ_SECONDS:-20}")
            ctest_args+=(-L fuzz)
            ;;
        --) shift; ctest_args+=("$@"); break ;;
        *) echo "usage: tests/run.sh [--sanitize|--fuzz] [-- ctest args]" >&2; exit 2 ;;
    esac
    shift
done

"$root/packaging/install-deps.sh"

jobs=$(nproc)
# Let clones in other folders share cache hits (paths are rewritten relative to root).
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
cmake -S . -B "$build" -G Ninja "${cmake_args[@]}"
cmake --build "$build" -j "$jobs" --target "$target"

# ASan: leak checks on; stop at the first UBSan report so it fails the test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp}
cd "$build"
exec ctest --output-on-failure -j "$jobs" --timeout 900 "${ctest_args[@]}"
