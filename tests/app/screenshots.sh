#!/usr/bin/env bash
# Drives lagrum-desktop through its main flows in Swedish and in English and writes PNGs
# (LAGRUM_APP_SCREENSHOTS, see client/app/qml/ScreenshotDriver.qml): unlock, a wrong
# passphrase, the conversation list, a conversation with its provision tag and tooltip,
# the wizard (typing, incomplete, blocked with the suggestion, allowed), sent,
# the dark theme, a risk meeting (agenda, a share blocked and one allowed, signed
# minutes, PDF export), the consent register, the verified disclosure log, contact
# verification (safety number, marked verified) and the handover wizard to its end. A fresh
# world (make_world.sh, real relay) for each language.
# Usage: tests/app/screenshots.sh [BUILD_DIR] [OUT_DIR]   (defaults: build, BUILD_DIR/screenshots)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=${2:-$build/screenshots}
mkdir -p "$out"
out=$(cd "$out" && pwd)
app=$build/client/app/lagrum-desktop
lagrum=$build/client/cli/lagrum
relay=$build/relay/lagrum-relay
for b in "$app" "$lagrum" "$relay"; do
    [ -x "$b" ] || { echo "screenshots.sh: build $b first" >&2; exit 1; }
done
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export LAGRUM_CATALOG=$build/share/lagrum/provisions
# Each run: language, QT_SCALE_FACTOR, the window in logical pixels, where the PNGs go.
# 125 % on a 1366x768 panel and 150 % on a 1920x1080 one (less a desktop panel) check
# that nothing is cut off at those scales (WCAG 1.4.4); those shots are in scale-125/ and
# scale-150/.
runs=("sv 1 1200x800 $out" "en 1 1200x800 $out"
      "sv 1.25 1093x580 $out/scale-125" "sv 1.5 1280x690 $out/scale-150")
for run in "${runs[@]}"; do
    read -r lang scale geometry dest <<<"$run"
    mkdir -p "$dest"
    world=$(mktemp -d "${TMPDIR:-/tmp}/lagrum-shots-XXXXXX")
    "$here/make_world.sh" "$lagrum" "$relay" "$world" >/dev/null
    # Anna's colleague Bertil and a room they share, for the handover wizard's shots.
    (
        cd "$world"
        export LAGRUM_PASSPHRASE=testpass LAGRUM_PROFILE=
        key=$("$lagrum" --profile bertil init --relay "unix:$world/relay.sock" \
            --trust soc/anchor.txtpb --trust pol/anchor.txtpb --trust skola/anchor.txtpb \
            --kdf test --json | sed -n 's/.*"device_key":"\([0-9a-f]*\)".*/\1/p')
        "$lagrum" org issue soc --member bertil --name "Bertil Berg" --role socialsekreterare \
            --device-key "$key" --out bertil.cert >/dev/null
        "$lagrum" --profile bertil cert import bertil.cert >/dev/null
        "$lagrum" --profile anna room create Kollegor --members se.boras.soc/bertil >/dev/null
        "$lagrum" --profile bertil sync >/dev/null
    )
    (
        unset LAGRUM_PASSPHRASE
        QT_SCALE_FACTOR=$scale LAGRUM_APP_SCREENSHOTS=$dest LAGRUM_APP_SHOT_PASSPHRASE=testpass \
        LAGRUM_APP_SHOT_ROOM="Unga i riskzon" LAGRUM_APP_SHOT_CONVERSATION="Soc och polis" LAGRUM_APP_SHOT_SUBJECT=200801012386 \
        LAGRUM_APP_SHOT_PROVISION=osl-10-18a \
        LAGRUM_APP_SHOT_MEMBERS="se.polisen.vast/cecilia,se.boras.skola/dora" \
        LAGRUM_APP_SHOT_MEETING_SUBJECT=201203149982 LAGRUM_APP_SHOT_VERIFY=se.polisen.vast/cecilia \
        LAGRUM_APP_SHOT_FACTS='{"risk_of_criminal_activity":true,"not_inappropriate":true,"concerns_committed_crime":false}' \
        LAGRUM_APP_SHOT_TEXT="Kalle har setts med personer som rekryterar till ett kriminellt nätverk." \
        timeout 240 "$app" --profile "$world/anna" --lang "$lang" -qwindowgeometry "$geometry"
    ) || { echo "screenshots.sh: the app failed ($run)" >&2; kill "$(cat "$world/relay.pid")"; exit 1; }
    kill "$(cat "$world/relay.pid")" 2>/dev/null || true
    rm -rf "$world"
done
ls "$out"/*.png "$out"/scale-*/*.png
