#!/usr/bin/env bash
# The README's demo command: Lagrum working on one machine.
#
#   packaging/demo.sh [--headless] [DIR]
#
# Installs what is missing (apt, as root), builds lagrum, lagrum-relay and lagrum-desktop
# in build/, and creates a demo world in DIR (default: a new temporary folder): three
# organisations, five members, the "Unga i riskzon" room, messages already exchanged and
# one attempt the legal check refused. Then it starts lagrum-relay on its SQLite store
# and opens lagrum-desktop as Anna, the social worker. --headless runs the command-line
# walk-through instead and prints each step, the refusal and its reasons included.
#
# Everything it starts is stopped on exit and on Ctrl-C. A second run into the same DIR
# reuses the world. The world is built with the `lagrum` CLI exactly as docs/cli.md does;
# every person, organisation and personnummer in it is fictitious (the personnummer are
# from Skatteverket's published test series).
#
# Environment (for tests and developers):
#   LAGRUM_BUILD_DIR       build folder to use (default: build/ in the clone)
#   LAGRUM_DEMO_NO_BUILD=1 use the binaries already in the build folder: no apt, no build
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
headless=0
dir=""
for arg in "$@"; do
    case "$arg" in
        --headless) headless=1 ;;
        -h | --help)
            sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        -*)
            echo "demo: unknown option $arg (usage: packaging/demo.sh [--headless] [DIR])" >&2
            exit 2
            ;;
        *)
            [ -z "$dir" ] || { echo "demo: only one DIR" >&2; exit 2; }
            dir=$arg
            ;;
    esac
done

# The demo's one lösenfras for every profile and CA (docs/cli.md §1). Demo only.
export LAGRUM_PASSPHRASE='korrekt häst batteri häftstift'
unset LAGRUM_PROFILE LAGRUM_NEW_PASSPHRASE LAGRUM_CATALOG

build=${LAGRUM_BUILD_DIR:-$root/build}
step_no=0
step() {
    step_no=$((step_no + 1))
    printf '\n==> %d. %s\n' "$step_no" "$*"
}
say() { printf '    %s\n' "$*"; }

# --- set-up: packages and build ---------------------------------------------------------
if [ "${LAGRUM_DEMO_NO_BUILD:-0}" != 1 ]; then
    step "Packages and build (packaging/install-deps.sh, cmake in $build)"
    "$root/packaging/install-deps.sh"
    export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
    cmake -S "$root" -B "$build" -G Ninja >/dev/null
    targets=(lagrum lagrum-relay)
    # Not `ninja ... | grep -q`: under pipefail grep's early exit fails the pipeline.
    known_targets=$(ninja -C "$build" -t targets all 2>/dev/null || true)
    if [ "$headless" = 0 ] && grep -q '^lagrum-desktop:' <<<"$known_targets"; then
        targets+=(lagrum-desktop)
    fi
    cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
fi
bin_dir=$build/client/cli
relay_dir=$build/relay
app=$build/client/app/lagrum-desktop
for exe in "$bin_dir/lagrum" "$relay_dir/lagrum-relay"; do
    [ -x "$exe" ] || { echo "demo: not built: $exe" >&2; exit 1; }
done
export PATH="$bin_dir:$relay_dir:$PATH"

# --- the world's folder ---------------------------------------------------------------
if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/lagrum-demo.XXXXXX")
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
marker=$dir/.lagrum-demo-world
reuse=0
if [ -f "$marker" ]; then
    reuse=1
elif [ -n "$(ls -A "$dir")" ]; then
    echo "demo: $dir is not empty and holds no finished demo world; remove it or give another DIR" >&2
    exit 2
fi
cd "$dir"

