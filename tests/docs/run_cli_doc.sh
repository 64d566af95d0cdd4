#!/usr/bin/env bash
# Runs the walk-through in docs/cli.md: every ```sh / ```bash block, in order, as one
# script with `set -euo pipefail`, in a new empty folder, with the built `lagrum` and
# `lagrum-relay` first on PATH. Blocks in other languages (text, json, ...) are output
# and are not run. Any lagrum-relay the script leaves behind in that folder is ended.
#
#   run_cli_doc.sh DOC LAGRUM_DIR RELAY_DIR [TIMEOUT_SECONDS]
#
# LAGRUM_DOC_KEEP_TMP=1 keeps the folder (and the extracted script) for a look.
set -uo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 DOC LAGRUM_DIR RELAY_DIR [TIMEOUT_SECONDS]" >&2
    exit 2
fi
doc=$(realpath "$1")
lagrum_dir=$(realpath "$2")
relay_dir=$(realpath "$3")
limit=${4:-500}
for exe in "$lagrum_dir/lagrum" "$relay_dir/lagrum-relay"; do
    [ -x "$exe" ] || { echo "not found: $exe" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lagrum-cli-doc.XXXXXX")
script="$work.sh"

# Ends only lagrum-relay processes started from our folder (by cwd), never others.
stop_leftover_relays() {
    local p pids=()
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/cwd" 2>/dev/null)" = "$work" ] || continue
        [ "$(readlink "$p/exe" 2>/dev/null)" = "$(realpath "$relay_dir/lagrum-relay")" ] || continue
        pids+=("${p#/proc/}")
    done
    [ ${#pids[@]} -eq 0 ] && return 0
    echo "run_cli_doc: ending leftover lagrum-relay: ${pids[*]}" >&2
    kill "${pids[@]}" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "${pids[@]}" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null
    return 0
}
cleanup() {
    stop_leftover_relays
    if [ "${LAGRUM_DOC_KEEP_TMP:-0}" = 1 ]; then
        echo "run_cli_doc: kept $work and $script" >&2
    else
        rm -rf "$work" "$script"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ```sh / ```bash opens a block to run (info string words after the language are
# allowed); any other fence opens a block to skip; a bare ``` closes.
{
    echo "set -euo pipefail"
    awk -v doc="$doc" '
        /^[[:space:]]*```/ {
            if (!inside) {
                inside = 1
                lang = $0; sub(/^[[:space:]]*```[[:space:]]*/, "", lang); sub(/[[:space:]].*$/, "", lang)
                run = (lang == "sh" || lang == "bash")
                if (run) { blocks++; printf "\n# --- %s:%d\n", doc, NR }
            } else {
                inside = 0; run = 0
            }
            next
        }
        inside && run { print }
        END {
            if (inside) { print "run_cli_doc: unterminated code block" > "/dev/stderr"; exit 3 }
            if (blocks == 0) { print "run_cli_doc: no sh/bash blocks" > "/dev/stderr"; exit 3 }
        }' "$doc"
} > "$script" || exit 1

echo "run_cli_doc: $(grep -c '^# --- ' "$script") block(s) from $doc in $work" >&2
cd "$work" || exit 1
# A clean environment for lagrum: no inherited profile or passphrase, HOME inside the
# folder, no terminal to prompt on (a missing LAGRUM_PASSPHRASE fails instead of hanging).
env -u LAGRUM_PROFILE -u LAGRUM_PASSPHRASE -u LAGRUM_NEW_PASSPHRASE -u LAGRUM_CATALOG \
    HOME="$work" PATH="$lagrum_dir:$relay_dir:$PATH" \
    timeout --kill-after=10 "$limit" setsid bash -x "$script" </dev/null
rc=$?
if [ $rc -eq 0 ]; then
    echo "run_cli_doc: all blocks ran" >&2
elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "run_cli_doc: timed out after ${limit}s" >&2
else
    echo "run_cli_doc: failed with exit code $rc (see the trace above)" >&2
    [ -f "$work/relay.log" ] && { echo "--- relay.log (last lines)" >&2; tail -n 20 "$work/relay.log" >&2; }
fi
exit $rc
