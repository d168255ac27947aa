#!/usr/bin/env bash
# Stack 2: the tests on Python 3.14 / Home Assistant 2026.10.4, inside a Debian forky chroot.
#
# The chroot is built once into a cache folder outside the repository and reused; the
# project is copied in for each run. Every mount made here is undone on exit, also when a
# test fails or the run is interrupted. When the chroot cannot be built for reasons outside
# our code (no root, debootstrap or the package index failing), it prints one line starting
# "LATEST-HA STACK UNAVAILABLE:" and exits 0. A failing test exits non-zero.
#
# Usage: scripts/test-latest.sh [pytest arguments...]
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VIEWTRON_LPR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/viewtron_lpr}
CHROOT=$CACHE/forky-py314
REQ=$ROOT/requirements/latest.txt
VENV=/opt/venv
PROJECT=/work/project

unavailable() {
    echo "LATEST-HA STACK UNAVAILABLE: $*"
    exit 0
}

[ "$(id -u)" = 0 ] || unavailable "building and entering the chroot needs root"
mkdir -p "$CACHE" || unavailable "cannot create cache folder $CACHE"

# One run at a time per cache folder.
exec 9>"$CACHE/lock"
flock 9

MOUNTS=()
cleanup() {
    local i
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null || true
    done
    MOUNTS=()
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

bind() { # bind SRC DEST [ro]
    local src=$1 dest=$CHROOT$2
    if [ -d "$src" ]; then mkdir -p "$dest"; else mkdir -p "$(dirname "$dest")" && touch "$dest"; fi
    mount --bind "$src" "$dest" || return 1
    MOUNTS+=("$dest")
    if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$dest" || true; fi
}

debian_mirror() {
    local uri
    uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
        grep -v security | head -n1 | sed -E 's/^URIs:[[:space:]]*//; s/^deb (\[[^]]*\] )?//; s/[[:space:]].*//')
    echo "${uri:-http://deb.debian.org/debian}"
}

build_chroot() {
    echo "Building the forky chroot in $CHROOT (once; later runs reuse it)..."
    if ! command -v debootstrap >/dev/null; then
        { apt-get update -qq && apt-get install -y -qq debootstrap; } >/dev/null 2>&1 ||
            unavailable "debootstrap is not installed and apt-get could not install it"
    fi
    local script=/usr/share/debootstrap/scripts/sid # bookworm's debootstrap has no forky script
    rm -rf "$CHROOT.tmp"
    if ! debootstrap --variant=minbase --include=python3.14,python3.14-venv,ca-certificates \
        forky "$CHROOT.tmp" "$(debian_mirror)" "$script" >"$CACHE/debootstrap.log" 2>&1; then
        rm -rf "$CHROOT.tmp"
        unavailable "debootstrap failed (see $CACHE/debootstrap.log): $(tail -n1 "$CACHE/debootstrap.log")"
    fi
    mv "$CHROOT.tmp" "$CHROOT"
    touch "$CHROOT/.built"
}

[ -f "$CHROOT/.built" ] || build_chroot

# Let pip/uv inside reach the package index the way the host does: the host's CA
# certificates, pip configuration and any local wheel folders it names.
cp /etc/ssl/certs/ca-certificates.crt "$CHROOT/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || true
for f in /etc/pip.conf /etc/xdg/pip/pip.conf /etc/xdg/pip/constraints.txt; do
    [ -f "$f" ] && mkdir -p "$CHROOT$(dirname "$f")" && cp "$f" "$CHROOT$f"
done
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true

bind /proc /proc && bind /dev /dev && bind /dev/pts /dev/pts || unavailable "cannot bind-mount /proc and /dev"
for d in /opt/wheels /opt/pypi /opt/pypi-more; do
    [ -d "$d" ] && bind "$d" "$d" ro
done

PYVER=$(chroot "$CHROOT" /usr/bin/python3.14 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])') ||
    unavailable "python3.14 does not run in the chroot"

in_chroot() {
    chroot "$CHROOT" /usr/bin/env -i HOME=/root PATH=$VENV/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
        REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
        $(env | grep -E '^PIP_' | grep -v '^PIP_CERT=' | tr '\n' ' ') CI="${CI:-}" "$@"
}

# The venv is rebuilt when the pinned requirements change.
want=$(sha256sum "$REQ" | cut -c1-16)
if [ "$(cat "$CHROOT$VENV/.req" 2>/dev/null)" != "$want" ]; then
    echo "Installing the pinned stack-2 requirements (Python $PYVER)..."
    rm -rf "$CHROOT$VENV"
    mkdir -p "$CHROOT/tmp"
    cp "$REQ" "$CHROOT/tmp/latest.txt"
    in_chroot python3.14 -m venv $VENV || unavailable "python3.14 -m venv failed in the chroot"
    if ! { in_chroot pip install -q "uv==$(grep -oP '^uv==\K.*' "$ROOT/requirements/tools.txt")" &&
        in_chroot uv pip install -q --python $VENV/bin/python -r /tmp/latest.txt; }; then
        echo "uv failed; falling back to plain pip"
        in_chroot pip install -q -r /tmp/latest.txt ||
            unavailable "installing requirements/latest.txt from the package index failed"
    fi
    echo "$want" >"$CHROOT$VENV/.req"
fi

# Copy the project in (no venv, no git, no caches).
rm -rf "${CHROOT:?}$PROJECT"
mkdir -p "$CHROOT$PROJECT"
tar -C "$ROOT" --exclude=./.venv --exclude=./.git --exclude='*/__pycache__' \
    --exclude=./.pytest_cache --exclude=./.mypy_cache --exclude=./.ruff_cache --exclude=./htmlcov -cf - . |
    tar -C "$CHROOT$PROJECT" -xf -

echo "Stack 2: Python $PYVER, $(in_chroot python -c 'import homeassistant.const as c; print("Home Assistant", c.__version__)')"
in_chroot bash -c "cd $PROJECT && exec python -m pytest $(printf '%q ' "$@")"
status=$?
exit $status
