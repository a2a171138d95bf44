#!/usr/bin/env bash
# Installs what `make test` needs beyond Rust, into places the project owns, so that a
# clean clone on a machine with only Rust, Python and the system packages passes:
#   1. a virtual environment (first argument) with tests/python/requirements.txt;
#   2. Debian's chromium for the report's browser check, and Debian's tshark (with
#      capinfos) for the check that they read `pcapq export`'s files, when running as root
#      and they are missing (each check says it is skipped when its tool cannot be had).
# Run by make (once; the venv's .installed stamp records it).
set -euo pipefail
venv="$1"
cd "$(dirname "$0")/.."

apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 \
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; }
}

if [ ! -x "$venv/bin/python" ]; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian's python3 keeps ensurepip in a separate package.
    rm -rf "$venv"
    apt_install python3-venv || { echo "error: python3 -m venv failed and python3-venv cannot be installed" >&2; exit 1; }
    python3 -m venv "$venv"
  fi
fi
echo "installing the Python test packages into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt

if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium || echo "note: chromium could not be installed; the browser check will be skipped"
fi
if ! command -v tshark >/dev/null 2>&1 || ! command -v capinfos >/dev/null 2>&1; then
  apt_install tshark || echo "note: tshark could not be installed; the export check against tshark and capinfos will be skipped"
fi
touch "$venv/.installed"
