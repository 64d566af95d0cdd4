#!/usr/bin/env bash
# Builds a small Lagrum world for the app's tests and screenshots, through the real
# `lagrum` CLI and a real `lagrum-relay` on a unix socket (the CLI walk-through's
# organisations, docs/cli.md):
#   soc (social services): anna      pol (police): cecilia      skola (school): dora
#   room "Unga i riskzon": anna, cecilia, dora       room "Soc och polis": anna, cecilia
#   one message from anna to "Soc och polis" under 10 kap. 18 a § OSL
#   empty/      a folder without a profile      damaged/   anna's profile with a broken store
# Usage: make_world.sh LAGRUM RELAY DIR   (leaves the relay running; its pid in DIR/relay.pid)
set -euo pipefail
LAGRUM=$1
RELAY=$2
DIR=$3
mkdir -p "$DIR"
cd "$DIR"
export LAGRUM_PASSPHRASE='testpass'
export LAGRUM_PROFILE=

"$LAGRUM" org init soc --id se.boras.soc --name "Borås stad socialtjänst" \
    --authority social_services --kdf test >/dev/null
"$LAGRUM" org init pol --id se.polisen.vast --name "Polisen Region Väst" \
    --authority police --kdf test >/dev/null
"$LAGRUM" org init skola --id se.boras.skola --name "Sjöängsskolan" \
    --authority school --kdf test >/dev/null

cat > relay.toml <<TOML
listen = "unix:$PWD/relay.sock"
database = "relay.db"
log_file = "relay.log"
trust_files = ["soc/anchor.txtpb", "pol/anchor.txtpb", "skola/anchor.txtpb"]
TOML
"$RELAY" --config relay.toml >relay.out 2>&1 &
echo $! > relay.pid
for _ in $(seq 100); do [ -S relay.sock ] && break; sleep 0.05; done
[ -S relay.sock ] || { echo "make_world: the relay did not start" >&2; cat relay.out >&2; exit 1; }

member() {  # member PROFILE ORG ID NAME ROLE
    local key
    key=$("$LAGRUM" --profile "$1" init --relay "unix:$PWD/relay.sock" \
        --trust soc/anchor.txtpb --trust pol/anchor.txtpb --trust skola/anchor.txtpb \
        --kdf test --json | sed -n 's/.*"device_key":"\([0-9a-f]*\)".*/\1/p')
    "$LAGRUM" org issue "$2" --member "$3" --name "$4" --role "$5" \
        --device-key "$key" --out "$1.cert" >/dev/null
    "$LAGRUM" --profile "$1" cert import "$1.cert" >/dev/null
}
member anna soc anna "Anna Andersson" socialsekreterare
member cecilia pol cecilia "Cecilia Carlsson" polis
member dora skola dora "Dora Dahl" rektor

"$LAGRUM" --profile anna room create "Unga i riskzon" \
    --members se.polisen.vast/cecilia,se.boras.skola/dora >/dev/null
"$LAGRUM" --profile anna room create "Soc och polis" --members se.polisen.vast/cecilia >/dev/null
printf '%s' '{"risk_of_criminal_activity":true,"not_inappropriate":true,"concerns_committed_crime":false}' > facts.json
"$LAGRUM" --profile anna send --room "Soc och polis" --subject 200801012386 \
    --provision osl-10-18a --facts facts.json \
    --text "Oro för Kalle, 14 år: misstänkt rekrytering till kriminellt nätverk. Samtal med vårdnadshavare på torsdag." >/dev/null
for who in cecilia dora; do "$LAGRUM" --profile "$who" sync >/dev/null; done

mkdir -p empty
cp -r anna damaged
# Overwrite the middle of the encrypted store: the key still unwraps, the pages do not.
size=$(stat -c %s damaged/store.db)
dd if=/dev/urandom of=damaged/store.db bs=4096 seek=1 count=$(( size / 4096 > 2 ? size / 4096 - 1 : 1 )) conv=notrunc status=none
echo "world ready in $DIR"
