#!/usr/bin/env bash
# ctest App.QuickTests: makes a world with a real relay (make_world.sh), runs the Qt Quick
# Test binary against it offscreen, and stops the relay.
# Usage: run_quick_tests.sh TST_BINARY LAGRUM RELAY QML_TEST_FILE_OR_DIR [extra args for the binary]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tst=$1 lagrum=$2 relay=$3 qmldir=$4
shift 4
world=$(mktemp -d "${TMPDIR:-/tmp}/lagrum-app-XXXXXX")
cleanup() {
    if [ -f "$world/relay.pid" ]; then kill "$(cat "$world/relay.pid")" 2>/dev/null || true; fi
    [ -n "${LAGRUM_APP_KEEP_TMP:-}" ] || rm -rf "$world"
}
trap cleanup EXIT
"$here/make_world.sh" "$lagrum" "$relay" "$world" >/dev/null
export LAGRUM_APP_TEST_WORLD=$world QT_QPA_PLATFORM=offscreen
unset LAGRUM_PASSPHRASE LAGRUM_PROFILE
export LAGRUM_APP_TEST_CLI=$lagrum
"$tst" -input "$qmldir" "$@"
