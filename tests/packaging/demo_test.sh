#!/usr/bin/env bash
# Packaging.DemoHeadless: packaging/demo.sh --headless DIR, twice, with the binaries of
# the build folder (LAGRUM_DEMO_NO_BUILD=1), each run bounded by `timeout`.
#   demo_test.sh SOURCE_DIR BUILD_DIR [TIMEOUT_SECONDS]
set -uo pipefail
src=$1
build=$2
limit=${3:-540}
work=$(mktemp -d "${TMPDIR:-/tmp}/lagrum-demo-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The relay processes whose command line names our folder (never anyone else's).
relays_left() {
    local p cmd
    for p in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        [[ "$cmd" == *"lagrum-relay --config relay.toml"* ]] || continue
        [ "$(readlink "$p/cwd" 2>/dev/null)" = "$work/world" ] && echo "${p#/proc/}"
    done
    return 0
}

run_demo() {  # $1: output file
    env LAGRUM_BUILD_DIR="$build" LAGRUM_DEMO_NO_BUILD=1 \
        timeout --kill-after=10 "$limit" bash "$src/packaging/demo.sh" --headless \
        "$work/world" </dev/null >"$1" 2>&1
}

half=$((limit / 2))
limit=$half
run_demo "$work/first.out"
rc=$?
cat "$work/first.out"
[ $rc -eq 0 ] || fail "first run exited with $rc"
for want in "creating a demo world" "Borås stad socialtjänst" "Polisen Region Väst" \
    "Sjöängsskolan" "se.boras.skola/elin" "orosanmälan" \
    "REFUSED (exit code 3)" "se.boras.skola/dora (school): blocked" \
    "recipient_not_allowed: The provision does not allow disclosure" \
    "se.polisen.vast/cecilia (police): allowed" \
    "Sekretessmarkering: 10 kap. 18 a § OSL" "bertil: 0 message(s) received" \
    "How to log in" "Where the world lives"; do
    grep -qiF "$want" "$work/first.out" || fail "first run: missing \"$want\""
done
[ -f "$work/world/.lagrum-demo-world" ] || fail "no finished world marker"
[ -z "$(relays_left)" ] || fail "lagrum-relay still running after the first run: $(relays_left)"

run_demo "$work/second.out"
rc=$?
echo "----- second run"
cat "$work/second.out"
[ $rc -eq 0 ] || fail "second run exited with $rc"
grep -qF "Reusing the demo world in $work/world" "$work/second.out" || fail "second run did not reuse the world"
grep -qF "REFUSED (exit code 3)" "$work/second.out" || fail "second run: no refusal"
grep -qF "creating a demo world" "$work/second.out" && fail "second run created the world again"
[ -z "$(relays_left)" ] || fail "lagrum-relay still running after the second run: $(relays_left)"

# Ctrl-C: SIGINT to the demo's whole process group (as a terminal sends it) once its
# relay is up; the demo exits and leaves no relay behind. A background job of a script
# starts with SIGINT ignored, which bash cannot undo: env --default-signal restores it,
# as the demo has it when started from a terminal.
env --default-signal=INT LAGRUM_BUILD_DIR="$build" LAGRUM_DEMO_NO_BUILD=1 setsid bash "$src/packaging/demo.sh" \
    --headless "$work/world" </dev/null >"$work/third.out" 2>&1 &
demo=$!
relay_pid=""
for _ in $(seq 1200); do
    relay_pid=$(sed -n 's/.*relay listening on .*(pid \([0-9]*\)).*/\1/p' "$work/third.out")
    [ -n "$relay_pid" ] && break
    kill -0 "$demo" 2>/dev/null || break
    sleep 0.1
done
[ -n "$relay_pid" ] || fail "third run: the relay never came up"
kill -INT -- "-$demo"
for _ in $(seq 300); do
    kill -0 "$demo" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$demo" 2>/dev/null && fail "the demo is still running 30 s after Ctrl-C"
wait "$demo"
rc=$?
echo "----- third run (Ctrl-C), exit $rc"
cat "$work/third.out"
[ $rc -ne 0 ] || fail "the interrupted demo exited 0"
kill -0 "$relay_pid" 2>/dev/null && fail "the relay (pid $relay_pid) still runs after Ctrl-C"
[ -z "$(relays_left)" ] || fail "lagrum-relay still running after Ctrl-C: $(relays_left)"

# A bad argument is bad input (exit 2), a non-empty unrelated folder is refused.
env LAGRUM_BUILD_DIR="$build" LAGRUM_DEMO_NO_BUILD=1 bash "$src/packaging/demo.sh" --bogus \
    >/dev/null 2>&1
[ $? -eq 2 ] || fail "--bogus did not exit 2"
mkdir -p "$work/other" && touch "$work/other/file"
env LAGRUM_BUILD_DIR="$build" LAGRUM_DEMO_NO_BUILD=1 bash "$src/packaging/demo.sh" \
    --headless "$work/other" >/dev/null 2>&1
[ $? -eq 2 ] || fail "a non-empty folder without a world was not refused with 2"
echo "demo_test: passed"
