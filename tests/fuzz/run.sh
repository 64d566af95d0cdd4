#!/usr/bin/env bash
# Long fuzzing runs (issue 14): builds build-fuzz/ (clang, libFuzzer, ASan+UBSan, the
# same folder as `tests/run.sh --fuzz`) and fuzzes each target in turn, keeping the grown
# corpus outside the repository so the next run starts where this one stopped.
#
#   tests/fuzz/run.sh HOURS [TARGET...]
#   tests/fuzz/run.sh --goal CPU_HOURS [--within HOURS] [TARGET...]
#
# HOURS (may be fractional) is the wall time of the whole run, split evenly across the
# targets (default: every fuzz target). With --goal, each target instead runs for what it
# still lacks of CPU_HOURS CPU-hours in the ledger (a target that has them is skipped),
# so runs on different days add up to the goal; on a busy machine a target gets less
# CPU than wall time, and running --goal again tops it up. --within HOURS caps the wall
# time of a --goal run, for a session or a machine that has only so long: a target is cut
# short at the cap, and one that would get less than a minute is not started. Each target
# runs as one libFuzzer process in fork mode with one job (-fork=1), so a crash is saved
# and the run goes on; LAGRUM_FUZZ_PARALLEL targets (default 1, at most the number of
# cores) run at once, each then getting that many times the share. Run it niced on a
# shared machine:
#   nice -n 19 tests/fuzz/run.sh 2
#   LAGRUM_FUZZ_PARALLEL=2 nice -n 19 tests/fuzz/run.sh --goal 1   # issue 14's goal
#
# Environment:
#   LAGRUM_FUZZ_DIR       where corpora, crashes and logs live
#                         (default ${XDG_CACHE_HOME:-~/.cache}/lagrum-fuzz)
#   LAGRUM_FUZZ_LEDGER    the record of every run (default tests/fuzz/hours.tsv, kept in
#                         git: a build machine's cache does not outlive it, and the
#                         CPU-hours are what issue 14 asks to report)
#   LAGRUM_FUZZ_PARALLEL  targets at once (default 1)
#   LAGRUM_FUZZ_NO_BUILD  set: use build-fuzz/ as it is
#
# Prints per target: seconds, CPU-seconds, executions, new corpus files, and the crash
# files and slow units this run wrote. A slow unit is an input libFuzzer saw take over
# 10 s of wall time; at nice 19 beside a build that is usually a starved process, so it
# is counted apart from the crashes and kept in crashes/ to be replayed alone (an input
# past -timeout=25 is a timeout- file, a crash). Appends the same to the ledger as soon
# as that target ends (so a run that is killed later keeps what it finished), and prints
# each target's totals over every run recorded there. Exit status 1 when any target's
# crashes/ holds a crash file, from this run or an earlier one (an open crash).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$root/build-fuzz

goal=
within=
if [[ ${1:-} == --goal ]]; then
    goal=${2:-}
    shift 2 || true
    hours=$goal
    if [[ ${1:-} == --within ]]; then
        within=${2:-}
        shift 2 || true
        [[ $within =~ ^[0-9]*\.?[0-9]+$ ]] || hours=bad
    fi
else
    hours=${1:-}
    shift || true
fi
if ! [[ $hours =~ ^[0-9]*\.?[0-9]+$ ]]; then
    echo "usage: tests/fuzz/run.sh HOURS [TARGET...] | --goal CPU_HOURS [--within HOURS] [TARGET...]" >&2
    exit 64
fi
out=${LAGRUM_FUZZ_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lagrum-fuzz}
parallel=${LAGRUM_FUZZ_PARALLEL:-1}
if ! [[ $parallel =~ ^[1-9][0-9]*$ ]] || ((parallel > $(nproc))); then
    echo "run.sh: LAGRUM_FUZZ_PARALLEL must be 1..$(nproc)" >&2
    exit 64
fi
mkdir -p "$out"
ledger=${LAGRUM_FUZZ_LEDGER:-$root/tests/fuzz/hours.tsv}

if [[ -z ${LAGRUM_FUZZ_NO_BUILD:-} ]]; then
    export CC=clang CXX=clang++ CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
    cmake -S "$root" -B "$build" -G Ninja -DLAGRUM_FUZZ=ON >/dev/null
    cmake --build "$build" -j "$(nproc)" --target lagrum_fuzzers
fi

# Every fuzz target and its seed folders, from the ctest files:
# add_test([=[fuzz.NAME]=] "BINARY" "-flag"... "SEED_DIR"...).
declare -A binary seeds
all=()
while IFS= read -r line; do
    name=${line#add_test(\[=\[fuzz.}
    name=${name%%]=]*}
    [[ $name == seeds ]] && continue
    mapfile -t args < <(grep -o '"[^"]*"' <<<"$line" | tr -d '"')
    binary[$name]=${args[0]}
    dirs=()
    for a in "${args[@]:1}"; do [[ $a == -* ]] || dirs+=("$a"); done
    seeds[$name]="${dirs[*]}"
    all+=("$name")
done < <(find "$build/tests/fuzz" -name CTestTestfile.cmake -exec grep -h '^add_test(\[=\[fuzz\.' {} +)

targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
for t in "${targets[@]}"; do
    if [[ -z ${binary[$t]:-} ]]; then
        echo "run.sh: no fuzz target $t (have: ${all[*]})" >&2
        exit 64
    fi
done

# The MLS vectors' seeds (fuzz.seeds fixture), the legal examples', cert_fuzz's and
# control_fuzz's are cut by fuzz_seeds.
seeds_line=$(find "$build/tests/fuzz" -maxdepth 1 -name CTestTestfile.cmake -exec grep -h '^add_test(\[=\[fuzz\.seeds\]=\] ' {} +)
mapfile -t seeds_args < <(grep -o '"[^"]*"' <<<"$seeds_line" | tr -d '"')
"${seeds_args[@]}" >/dev/null

