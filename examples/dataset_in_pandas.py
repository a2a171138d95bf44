#!/usr/bin/env python3
"""A pcapq dataset used from pandas: the Parquet files load as DataFrames, with timestamps
as datetime64[ns, UTC] and counters as unsigned integers.

    pcapq convert examples/example.pcap -o ds
    python3 examples/dataset_in_pandas.py ds          # the dataset directory (default: ds)

Prints what was captured, the top hosts by bytes, flows by Zeek conn_state, traffic per
minute, packet sizes, and the TCP connection states (UVic S#F#). `pcapq schema` describes
every column.
"""

import sys
from pathlib import Path

import pandas as pd

ds = Path(sys.argv[1] if len(sys.argv) > 1 else "ds")
if not (ds / "packets.parquet").is_file():
    sys.exit(f"{ds} is not a pcapq dataset: make one with `pcapq convert CAPTURE -o {ds}`")

packets = pd.read_parquet(ds / "packets.parquet")
flows = pd.read_parquet(ds / "flows.parquet")
captures = pd.read_parquet(ds / "captures.parquet")
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)


def section(title):
    print(f"\n== {title}")


section("What was captured")
print(captures[["path", "format", "link_types", "frames", "wire_bytes", "first_ts", "last_ts"]].to_string(index=False))

# Top hosts by bytes sent + received: each packet counts for its source and its destination.
section("Top hosts by bytes (sent + received)")
sent = packets[["src_ip", "wire_len"]].rename(columns={"src_ip": "host", "wire_len": "sent"})
received = packets[["dst_ip", "wire_len"]].rename(columns={"dst_ip": "host", "wire_len": "received"})
ends = pd.concat([sent, received], ignore_index=True).dropna(subset=["host"]).fillna(0)
hosts = ends.groupby("host").agg(
    bytes_sent=("sent", "sum"), bytes_received=("received", "sum"), packets=("host", "size")
).astype("int64")
hosts.insert(0, "bytes", hosts["bytes_sent"] + hosts["bytes_received"])
hosts = hosts.reset_index().sort_values(["bytes", "host"], ascending=[False, True])
print(hosts.head(10).to_string(index=False))

# Flows by Zeek's conn_state (SF normal, S0 unanswered, REJ rejected, OTH no handshake, …).
section("Flows by conn_state")
flows["bytes"] = flows["orig_wire_bytes"] + flows["resp_wire_bytes"]
states = flows.groupby(["proto", "conn_state"]).agg(flows=("flow_id", "size"), bytes=("bytes", "sum")).reset_index()
states["pct_flows"] = (100 * states["flows"] / states["flows"].sum()).round(1)
print(states.sort_values(["flows", "proto", "conn_state"], ascending=[False, True, True]).to_string(index=False))

# Traffic per minute: resample on the packet time; minutes without packets come out as 0.
section("Traffic per minute (UTC)")
per_minute = packets.set_index("ts")["wire_len"].astype("int64").resample("1min").agg(["size", "sum"])
per_minute.columns = ["packets", "bytes"]
per_minute["avg_mbit_per_s"] = (per_minute["bytes"] * 8 / 60 / 1e6).round(3)
print(per_minute.to_string())

# Packet sizes: pandas' quantile interpolates linearly, as `pcapq query packet-size-stats`.
section("Packet sizes (bytes on the wire)")
sizes = packets["wire_len"].astype("int64")
print(sizes.describe(percentiles=[0.25, 0.5, 0.75, 0.9]).round(1).to_string())

# TCP connections the UVic way: S#F# = exact SYN and FIN counts, /R when reset.
section("TCP connection states (S#F#)")
tcp = flows[flows["proto"] == "tcp"]
by_state = tcp.groupby("state").agg(
    connections=("flow_id", "size"),
    complete=("complete", "all"),
    reset=("reset", "any"),
    mean_duration_s=("duration", "mean"),
).reset_index()
print(by_state.sort_values(["connections", "state"], ascending=[False, True]).round(3).to_string(index=False))
print(
    f"connections {len(tcp)}, complete {int(tcp['complete'].sum())}, reset {int(tcp['reset'].sum())}, "
    f"open at end {int(tcp['open_at_end'].sum())}"
)
