#!/usr/bin/env bash
# `make bench-python`: time to a pandas DataFrame on the standard bench capture (600k
# frames, snaplen 96, bench/gen_capture.py --seed 1): pcapq's Python package against
# scapy's RawPcapReader loop, NFStream and a tshark field export (bench/python_bench.py).
# Installs its own virtual environment (bench/out/venv-python) with scapy, nfstream,
# pandas and the package (`pip install .`, reusing CARGO_TARGET_DIR's build).
#
# Environment: RUNS (default 3), CAPTURE (another capture instead of the generated one).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
[ -f "$OUT/.gitignore" ] || echo '*' > "$OUT/.gitignore"

capture="${CAPTURE:-$OUT/bench-96.pcap}"
if [ ! -s "$capture" ]; then
  echo "generating $capture ..." >&2
  python3 bench/gen_capture.py --frames 600000 --snaplen 96 --seed 1 --out "$capture"
fi

venv="$OUT/venv-python"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install --quiet scapy nfstream "pandas>=2.0" "polars>=1.0" "pyarrow>=16"
echo "pip install . (maturin builds the package's Rust core)" >&2
"${pip[@]}" install --quiet --force-reinstall --no-deps .
"$venv/bin/python" bench/python_bench.py "$capture" "${RUNS:-3}"
