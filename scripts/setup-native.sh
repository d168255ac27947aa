#!/usr/bin/env bash
# Stack 1: create or refresh .venv (Python 3.13.0, Home Assistant 2025.4.4) from the pinned
# requirements. Idempotent: does nothing when .venv already matches requirements/native.txt.
# Uses uv for speed; falls back to plain pip when uv cannot be installed or fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=$ROOT/.venv
REQ=$ROOT/requirements/native.txt
PY_WANT=3.13.0

find_python() {
    local p
    if command -v pyenv >/dev/null && p=$(pyenv prefix "$PY_WANT" 2>/dev/null) && [ -x "$p/bin/python3" ]; then
        echo "$p/bin/python3"
        return
    fi
    for p in python3.13 python3; do
        if command -v "$p" >/dev/null && [ "$("$p" -c 'import platform; print(platform.python_version())')" = "$PY_WANT" ]; then
            command -v "$p"
            return
        fi
    done
    echo "setup: Python $PY_WANT not found (install it with: pyenv install $PY_WANT)" >&2
    exit 1
}

want=$( (cat "$REQ" "$ROOT/requirements/tools.txt"; echo "$PY_WANT") | sha256sum | cut -c1-16)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.req" 2>/dev/null)" = "$want" ]; then
    echo "setup: .venv is up to date"
    exit 0
fi

PY=$(find_python)
echo "setup: creating .venv with $PY"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
if "$VENV/bin/pip" install -q -r "$ROOT/requirements/tools.txt" &&
    "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -r "$REQ"; then
    :
else
    echo "setup: uv failed; falling back to plain pip"
    "$VENV/bin/pip" install -q -r "$REQ"
fi
echo "$want" >"$VENV/.req"
echo "setup: .venv ready ($("$VENV/bin/python" -c 'import homeassistant.const as c; print("Home Assistant", c.__version__)'))"
