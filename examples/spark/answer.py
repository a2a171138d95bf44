#!/usr/bin/env python3
"""Answers pcapq catalog questions in PySpark, reading pcapq datasets as they are.

Reads the Parquet written by `pcapq convert` (one file per table, or hive-style
`--partition-by hour|day` folders), from one dataset or several read as one (the Makefile
beside this file makes one dataset per capture file), and computes the answers of
summary, top-hosts-by-bytes, flow-stats and traffic-over-time as queries/*.sql define them.

    python3 answer.py out/by-file/*                     # every question, as tables
    python3 answer.py -q traffic-over-time -p bucket=hour out/by-file/*
    python3 answer.py --csv out/answers out/by-file/*   # out/answers/<question>.csv

How Spark reads the dataset (README.md here, "Reading pcapq's dataset in Spark"):
  * timestamps are Parquet TIMESTAMP(NANOS), which Spark refuses unless
    spark.sql.legacy.parquet.nanosAsLong=true; then they are BIGINT epoch nanoseconds,
    exact, and the answers keep them so (printed as ISO 8601 UTC with 9 decimals);
  * unsigned 64-bit counters arrive as DECIMAL(20,0) and are cast to BIGINT;
  * several datasets are read one by one and unioned: Spark refuses a list of
    partitioned roots (CONFLICTING_DIRECTORY_STRUCTURES), and a table folder without
    Parquet files (a capture without flows) is skipped, as Spark cannot read one.
"""

import argparse
import csv
import inspect
import sys
from datetime import datetime, timezone
from functools import reduce
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DecimalType

HERE = Path(__file__).resolve().parent
TABLES = ("packets", "flows", "captures")

# The columns the questions use, for a table that has no rows in any dataset (pcapq then
# writes an empty folder, whose schema Spark cannot infer).
EMPTY_SCHEMAS = {
    "packets": "ts BIGINT, wire_len BIGINT, src_ip STRING, dst_ip STRING",
    "flows": "orig_wire_bytes BIGINT, resp_wire_bytes BIGINT, orig_pkts BIGINT, resp_pkts BIGINT",
    "captures": "frames BIGINT, wire_bytes BIGINT, captured_bytes BIGINT, first_ts BIGINT, last_ts BIGINT",
}

# Answer columns that hold a time, as BIGINT epoch nanoseconds.
TIMESTAMP_COLUMNS = {
    "summary": ("first_ts", "last_ts"),
    "traffic-over-time": ("bucket_start",),
}

BUCKET_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


# ---------------------------------------------------------------- session and tables


def spark_session(master="local[2]", shuffle_partitions=4):
    """A local Spark session set up to read pcapq datasets, with quiet logs."""
    log4j = HERE / "log4j2.properties"
    return (
        SparkSession.builder.appName("pcapq-answers")
        .master(master)
        # TIMESTAMP(NANOS) columns as BIGINT epoch nanoseconds (refused otherwise).
        .config("spark.sql.legacy.parquet.nanosAsLong", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j.as_uri()}")
        .getOrCreate()
    )


def table_paths(dataset, table):
    """Where `table` of one dataset is: its folder (partitioned, or part files) or its
    one file; nothing when the folder holds no Parquet file."""
    ds = Path(dataset)
    one_file = ds / f"{table}.parquet"
    if one_file.is_file():
        return [str(one_file)]
    folder = ds / table
    if folder.is_dir() and any(folder.rglob("*.parquet")):
        return [str(folder)]
    return []


def unsigned_as_bigint(df):
    """uint64 columns come as DECIMAL(20,0): as BIGINT (ANSI mode fails on overflow)."""
    return df.select(
        [
            F.col(f.name).cast("bigint").alias(f.name)
            if isinstance(f.dataType, DecimalType) and f.dataType.scale == 0
            else F.col(f.name)
            for f in df.schema.fields
        ]
    )


