#!/usr/bin/env bash
# Packaging.Deb: packs this build folder (packaging/build-deb.sh with
# LAGRUM_DEB_NO_BUILD=1, so nothing is rebuilt) and checks the two packages:
#   dpkg-deb -c  the files each package must hold (and the desktop files only with the app)
#   dpkg-deb -I  package names, version, conffiles, maintainer scripts, dependencies
#   dpkg -x      into a temporary root; lagrum and lagrum-relay --version run from there
#                and the installed lagrum finds its catalog
#   systemd-analyze verify on the unit (ExecStart pointed at the temporary root)
#   lintian      no error or warning left (overrides in packaging/debian/lintian explain any)
# Exit 77 (ctest: skipped) when dpkg-deb, systemd-analyze or lintian is not installed.
#   deb_test.sh SOURCE_DIR BUILD_DIR VERSION
set -uo pipefail
src=$1
build=$2
version=$3
for tool in dpkg-deb dpkg systemd-analyze lintian cpack; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/lagrum-deb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The gzipped man pages and changelog come with the normal build (target
# lagrum_packaging_files, part of `all`); this test builds nothing.
[ -f "$build/packaging/lagrum.1.gz" ] || fail "$build is not fully built (no packaging/lagrum.1.gz)"
LAGRUM_DEB_NO_BUILD=1 bash "$src/packaging/build-deb.sh" "$build" || fail "build-deb.sh failed"
relay_deb=$(ls "$build"/deb/lagrum-relay_"$version"-*_*.deb 2>/dev/null | head -n 1)
client_deb=$(ls "$build"/deb/lagrum_"$version"-*_*.deb 2>/dev/null | head -n 1)
[ -f "$relay_deb" ] || fail "no lagrum-relay_$version package in $build/deb"
[ -f "$client_deb" ] || fail "no lagrum_$version package in $build/deb"

# --- contents -------------------------------------------------------------------------
dpkg-deb -c "$relay_deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/relay.files"
dpkg-deb -c "$client_deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/client.files"
echo "--- lagrum-relay files"; cat "$work/relay.files"
echo "--- lagrum files"; cat "$work/client.files"
for f in /usr/bin/lagrum-relay /lib/systemd/system/lagrum-relay.service /etc/lagrum/relay.toml \
    /usr/share/man/man8/lagrum-relay.8.gz /usr/share/doc/lagrum-relay/copyright \
    /usr/share/doc/lagrum-relay/changelog.Debian.gz; do
    grep -qxF "$f" "$work/relay.files" || fail "lagrum-relay lacks $f"
done
for f in /usr/bin/lagrum /usr/share/man/man1/lagrum.1.gz /usr/share/doc/lagrum/copyright \
    /usr/share/lagrum/provisions/00-vocabulary.textpb /usr/share/lagrum/provisions/10-osl-10.textpb; do
    grep -qxF "$f" "$work/client.files" || fail "lagrum lacks $f"
done
grep -q "lagrum/provisions\|/usr/bin/lagrum$" "$work/relay.files" && fail "the relay package holds client files"
grep -q "lagrum-relay" "$work/client.files" && fail "the client package holds relay files"
if [ -x "$build/client/app/lagrum-desktop" ]; then
    for f in /usr/bin/lagrum-desktop /usr/share/man/man1/lagrum-desktop.1.gz \
        /usr/share/applications/se.lagrum.Lagrum.desktop \
        /usr/share/icons/hicolor/scalable/apps/se.lagrum.Lagrum.svg \
        /usr/share/metainfo/se.lagrum.Lagrum.metainfo.xml; do
        grep -qxF "$f" "$work/client.files" || fail "lagrum lacks $f"
    done
else
    echo "note: lagrum-desktop is not built here; its launcher files are left out with it"
    grep -q "applications/\|metainfo/" "$work/client.files" && fail "a launcher without the app"
fi

# --- control data ---------------------------------------------------------------------
dpkg-deb -I "$relay_deb" >"$work/relay.info"
dpkg-deb -I "$client_deb" >"$work/client.info"
cat "$work/relay.info" "$work/client.info"
field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$relay_deb" Package)" = lagrum-relay ] || fail "relay package name"
[ "$(field "$client_deb" Package)" = lagrum ] || fail "client package name"
for deb in "$relay_deb" "$client_deb"; do
    field "$deb" Version | grep -q "^$version-" || fail "$deb: version is not $version"
    field "$deb" Depends | grep -q "libsodium23" || fail "$deb: no shlibs dependency on libsodium"
