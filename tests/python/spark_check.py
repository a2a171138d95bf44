#!/usr/bin/env python3
"""Spark parity: pcapq's catalog answers against PySpark's, from the same Parquet folders.

Converts a few of tests/pcaps (TCP, UDP, IPv6, VLAN/MPLS, nanosecond timestamps, an
empty capture; 2000 to 2023) and two synthetic captures of bench/gen_capture.py (50
minutes each, 40 minutes apart, across midnight) with the pcapq binary (PCAPQ names it),
all with --partition-by hour: together into one dataset, and each into its own, as
examples/spark/Makefile does, and one batch per capture into one dataset with
`convert --append` (LAYOUT=append). Then for summary, top-hosts-by-bytes, flow-stats and
traffic-over-time (several parameters) compares `pcapq query --format csv` with
examples/spark/answer.py run in Spark local mode:
  * on the combined dataset, and on the appended one;
  * on the per-file datasets read together (compared with pcapq on the combined one: no
    flow spans two of these captures, so every answer is the same);
  * on the synthetic pair alone (empty buckets at second and minute width), the
    nanosecond capture alone and the empty capture alone.
Every row and column must be equal: integers and timestamps exactly, floats to a relative
1e-9, same columns in the same order. Prints one line per check and exits 1 on any
difference, printing the first ones.

    PCAPQ=target/release/pcapq python3 tests/python/spark_check.py    # needs pyspark, Java 17+
"""

import csv
import io
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from calendar import timegm
from pathlib import Path

from pyspark.sql.types import DoubleType, FloatType, IntegralType, StringType

ROOT = Path(__file__).resolve().parents[2]
# examples/spark/answer.py: the PySpark answers under test.
sys.path.insert(0, str(ROOT / "examples" / "spark"))
import answer  # noqa: E402

PCAPQ = os.environ.get("PCAPQ") or str(ROOT / "target" / "release" / "pcapq")
REL = 1e-9
SHOW_DIFFS = 5

# Shared captures: TCP over IPv4 and IPv6, QUIC over UDP, VLAN/MPLS frames spread over ten
# years (so traffic-over-time keeps only non-empty buckets below hour width), then the
# nanosecond-resolution one and the one without frames (also checked alone).
NANO = "tcpdump/tcp-handshake-nano.pcap"
EMPTY = "tcpdump/empty.pcap"
SHARED = [
    "zeek/http-get.pcap",
    "zeek/ftp-ipv6.pcap",
    "app/http-100-continue.pcap",
    "app/quic-curl-8.1.2-dev-http3-www-google-de.pcap",
    "zeek/mixed-vlan-mpls.pcap",
    NANO,
    EMPTY,
]
# gen_capture.py seeds: each starts at 1700000000 + 60 * seed, 2023-11-14T22:14:20Z and
# 23:43:20Z; 6000 frames at 2 per second last about 50 minutes.
SYNTHETIC_SEEDS = (1, 90)
GEN_ARGS = ["--frames", 6000, "--pps", 2, "--flows", 200]

# (dataset label, question, params): which answers are compared where.
CHECKS = [
    ("all", "summary", {}),
    ("all", "top-hosts-by-bytes", {}),
    ("all", "top-hosts-by-bytes", {"n": 1000000}),
    ("all", "flow-stats", {}),
    ("all", "traffic-over-time", {}),
    ("all", "traffic-over-time", {"bucket": "hour"}),
    ("all", "traffic-over-time", {"bucket": "day"}),
    ("appended", "summary", {}),
    ("appended", "top-hosts-by-bytes", {"n": 1000000}),
    ("appended", "flow-stats", {}),
    ("appended", "traffic-over-time", {"bucket": "hour"}),
    ("by-file", "summary", {}),
    ("by-file", "top-hosts-by-bytes", {"n": 1000000}),
    ("by-file", "flow-stats", {}),
    ("by-file", "traffic-over-time", {"bucket": "hour"}),
    ("synthetic", "summary", {}),
    ("synthetic", "top-hosts-by-bytes", {"n": 5}),
    ("synthetic", "flow-stats", {}),
    ("synthetic", "traffic-over-time", {}),
    ("synthetic", "traffic-over-time", {"bucket": "second"}),
    ("nano", "summary", {}),
    ("nano", "traffic-over-time", {"bucket": "second"}),
    ("empty", "summary", {}),
    ("empty", "top-hosts-by-bytes", {}),
    ("empty", "flow-stats", {}),
    ("empty", "traffic-over-time", {}),
]

# ---------------------------------------------------------------- captures and datasets


