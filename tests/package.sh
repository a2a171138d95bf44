#!/usr/bin/env bash
# The Python package's check, as a user installs it: a new virtual environment (first
# argument; removed first), `pip install .` from the repository (maturin builds the Rust
# core, reusing CARGO_TARGET_DIR's compiled dependencies), then tests/python/package_test.py
# with pandas and Polars (and matplotlib, for the hands-on example's CDFs). Run by
# `make test`; PCAPQ names the command line to compare with.
set -euo pipefail
venv="$1"
cd "$(dirname "$0")/.."
root="$(pwd)"

rm -rf "$venv"
python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install --quiet pytest "pandas>=2.0" "polars>=1.0" matplotlib
echo "pip install . (maturin builds the package's Rust core)"
"${pip[@]}" install --quiet .
cd "$venv"   # import the installed package, not python/pcapq from the repository
"$venv/bin/python" -m pytest -q "$root/tests/python/package_test.py"
