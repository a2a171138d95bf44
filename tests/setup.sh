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

. tests/common.sh
make_venv "$venv"
echo "installing the Python test packages into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt

if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium || echo "note: chromium could not be installed; the browser check will be skipped"
fi
if ! command -v tshark >/dev/null 2>&1 || ! command -v capinfos >/dev/null 2>&1; then
  apt_install tshark || echo "note: tshark could not be installed; the export check against tshark and capinfos will be skipped"
fi
touch "$venv/.installed"