# Seconds of fuzzing per target: an even share of HOURS, or (--goal) what each still
# lacks, largest first so the parallel slots stay busy to the end.
declare -A budget
if [[ -z $goal ]]; then
    per=$(awk -v h="$hours" -v n="${#targets[@]}" -v p="$parallel" 'BEGIN { s = int(h * 3600 * p / n); print (s < 1 ? 1 : s) }')
    for t in "${targets[@]}"; do budget[$t]=$per; done
    echo "run.sh: ${#targets[@]} target(s), ${per}s each, $parallel at a time; corpora in $out"
else
    touch "$ledger"
    plan=()
    while read -r t lack; do
        budget[$t]=$lack
        plan+=("$t")
    done < <(for t in "${targets[@]}"; do
        awk -F'\t' -v t="$t" -v g="$goal" '/^#/ { next } $2 == t { cpu += $4 } END { s = int(g * 3600 - cpu); if (s > 0) print t, (s < 60 ? 60 : s) }' "$ledger"
    done | sort -k2,2nr)
    if ((${#plan[@]} == 0)); then
        echo "run.sh: every target has ${goal} CPU-hour(s) in $ledger"
        exit 0
    fi
    echo "run.sh: ${#plan[@]} target(s) short of ${goal} CPU-hour(s), $parallel at a time${within:+, for at most $within h}; corpora in $out"
    for t in "${plan[@]}"; do printf '  %-24s %8ss\n' "$t" "${budget[$t]}"; done
    targets=("${plan[@]}")
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp}

# One target for SECONDS: prints "NAME SECONDS CPU_SECONDS EXECUTIONS NEW_FILES
# CRASH_FILES SLOW_UNITS" to its result file and appends it to the ledger (one short
# line, written with O_APPEND: parallel targets do not interleave).
fuzz_one() {
    local t=$1 seconds=$2 dir=$out/$1
    mkdir -p "$dir/corpus" "$dir/crashes"
    local before start log=$dir/last.log
    before=$(find "$dir/corpus" -type f | wc -l)
    start=$(date +%s)
    # Files in crashes/ stay there until someone looks at them; the ledger counts only
    # those this run wrote (newer than this mark), so one slow unit is not counted again
    # by every later run of the target.
    touch "$dir/started"
    # Seed folders are read, never written: new inputs go to $dir/corpus (first folder).
    # shellcheck disable=SC2086
    (
        cd "$dir"
        "${binary[$t]}" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
            -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
            -artifact_prefix="$dir/crashes/" "$dir/corpus" ${seeds[$t]} >"$log" 2>&1 || true
        # The children's user and system time (the second line; not through a pipe,
        # whose subshell has no children): the target's CPU-seconds.
        times >"$dir/times"
    )
    local cpu execs after crashes slow
    cpu=$(awk 'NR == 2 { for (i = 1; i <= 2; ++i) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } } END { printf "%.0f", s }' "$dir/times")
    # Fork mode prints "#RUNS: cov: ..." lines with the total executions so far.
    execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    after=$(find "$dir/corpus" -type f | wc -l)
    crashes=$(find "$dir/crashes" -type f ! -name 'slow-unit-*' -newer "$dir/started" | wc -l)
    slow=$(find "$dir/crashes" -type f -name 'slow-unit-*' -newer "$dir/started" | wc -l)
    local secs=$(($(date +%s) - start))
    echo "$t $secs $cpu ${execs:-0} $((after - before)) $crashes $slow" >"$dir/result"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$t" "$secs" "$cpu" \
        "${execs:-0}" "$crashes" "$slow" >>"$ledger"
}

deadline=
[[ -n $within ]] && deadline=$(awk -v n="$(date +%s)" -v h="$within" 'BEGIN { printf "%d", n + h * 3600 }')
running=0
for t in "${targets[@]}"; do
    rm -f "$out/$t/result"
    seconds=${budget[$t]}
    if [[ -n $deadline ]]; then
        left=$((deadline - $(date +%s)))
        ((left >= 60)) || continue
        ((seconds <= left)) || seconds=$left
    fi
    fuzz_one "$t" "$seconds" &
    running=$((running + 1))
    if ((running >= parallel)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

status=0
printf '%-24s %8s %8s %12s %6s %7s %5s\n' target seconds cpu-s executions new crashes slow
for t in "${targets[@]}"; do
    if [[ ! -f $out/$t/result ]]; then
        printf '%-24s  not started: the --within cap was reached\n' "$t"
        continue
    fi
    read -r name secs cpu execs new crashes slow <"$out/$t/result"
    printf '%-24s %8s %8s %12s %6s %7s %5s\n' "$name" "$secs" "$cpu" "$execs" "$new" "$crashes" "$slow"
    # Any crash file left in crashes/, new or from an earlier run, is an open crash.
    open=$(find "$out/$t/crashes" -type f ! -name 'slow-unit-*' -printf '  %p\n')
    if [[ -n $open ]]; then
        status=1
        echo "$open"
    fi
done
echo "totals over every run in $ledger (target, cpu-seconds, executions${goal:+, cpu-seconds short of $goal h}):"
awk -F'\t' -v g="${goal:-0}" '/^#/ { next } { cpu[$2] += $4; ex[$2] += $5 }
    END { for (t in cpu) { short = g * 3600 - cpu[t]; printf "  %-24s %10d %14d", t, cpu[t], ex[t];
                           if (g > 0) printf " %10d", (short > 0 ? short : 0); printf "\n" } }' \
    "$ledger" | sort
exit $status
