#!/usr/bin/env bash
# Create (once) the replay environment: pywb in a virtualenv of its own, .venv-replay/.
# pywb 2.10 pins redis==2.10.6, which conflicts with scrapy-redis in the main environment.
# Usage: bash bench/replay_env.sh [VENV_DIR]   (prints the venv's bin directory)
set -euo pipefail
PYWB_VERSION="2.10.0"
VENV="${1:-$(cd "$(dirname "$0")/.." && pwd)/.venv-replay}"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.pywb-$PYWB_VERSION"
if [ ! -f "$STAMP" ]; then
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "pywb==$PYWB_VERSION" >&2
    touch "$STAMP"
fi
echo "$VENV/bin"
