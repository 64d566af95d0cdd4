#!/usr/bin/env bash
# The long crash-consistency soak (issue 14): tests/soak/run.sh RUNS [BUILD_DIR]
# Runs Soak.Short's driver (soak_test) for RUNS runs in batches of 100, niced, each batch
# with its own seed, and appends one JSON line per batch (and a "# ..." line per failure,
# with its seed and kept world folder) to soak-stats.jsonl in the build folder. Prints the
# totals at the end. Build first: cmake --build BUILD_DIR --target soak_test
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${1:?usage: tests/soak/run.sh RUNS [BUILD_DIR]}
build=${2:-$root/build}
bin=$build/tests/soak/soak_test
[ -x "$bin" ] || { echo "no $bin: build the soak_test target first" >&2; exit 2; }
stats=${LAGRUM_SOAK_STATS:-$build/soak-stats.jsonl}
batch=${LAGRUM_SOAK_BATCH:-100}
status=0
left=$runs
while ((left > 0)); do
    n=$((left < batch ? left : batch))
    seed=${LAGRUM_SOAK_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
    LAGRUM_SOAK_RUNS=$n LAGRUM_SOAK_SEED=$seed LAGRUM_SOAK_STATS=$stats \
        nice -n 19 "$bin" --gtest_filter=Soak.Short || status=1
    left=$((left - n))
done
# Totals over every line of the stats file (this and earlier invocations).
python3 - "$stats" <<'PY'
import json, sys
tot = {}
fails = []
for line in open(sys.argv[1]):
    if line.startswith("#"):
        fails.append(line.strip()); continue
    for k, v in json.loads(line).items():
        if k != "seed" and isinstance(v, (int, float)):
            tot[k] = tot.get(k, 0) + v
print("totals:", json.dumps(tot))
for f in fails: print(f)
PY
exit $status