done
field "$relay_deb" Depends | grep -q "adduser" || fail "relay: no dependency on adduser"
field "$client_deb" Depends | grep -q "libsqlcipher0" || fail "client: no dependency on libsqlcipher0"
field "$relay_deb" Depends | grep -q "sqlcipher" && fail "relay depends on SQLCipher"
grep -q "conffiles" "$work/relay.info" || fail "relay: no conffiles"
grep -q "postinst" "$work/relay.info" || fail "relay: no postinst"
dpkg-deb --ctrl-tarfile "$relay_deb" | tar -xO ./conffiles | grep -qxF /etc/lagrum/relay.toml ||
    fail "relay.toml is not a conffile"

# --- install into a temporary root, run from there --------------------------------------
root=$work/root
mkdir -p "$root"
dpkg -x "$relay_deb" "$root" || fail "dpkg -x relay"
dpkg -x "$client_deb" "$root" || fail "dpkg -x client"
out=$("$root/usr/bin/lagrum" --version) || fail "lagrum --version exited $?"
[ "$out" = "lagrum $version" ] || fail "lagrum --version printed \"$out\""
out=$("$root/usr/bin/lagrum-relay" --version) || fail "lagrum-relay --version exited $?"
[ "$out" = "lagrum-relay $version" ] || fail "lagrum-relay --version printed \"$out\""
"$root/usr/bin/lagrum" --help >/dev/null || fail "lagrum --help exited $?"
# The installed lagrum finds /usr/share/lagrum/provisions beside its own bin/.
env -u LAGRUM_CATALOG "$root/usr/bin/lagrum" provisions list | grep -q "osl-10-18a" ||
    fail "the installed lagrum does not find its catalog"
# The default configuration loads: the relay starts on it (socket moved into $work).
"$root/usr/bin/lagrum-relay" --config "$root/etc/lagrum/relay.toml" \
    --listen "unix:$work/relay.sock" --database "$work/relay.db" 2>"$work/relay.log" &
relay=$!
for _ in $(seq 100); do
    [ -S "$work/relay.sock" ] && break
    kill -0 "$relay" 2>/dev/null || break
    sleep 0.1
done
[ -S "$work/relay.sock" ] || { cat "$work/relay.log"; fail "the packaged relay.toml does not start"; }
kill -TERM "$relay"
wait "$relay" || fail "the relay did not stop cleanly on SIGTERM"
echo "installed into $root: both --version, the catalog and the default relay.toml work"

# --- the systemd unit -----------------------------------------------------------------
unit=$work/unit/lagrum-relay.service
mkdir -p "$work/unit"
sed "s#/usr/bin/lagrum-relay#$root/usr/bin/lagrum-relay#" \
    "$root/lib/systemd/system/lagrum-relay.service" >"$unit"
for key in "User=lagrum-relay" "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" \
    "PrivateTmp=yes" "StateDirectory=lagrum-relay" "RestrictAddressFamilies=" \
    "SystemCallFilter=@system-service"; do
    grep -q "^$key" "$unit" || fail "the unit lacks $key"
done
# Documentation=man:lagrum-relay(8) is looked up in the temporary root's man pages.
MANPATH=$root/usr/share/man systemd-analyze verify "$unit" || fail "systemd-analyze verify"
echo "systemd-analyze verify: ok"
systemd-analyze security --offline=yes "$unit" 2>/dev/null | tail -n 1

# --- lintian --------------------------------------------------------------------------
lintian --fail-on error,warning "$relay_deb" "$client_deb" \
    >"$work/lintian.out" 2>&1
rc=$?
cat "$work/lintian.out"
[ $rc -eq 0 ] || fail "lintian reports errors or warnings"
echo "deb_test: passed"
