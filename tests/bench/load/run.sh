#!/usr/bin/env bash
# The full relay load measurement (issue 13): SQLite on one node, PostgreSQL on one
# node, PostgreSQL on three nodes, each with 1 000 and 10 000 simulated devices.
# Builds relay_load and lagrum-relay in Release (build-load-bench/), runs niced, and
# writes one JSON file per run plus a summary table to OUT (default a new folder in
# /tmp).
#
#   tests/bench/load/run.sh [OUT]
#   LOAD_DEVICES="1000"  LOAD_SECONDS=60  LOAD_CONFIGS="sqlite pg1 pg3"  (overrides)
#
# Every device holds one Subscribe stream; streams are HTTP/2 streams multiplexed over
# a channel per 250 devices per node, so descriptors stay low, but the relays and the
# PostgreSQL server inherit the raised descriptor limit below.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
out=${1:-$(mktemp -d /tmp/lagrum-load-XXXXXX)}
mkdir -p "$out"
build=${LOAD_BUILD:-$root/build-load-bench}
devices=${LOAD_DEVICES:-"1000 10000"}
seconds=${LOAD_SECONDS:-60}
configs=${LOAD_CONFIGS:-"sqlite pg1 pg3"}

if [[ ! -x $build/tests/bench/load/relay_load || ${LOAD_REBUILD:-1} == 1 ]]; then
    export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAGRUM_WERROR=OFF >/dev/null
    nice -n 19 cmake --build "$build" -j2 --target relay_load lagrum-relay
fi
ulimit -n "$(ulimit -Hn)" || true
echo "descriptor limit: $(ulimit -n); results in $out"

for n in $devices; do
    for c in $configs; do
        case $c in
            sqlite) args=() ;;
            pg1) args=(--postgres) ;;
            pg3) args=(--postgres --nodes 3) ;;
            *) echo "unknown configuration $c" >&2; exit 2 ;;
        esac
        name="$c-$n"
        echo "== $name"
        # The devices' rooms are the same in every configuration (same seed).
        nice -n 19 "$build/tests/bench/load/relay_load" --devices "$n" --seconds "$seconds" \
            --inflight "${LOAD_INFLIGHT:-64}" --label "$name" --json "$out/$name.json" \
            "${args[@]}" | grep -v '^{' | tee "$out/$name.txt" || echo "($name failed)"
    done
done

# Summary table and ratios (from the JSON files).
python3 - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
runs = {}
for f in sorted(os.listdir(out)):
    if f.endswith('.json'):
        runs[f[:-5]] = json.load(open(os.path.join(out, f)))
cols = ['delivered/s', 'p50 ms', 'p99 ms', 'relay CPU-s/1k', 'pg CPU-s/1k', 'relay RSS MiB',
        'DB B/1k', 'exactly once']
print('%-14s' % 'run' + ''.join('%16s' % c for c in cols))
for name, j in runs.items():
    rss = sum(n['rss_kib'] for n in j['node']) / 1024
    row = [j['delivered_per_second'], j['latency_ms_p50'], j['latency_ms_p99'],
           j['relay_cpu_seconds_per_1000_delivered'], j['postgres_cpu_seconds_per_1000_delivered'],
           rss, j['db_growth_bytes_per_1000_delivered'], str(j['exactly_once'])]
    print('%-14s' % name + ''.join(('%16.3f' % v) if isinstance(v, float) else '%16s' % v for v in row))
for n in sorted({k.split('-')[1] for k in runs}):
    s, p1, p3 = (runs.get(f'{c}-{n}') for c in ('sqlite', 'pg1', 'pg3'))
    if s and p1:
        print(f'{n} devices: PostgreSQL 1 node / SQLite delivered/s = '
              f"{p1['delivered_per_second'] / s['delivered_per_second']:.2f}")
    if p1 and p3:
        print(f'{n} devices: PostgreSQL 3 nodes / 1 node delivered/s = '
              f"{p3['delivered_per_second'] / p1['delivered_per_second']:.2f}")
EOF