def read_table(spark, datasets, table):
    """One table of several datasets as one DataFrame."""
    parts = [
        unsigned_as_bigint(spark.read.option("mergeSchema", "true").parquet(path))
        for ds in datasets
        for path in table_paths(ds, table)
    ]
    if not parts:
        return spark.createDataFrame([], EMPTY_SCHEMAS[table])
    return reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts)


def check_datasets(datasets):
    """Fails unless every directory is a pcapq dataset (its captures table is one file, or
    a folder when the dataset was made with --append)."""
    missing = [
        str(ds)
        for ds in datasets
        if not ((Path(ds) / "captures.parquet").is_file() or (Path(ds) / "captures").is_dir())
    ]
    if missing:
        raise ValueError(f"not a pcapq dataset (no captures table): {', '.join(missing)}")


def register(spark, datasets):
    """Temporary views packets, flows and captures over the datasets."""
    check_datasets(datasets)
    for table in TABLES:
        read_table(spark, datasets, table).createOrReplaceTempView(table)


# ---------------------------------------------------------------- the questions


def summary(spark):
    """Packets, bytes, first and last time, duration, mean size and rates."""
    return spark.sql("""
        WITH c AS (
            SELECT count(*) AS captures,
                   sum(frames) AS packets,
                   sum(wire_bytes) AS bytes,
                   sum(captured_bytes) AS captured_bytes,
                   min(first_ts) AS first_ts,
                   max(last_ts) AS last_ts
            FROM captures
        ), d AS (
            SELECT *, (last_ts - first_ts) / 1e9 AS duration_s FROM c
        )
        SELECT captures, packets, bytes, captured_bytes, first_ts, last_ts, duration_s,
               CASE WHEN packets > 0 THEN CAST(bytes AS DOUBLE) / packets END AS mean_packet_bytes,
               CASE WHEN duration_s > 0 THEN bytes / duration_s ELSE 0D END AS bytes_per_s,
               CASE WHEN duration_s > 0 THEN bytes * 8 / duration_s ELSE 0D END AS bits_per_s,
               CASE WHEN duration_s > 0 THEN packets / duration_s ELSE 0D END AS packets_per_s
        FROM d
    """)


def top_hosts_by_bytes(spark, n=15):
    """Hosts by bytes sent + received (DataFrame API): each packet counts for both ends."""
    packets = spark.table("packets")
    ends = packets.select(
        F.col("src_ip").alias("host"), F.col("wire_len").alias("sent"), F.lit(0).cast("bigint").alias("received")
    ).unionByName(
        packets.select(
            F.col("dst_ip").alias("host"), F.lit(0).cast("bigint").alias("sent"), F.col("wire_len").alias("received")
        )
    )
    return (
        ends.where(F.col("host").isNotNull())
        .groupBy("host")
        .agg(
            F.sum(F.col("sent") + F.col("received")).alias("bytes"),
            F.count(F.lit(1)).alias("packets"),
            F.sum("sent").alias("bytes_sent"),
            F.sum("received").alias("bytes_received"),
        )
        .orderBy(F.col("bytes").desc(), F.col("host"))
        .limit(int(n))
    )


def flow_stats(spark):
    """Flow count, and min / median / mean / max flow size in bytes and packets."""
    return spark.sql("""
        WITH f AS (
            SELECT orig_wire_bytes + resp_wire_bytes AS bytes, orig_pkts + resp_pkts AS packets FROM flows
        )
        SELECT count(*) AS flows,
               min(bytes) AS min_bytes, median(bytes) AS median_bytes, avg(bytes) AS mean_bytes,
               max(bytes) AS max_bytes,
               min(packets) AS min_packets, median(packets) AS median_packets, avg(packets) AS mean_packets,
               max(packets) AS max_packets
        FROM f
    """)


