#!/usr/bin/env bash
# Builds the benchmarks in Release (build-bench/) and runs them, printing a table.
# Warnings are not errors here: GCC 12 at -O3 reports false positives (-Wrestrict,
# -Warray-bounds) in library templates; the test build (tests/run.sh) keeps -Werror.
#   tests/bench/run.sh              every *_bench program
#   tests/bench/run.sh crypto mls   only those areas (subfolders of tests/bench: crypto,
#                                   legal, mls, relay, store)
# Extra Google Benchmark flags can be passed through BENCH_FLAGS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
"$root/packaging/install-deps.sh"
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAGRUM_BENCH=ON -DLAGRUM_WERROR=OFF >/dev/null
cmake --build build-bench -j "$(nproc)"

areas=("$@")
if ((${#areas[@]} == 0)); then
    for d in "$root"/tests/bench/*/; do areas+=("$(basename "$d")"); done
fi
for area in "${areas[@]}"; do
    for exe in build-bench/tests/bench/"$area"/*_bench; do
        [[ -x "$exe" ]] || continue
        echo "== $exe"
        # shellcheck disable=SC2086
        "$exe" --benchmark_counters_tabular=true ${BENCH_FLAGS:-}
    done
done
