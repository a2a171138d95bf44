#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds taken from the test captures in tests/pcaps
# (whole captures, single frames, transport payloads and flows; see seed.py). Adding to
# an existing corpus is harmless: seeds are named by their SHA-1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/seed.py" "$here/../tests/pcaps" "$here/corpus"