def traffic_over_time(spark, bucket="minute"):
    """Bytes and packets per time bucket, empty buckets as zero; every bucket from the
    first to the last when there are fewer than 1,000,000, else only the non-empty ones."""
    if bucket not in BUCKET_SECONDS:
        raise ValueError(f"bucket must be one of {', '.join(BUCKET_SECONDS)}, not {bucket!r}")
    width_ns = BUCKET_SECONDS[bucket] * 1_000_000_000
    # Bucket index by exact integer arithmetic on the nanoseconds: floor division (pcapq's
    # SQL truncates, which is the same for every time after 1970).
    return spark.sql(f"""
        WITH p AS (
            SELECT (ts - pmod(ts, {width_ns}L)) div {width_ns}L AS idx, wire_len FROM packets
        ), per_bucket AS (
            SELECT idx, count(*) AS packets, sum(wire_len) AS bytes FROM p GROUP BY idx
        ), bounds AS (
            SELECT min(idx) AS lo, max(idx) AS hi FROM per_bucket
        ), span AS (
            SELECT explode(sequence(lo, CASE WHEN hi - lo < 1000000 THEN hi ELSE lo END)) AS idx
            FROM bounds WHERE lo IS NOT NULL
            UNION
            SELECT idx FROM per_bucket
        )
        SELECT span.idx * {width_ns}L AS bucket_start,
               coalesce(per_bucket.bytes, 0L) AS bytes,
               coalesce(per_bucket.packets, 0L) AS packets
        FROM span LEFT JOIN per_bucket ON per_bucket.idx = span.idx
        ORDER BY bucket_start
    """)


QUESTIONS = {
    "summary": summary,
    "top-hosts-by-bytes": top_hosts_by_bytes,
    "flow-stats": flow_stats,
    "traffic-over-time": traffic_over_time,
}


def answer(spark, question, **params) -> DataFrame:
    """The answer to a catalog question over the registered views."""
    return QUESTIONS[question](spark, **params)


# ---------------------------------------------------------------- output


def iso_ns(ns):
    """Epoch nanoseconds as ISO 8601 UTC with nine decimals (datetime stops at micro)."""
    if ns is None:
        return ""
    seconds, frac = divmod(ns, 1_000_000_000)
    day = datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{day}.{frac:09d}Z"


def printable_rows(question, df):
    """Header and rows of an answer, timestamps as ISO text, nulls as empty strings."""
    ts_cols = TIMESTAMP_COLUMNS.get(question, ())
    rows = []
    for row in df.collect():
        rows.append([iso_ns(v) if c in ts_cols else ("" if v is None else str(v)) for c, v in row.asDict().items()])
    return df.columns, rows


def print_table(header, rows):
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(v.rjust(w) for v, w in zip(line, widths)))


def parse_params(items):
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--param wants NAME=VALUE, not {item!r}")
        params[name] = value
    return params


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", nargs="+", help="pcapq dataset directories, read as one")
    ap.add_argument("-q", "--question", action="append", choices=sorted(QUESTIONS), help="default: all")
    ap.add_argument(
        "-p", "--param", action="append", default=[], help="NAME=VALUE, given to the questions that take NAME"
    )
    ap.add_argument("--csv", metavar="DIR", help="write DIR/<question>.csv instead of printing")
    a = ap.parse_args(argv)
    params = parse_params(a.param)
    try:
        check_datasets(a.datasets)
    except ValueError as e:
        raise SystemExit(str(e)) from None

    spark = spark_session()
    register(spark, a.datasets)
    for question in a.question or list(QUESTIONS):
        takes = inspect.signature(QUESTIONS[question]).parameters
        try:
            df = answer(spark, question, **{k: v for k, v in params.items() if k in takes})
        except ValueError as e:
            raise SystemExit(f"{question}: {e}") from None
        header, rows = printable_rows(question, df)
        if a.csv:
            out = Path(a.csv) / f"{question}.csv"
            out.parent.mkdir(parents=True, exist_ok=True)
            with open(out, "w", newline="") as f:
                csv.writer(f).writerows([header, *rows])
            print(f"{out}: {len(rows)} rows")
        else:
            print(f"\n== {question}")
            print_table(header, rows)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
