#!/usr/bin/env python3
"""Checks that pcapq's datasets open unchanged in DuckDB and pandas.

Converts the bundled example capture and every capture in tests/pcaps with the pcapq
binary, then reads the Parquet files with DuckDB and with pandas and checks row counts
(against capinfos's packet count) and column types. Then runs parity.py (catalog answers recomputed in DuckDB and
pandas) and coursework.py (the examples/coursework Makefile). Run by `make test`; PCAPQ
names the binary.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "pcaps"
PCAPQ = os.environ.get("PCAPQ") or str(ROOT / "target" / "release" / "pcapq")

# Type names differ between library versions; any name of the right type is accepted.
TSNS = ("TIMESTAMP_NS WITH TIME ZONE", "TIMESTAMPTZ_NS")
TEXT = ("object", "str", "string")

# DuckDB types pcapq's Parquet columns must come out as.
EXPECTED_DUCKDB = {
    "packets": {
        "capture_id": "UINTEGER",
        "frame": "UBIGINT",
        "ts": TSNS,
        "caplen": "UINTEGER",
        "wire_len": "UINTEGER",
        "src_ip": "VARCHAR",
        "dst_ip": "VARCHAR",
        "ip_proto": "UTINYINT",
        "src_port": "USMALLINT",
        "tcp_flags_str": "VARCHAR",
        "flow_id": "UBIGINT",
        "from_orig": "BOOLEAN",
        "decode_error": "VARCHAR",
    },
    "flows": {
        "flow_id": "UBIGINT",
        "community_id": "VARCHAR",
        "first_ts": TSNS,
        "duration": "DOUBLE",
        "orig_pkts": "UBIGINT",
        "conn_state": "VARCHAR",
        "complete": "BOOLEAN",
    },
    "captures": {"path": "VARCHAR", "frames": "UBIGINT", "first_ts": TSNS},
}

# pandas dtypes (pyarrow engine, default type mapping).
EXPECTED_PANDAS = {
    "packets": {"frame": "uint64", "ts": "datetime64[ns, UTC]", "wire_len": "uint32", "src_ip": TEXT},
    "flows": {"flow_id": "uint64", "duration": "float64", "first_ts": "datetime64[ns, UTC]"},
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL {what}")


def capinfos_packets(capture: Path):
    tsv = capture.with_name(capture.name + ".capinfos.tsv")
    if not tsv.exists():
        return None
    header, row = tsv.read_text().splitlines()[:2]
    return int(dict(zip(header.split("\t"), row.split("\t")))["Number of packets"])


def convert(capture: Path, out: Path):
    r = subprocess.run([PCAPQ, "convert", str(capture), "-o", str(out), "--quiet"], capture_output=True, text=True)
    check(r.returncode == 0, f"{capture.name}: pcapq convert exit {r.returncode}: {r.stderr.strip()}")
    return r.returncode == 0


def check_dataset(capture: Path, ds: Path):
    con = duckdb.connect()
    n_duck = con.execute(f"SELECT count(*) FROM '{ds}/packets.parquet'").fetchone()[0]
    frames = con.execute(f"SELECT sum(frames) FROM '{ds}/captures.parquet'").fetchone()[0]
    check(n_duck == frames, f"{capture.name}: packets rows {n_duck} != captures.frames {frames}")
    expected = capinfos_packets(capture)
    if expected is not None:
        check(n_duck == expected, f"{capture.name}: packets rows {n_duck} != capinfos {expected}")
    for table, cols in EXPECTED_DUCKDB.items():
        rows = con.execute(f"DESCRIBE SELECT * FROM '{ds}/{table}.parquet'").fetchall()
        types = {r[0]: r[1] for r in rows}
        for col, ty in cols.items():
            ok = types.get(col) in ty if isinstance(ty, tuple) else types.get(col) == ty
            check(ok, f"{capture.name}: DuckDB {table}.{col} is {types.get(col)}, want {ty}")
    packets = pd.read_parquet(ds / "packets.parquet")
    check(len(packets) == n_duck, f"{capture.name}: pandas reads {len(packets)} packets, DuckDB {n_duck}")
    flows = pd.read_parquet(ds / "flows.parquet")
    n_flows = con.execute(f"SELECT count(*) FROM '{ds}/flows.parquet'").fetchone()[0]
    check(len(flows) == n_flows, f"{capture.name}: pandas reads {len(flows)} flows, DuckDB {n_flows}")
    for table, frame in (("packets", packets), ("flows", flows)):
        for col, ty in EXPECTED_PANDAS[table].items():
            if len(frame) == 0:
                continue
            got = str(frame[col].dtype)
            ok = got in ty if isinstance(ty, tuple) else got == ty
            check(ok, f"{capture.name}: pandas {table}.{col} is {got}, want {ty}")


def run_script(name):
    """Run another check of this directory (same interpreter, same PCAPQ); True when it passes."""
    print(f"--- {name}", flush=True)
    env = dict(os.environ, PCAPQ=PCAPQ)
    r = subprocess.run([sys.executable, str(Path(__file__).with_name(name))], env=env)
    check(r.returncode == 0, f"{name} exit {r.returncode}")
    return r.returncode == 0


def main():
    if not Path(PCAPQ).exists():
        print(f"pcapq binary not found at {PCAPQ}: build it first (make build)")
        return 1
    captures = [ROOT / "examples" / "example.pcap"]
    shared = sorted(p for p in SHARED.glob("*/*") if p.suffix in (".pcap", ".pcapng"))
    if len(shared) < 60:
        print(f"FAIL {SHARED} holds {len(shared)} captures: the test captures are carried in the repository")
        return 1
    captures += shared
    with tempfile.TemporaryDirectory() as tmp:
        for i, capture in enumerate(captures):
            ds = Path(tmp) / f"ds{i}"
            if convert(capture, ds):
                check_dataset(capture, ds)
    print(f"DuckDB/pandas checks: {len(captures)} captures, {len(failures)} failures")
    for script in ("parity.py", "coursework.py", "browser.py"):
        run_script(script)
    print(f"Python checks: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