# --- processes we start, and their end ------------------------------------------------
relay_pid=""
app_pid=""
stop_pid() {  # TERM, then KILL after a bounded wait
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$app_pid$relay_pid" ]; then
        stop_pid "$app_pid"
        stop_pid "$relay_pid"
        echo "demo: stopped everything it started (relay${app_pid:+ and app})" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_relay() {
    # A socket left by an earlier run would look ready before this relay listens.
    rm -f relay.sock
    lagrum-relay --config relay.toml 2>>relay-stderr.log &
    relay_pid=$!
    for _ in $(seq 100); do
        [ -S relay.sock ] && return 0
        kill -0 "$relay_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "demo: lagrum-relay did not start (see $dir/relay.log)" >&2
    tail -n 5 relay.log >&2 || true
    exit 1
}

# Members: profile folder, organisation folder, member id, name, role.
members=(
    "anna soc anna|Anna Andersson|socialsekreterare"
    "bertil soc bertil|Bertil Berg|socialsekreterare"
    "cecilia pol cecilia|Cecilia Carlsson|polis"
    "dora skola dora|Dora Dahl|rektor"
    "elin skola elin|Elin Ek|skolkurator"
)
declare -A org_id=([soc]=se.boras.soc [pol]=se.polisen.vast [skola]=se.boras.skola)

# The fictitious young person, 14 years old: the personnummer docs/cli.md uses, from
# Skatteverket's published test series (serial 998). The school's orosanmälan and the
# social worker's message to the police are about the same pupil.
subject=201203149982

create_world() {
    step "Three organisations and their certificate authorities (lagrum org init)"
    lagrum org init soc --id se.boras.soc --name "Borås stad socialtjänst" \
        --authority social_services --kdf interactive | sed -n '1p'
    lagrum org init pol --id se.polisen.vast --name "Polisen Region Väst" \
        --authority police --kdf interactive | sed -n '1p'
    lagrum org init skola --id se.boras.skola --name "Sjöängsskolan (Borås stad)" \
        --authority school --kdf interactive | sed -n '1p'

    step "The relay (lagrum-relay, embedded SQLite store relay.db, unix socket)"
    cat >relay.toml <<EOF
listen = "unix:$dir/relay.sock"
database = "relay.db"
log_file = "relay.log"
trust_files = ["soc/anchor.txtpb", "pol/anchor.txtpb", "skola/anchor.txtpb"]
EOF
    start_relay
    say "listening on unix:$dir/relay.sock (pid $relay_pid)"

    step "Five members: profile, certificate from their organisation, registration"
    local m profile org rest member name role key
    for m in "${members[@]}"; do
        read -r profile org rest <<<"$m"
        IFS='|' read -r member name role <<<"$rest"
        key=$(lagrum --profile "$profile" init --relay "unix:$dir/relay.sock" \
            --trust soc/anchor.txtpb --trust pol/anchor.txtpb --trust skola/anchor.txtpb \
            --kdf interactive --json | sed -n 's/.*"device_key":"\([0-9a-f]*\)".*/\1/p')
        lagrum org issue "$org" --member "$member" --name "$name" --role "$role" \
            --device-key "$key" --out "$profile.cert" >/dev/null
        lagrum --profile "$profile" cert import "$profile.cert" >/dev/null
        say "${org_id[$org]}/$member  $name ($role)"
    done

    step "Anna creates the room \"Unga i riskzon\" (samverkansmöte skola, socialtjänst, polis)"
    lagrum --profile anna room create "Unga i riskzon" \
        --members se.boras.soc/bertil,se.polisen.vast/cecilia,se.boras.skola/dora,se.boras.skola/elin |
        sed 's/^/    /'
    local who
    for who in bertil cecilia dora elin; do lagrum --profile "$who" sync >/dev/null; done
    say "Bertil, Cecilia, Dora and Elin joined"

    step "Dora (rektor) sends an orosanmälan to Anna (14 kap. 1 § SoL via 10 kap. 28 § OSL)"
    cat >dora-facts.json <<'EOF'
{"duty": "sol_report_child_at_risk", "child_at_risk_known_or_suspected": true}
EOF
    lagrum --profile dora send --to se.boras.soc/anna --subject "$subject" \
        --provision osl-10-28 --facts dora-facts.json \
        --text "Orosanmälan: eleven har haft hög frånvaro sedan oktober och berättar att hen inte vågar gå hem. Jag finns på skolan hela veckan." |
        sed 's/^/    /'

    cat >facts.json <<'EOF'
{"risk_of_criminal_activity": true, "not_inappropriate": true, "concerns_committed_crime": false}
EOF
    step "Anna tells the police about a 14-year-old at risk (10 kap. 18 a § OSL)"
    lagrum --profile anna send --to se.polisen.vast/cecilia --subject "$subject" \
        --provision osl-10-18a --facts facts.json \
        --text "Konkret risk: den unge har flera gånger setts med personer som rekryterar till narkotikaförsäljning. Ring mig innan ni tar kontakt med familjen." |
        sed 's/^/    /'
    for who in anna cecilia; do lagrum --profile "$who" sync >/dev/null; done
    touch "$marker"
}

refused_attempt() {
    step "Anna tries the same message to the whole room: the legal check refuses it"
    say "lagrum --profile anna send --room \"Unga i riskzon\" --provision osl-10-18a ..."
    local status=0 out
    out=$(lagrum --profile anna send --room "Unga i riskzon" --subject "$subject" \
        --provision osl-10-18a --facts facts.json \
        --text "Konkret risk: den unge har flera gånger setts med personer som rekryterar till narkotikaförsäljning. Ring mig innan ni tar kontakt med familjen." \
        2>&1) || status=$?
    if [ "$status" -ne 3 ]; then
        echo "$out" >&2
        echo "demo: expected the legal check to refuse (exit 3), got exit $status" >&2
        exit 1
    fi
    say "REFUSED (exit code 3): nothing was sent or queued. Per recipient, with the reasons:"
    # The verdict is the JSON of `lagrum check`: cut it at each recipient object and print
    # its id, authority, verdict and reason codes with their English and Swedish texts.
    local chunk head
    while IFS= read -r chunk; do
        head=$(printf '%s' "$chunk" |
            sed -n 's/^{"id": *"\([^"]*\)", *"authority": *"\([^"]*\)", *"verdict": *"\([^"]*\)".*/\1 (\2): \3/p')
        [ -n "$head" ] || continue
        printf '      %s\n' "$head"
        printf '%s' "$chunk" |
            grep -o '"code": *"[a-z_]*", *"sv": *"[^"]*", *"en": *"[^"]*"' |
            sed 's/"code": *"\([a-z_]*\)", *"sv": *"\([^"]*\)", *"en": *"\([^"]*\)"/\1: \3 \/ \2/' |
            sed 's/^/        - /' || true
    done < <(printf '%s' "$out" | tr -d '\n' | sed 's/"recipients": *\[/\n/; s/}, *{"id"/}\n{"id"/g; s/\], *"suggestions".*//'; echo)
    say "Suggestion: send a separate copy to the police alone (done above), or ask for samtycke."
}

show_inboxes() {
    step "Cecilia (police) reads her inbox, with the sekretessmarkering"
    lagrum --profile cecilia sync | sed 's/^/    /'
    lagrum --profile cecilia inbox | sed 's/^/    /'
    step "Anna (social services) reads the orosanmälan from the school"
    lagrum --profile anna sync | sed 's/^/    /'
    lagrum --profile anna inbox | sed 's/^/    /'
    step "Bertil, Dora and Elin received nothing from the refused message"
    local n
    for who in bertil dora elin; do
        lagrum --profile "$who" sync >/dev/null
        n=$(lagrum --profile "$who" inbox --json | { grep -o '"outgoing": *false' || true; } | wc -l)
        printf '    %s: %s message(s) received\n' "$who" "$n"
    done
}

if [ "$reuse" = 1 ]; then
    step "Reusing the demo world in $dir"
    start_relay
    say "relay listening on unix:$dir/relay.sock (pid $relay_pid)"
else
    echo "demo: creating a demo world in $dir"
    create_world
fi

if [ "$headless" = 1 ]; then
    refused_attempt
    show_inboxes
fi

print_logins() {
    step "Where the world lives and how to log in"
    say "world:   $dir (relay: relay.toml, relay.db, relay.log; one folder per member)"
    say "lösenfras for every member: $LAGRUM_PASSPHRASE"
    say "command line (with the relay running: packaging/demo.sh --headless $dir):"
    local m profile org rest member name role
    for m in "${members[@]}"; do
        read -r profile org rest <<<"$m"
        IFS='|' read -r member name role <<<"$rest"
        printf '      %-18s LAGRUM_PASSPHRASE=... %s/lagrum --profile %s inbox\n' \
            "$name" "$bin_dir" "$dir/$profile"
    done
    say "desktop app: LAGRUM_PASSPHRASE=... $app --profile $dir/PERSON"
}

if [ "$headless" = 1 ]; then
    print_logins
    step "Stopping the relay"
    exit 0
fi

# --- the desktop app ------------------------------------------------------------------
if [ ! -x "$app" ]; then
    print_logins
    echo >&2
    echo "demo: lagrum-desktop is not built ($app is missing): the desktop app is not in" >&2
    echo "      this build yet. Run the command-line walk-through instead:" >&2
    echo "        packaging/demo.sh --headless $dir" >&2
    exit 1
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    print_logins
    echo >&2
    echo "demo: no display (DISPLAY and WAYLAND_DISPLAY are unset). Run it under Xvfb:" >&2
    echo "        xvfb-run -a -s '-screen 0 1280x800x24' packaging/demo.sh $dir" >&2
    echo "      or the command-line walk-through: packaging/demo.sh --headless $dir" >&2
    exit 1
fi
print_logins
step "Opening lagrum-desktop as Anna Andersson (socialsekreterare); close it or press Ctrl-C to stop"
"$app" --profile "$dir/anna" &
app_pid=$!
wait "$app_pid" || true
app_pid=""