def run(cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def make_synthetic(tmp):
    """The synthetic captures."""
    made = []
    for seed in SYNTHETIC_SEEDS:
        out = tmp / f"synthetic-{seed}.pcap"
        run([sys.executable, ROOT / "bench" / "gen_capture.py", *GEN_ARGS, "--seed", seed, "-o", out])
        made.append(out)
    return made


def convert(captures, out):
    run([PCAPQ, "convert", *captures, "-o", out, "--partition-by", "hour", "--force", "--quiet"])
    return out


def make_datasets(tmp):
    """label -> (dataset pcapq answers from, datasets Spark reads)."""
    shared = ROOT / "tests" / "pcaps"
    synthetic = make_synthetic(tmp)
    inputs = [shared / c for c in SHARED] + synthetic
    every = convert(inputs, tmp / "all")
    appended = tmp / "appended"
    for capture in inputs:  # one batch per capture, as LAYOUT=append in the Makefile
        run([PCAPQ, "convert", capture, "-o", appended, "--append", "--partition-by", "hour", "--quiet"])
    by_file = [convert([c], tmp / "by-file" / c.name) for c in inputs]
    alone = {
        "synthetic": convert(synthetic, tmp / "synthetic"),
        "nano": convert([shared / NANO], tmp / "nano"),
        "empty": convert([shared / EMPTY], tmp / "empty"),
    }
    return {
        "all": (every, [every]),
        "appended": (appended, [appended]),
        "by-file": (every, by_file),
        **{k: (ds, [ds]) for k, ds in alone.items()},
    }


# ---------------------------------------------------------------- answers


def pcapq_csv(ds, question, params):
    cmd = [PCAPQ, "query", "-d", ds, question, "--format", "csv"]
    for k, v in params.items():
        cmd += ["--param", f"{k}={v}"]
    rows = list(csv.reader(io.StringIO(run(cmd))))
    return rows[0], rows[1:]


def spark_answer(spark, question, params):
    """Column names, kinds (int, float, str, ts) and rows of Spark's answer."""
    df = answer.answer(spark, question, **params)
    ts_cols = answer.TIMESTAMP_COLUMNS.get(question, ())
    kinds = []
    for f in df.schema.fields:
        if f.name in ts_cols:
            kinds.append("ts")
        elif isinstance(f.dataType, IntegralType):
            kinds.append("int")
        elif isinstance(f.dataType, (DoubleType, FloatType)):
            kinds.append("float")
        elif isinstance(f.dataType, StringType):
            kinds.append("str")
        else:
            raise TypeError(f"{question}: column {f.name} has a type the check does not compare: {f.dataType}")
    return df.columns, kinds, [tuple(r) for r in df.collect()]


# ---------------------------------------------------------------- comparison

ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|\+00:00)?")


def parse_ts(text):
    """pcapq's ISO 8601 UTC text (`2023-11-14T22:14:20.300286Z`, `2023-11-14T22:14:00`) as
    integer epoch nanoseconds, exactly."""
    m = ISO.fullmatch(text)
    if not m:
        raise ValueError(f"not a timestamp: {text!r}")
    seconds = timegm(tuple(int(g) for g in m.groups()[:6]))
    return seconds * 1_000_000_000 + int((m.group(7) or "").ljust(9, "0"))


def same(text, value, kind):
    """Whether pcapq's CSV text equals Spark's value of that kind (empty text = null)."""
    if text == "" or value is None:
        return text == "" and (value is None or (kind == "str" and value == ""))
    try:
        if kind == "int":
            return re.fullmatch(r"-?\d+", text) is not None and int(text) == int(value)
        if kind == "float":  # written as a float by pcapq too (426.0, not 426)
            return re.fullmatch(r"-?\d+", text) is None and math.isclose(float(text), value, rel_tol=REL)
        if kind == "ts":
            return parse_ts(text) == value
    except ValueError:
        return False
    return text == value


def shown(value, kind):
    return answer.iso_ns(value) + f" ({value} ns)" if kind == "ts" and value is not None else repr(value)


def differences(header, rows, columns, kinds, values):
    """The differences between pcapq's CSV and Spark's answer, as text lines."""
    if header != columns:
        return [f"columns: pcapq {header} vs spark {columns}"]
    diffs = []
    if len(rows) != len(values):
        diffs.append(f"rows: pcapq {len(rows)} vs spark {len(values)}")
    for i, (row, vals) in enumerate(zip(rows, values)):
        for col, text, value, kind in zip(columns, row, vals, kinds):
            if not same(text, value, kind):
                diffs.append(f"row {i} {col}: pcapq {text!r} vs spark {shown(value, kind)}")
    return diffs


def run_checks(spark):
    """Runs CHECKS, printing one line each; returns (passed, failed)."""
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="pcapq-spark-") as tmp:
        datasets = make_datasets(Path(tmp))
        current = None
        for label, question, params in CHECKS:
            pcapq_ds, spark_ds = datasets[label]
            if current != label:
                answer.register(spark, spark_ds)
                current = label
            what = question + "".join(f" {k}={v}" for k, v in params.items()) + f" on {label}"
            if len(spark_ds) > 1:
                what += f" ({len(spark_ds)} datasets read together)"
            try:
                header, rows = pcapq_csv(pcapq_ds, question, params)
                columns, kinds, values = spark_answer(spark, question, params)
                diffs = differences(header, rows, columns, kinds, values)
            except Exception as e:  # noqa: BLE001  (a failing query is a failed check)
                diffs = [f"{type(e).__name__}: {(str(e).splitlines() or [''])[0]}"]
            if diffs:
                failed += 1
                print(f"spark != pcapq: {what}: {len(diffs)} differences, the first:")
                for d in diffs[:SHOW_DIFFS]:
                    print(f"    {d}")
            else:
                passed += 1
                print(f"spark == pcapq: {what} ({len(rows)} rows, {len(rows) * len(header)} values)")
    return passed, failed


def main():
    if not Path(PCAPQ).is_file():
        print(f"pcapq binary not found at {PCAPQ}: build it (make build) or set PCAPQ")
        return 1
    started = time.monotonic()
    print(
        f"comparing pcapq {run([PCAPQ, '--version']).split()[-1]} with Spark: integers and "
        f"timestamps exactly, floats to a relative {REL:g}"
    )
    spark = answer.spark_session(shuffle_partitions=2)
    print(f"Spark {spark.version} (local[2]) up after {time.monotonic() - started:.1f} s")
    try:
        passed, failed = run_checks(spark)
    finally:
        spark.stop()
    print(f"{len(CHECKS)} answers compared in {time.monotonic() - started:.1f} s")
    print(f"spark: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
