#!/usr/bin/env bash
# App.Translations: the checked-in .ts files must hold a finished translation of every
# string the app shows. lupdate runs over the sources into temporary copies, so a new
# qsTr()/tr() string that nobody translated fails here too.
set -euo pipefail
lupdate=$1 ts_check=$2 app=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for l in sv en; do cp "$app/i18n/lagrum_$l.ts" "$tmp/"; done
"$lupdate" -silent -no-obsolete -locations none "$app/src" "$app/qml" \
    -ts "$tmp/lagrum_sv.ts" "$tmp/lagrum_en.ts" >/dev/null
"$ts_check" "$tmp/lagrum_sv.ts" "$tmp/lagrum_en.ts"
