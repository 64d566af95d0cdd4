#!/usr/bin/env bash
# Installs the Debian packages listed in packaging/build-deps.txt that are missing.
# Skips apt entirely when everything is present (fast on a warm machine).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mapfile -t wanted < <(grep -v '^\s*#' "$here/build-deps.txt" | sed 's/\s*$//' | grep -v '^$')
missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi
echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: run as root (or install them yourself): apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
