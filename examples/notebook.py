# %% [markdown]
# # Hands-On 1 with pcapq: a packet capture in pandas
#
# The UChicago hands-on (Python and Packet Capture) loads a capture into a pandas data
# frame and answers: how many packets, how long, the round-trip latency, lost packets,
# packet-size mean / median / 90th percentile, and the CDFs of packet size and
# interarrival time. Here the capture goes straight from pcap to pandas with
# `pcapq.packets`, no CSV export and no scapy loop.
#
# Run it as a script (`python examples/notebook.py [CAPTURE] [OUTDIR]`) or open it in
# Jupyter as a notebook (the `# %%` cells; `jupytext --to ipynb` converts it).

# %%
import sys
from pathlib import Path

import pandas as pd

import pcapq

capture = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("example.pcap")
outdir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(".")

# %% [markdown]
# ## Step 3: load the capture into a data frame
# One row per frame: `ts` (UTC, nanoseconds), `wire_len` (what Wireshark's Length column
# shows), addresses, ports, TCP flags, and the flow each packet belongs to.
# `types_mapper=pd.ArrowDtype` keeps Arrow's types, so a port or protocol column with
# nulls (ARP has none) stays an integer instead of becoming a float.

# %%
pcap = pcapq.packets(capture).to_pandas(types_mapper=pd.ArrowDtype)
print(pcap[["frame", "ts", "src_ip", "dst_ip", "ip_proto", "wire_len", "tcp_flags_str"]].head(10).to_string(index=False))

# %% [markdown]
# ## Step 2 / Step 3: packets, total time, sizes

# %%
total_time = (pcap["ts"].max() - pcap["ts"].min()).total_seconds()
sizes = pcap["wire_len"]
print(f"packets: {len(pcap)}")
print(f"total time: {total_time:.6f} s")
print(f"size mean: {sizes.mean():.2f} bytes")
print(f"size median: {sizes.median():.1f} bytes")
print(f"size 90th percentile: {sizes.quantile(0.9):.1f} bytes")

# %% [markdown]
# The catalog answers the same question in SQL (`pcapq query packet-size-stats`), with
# the same interpolated percentiles as pandas:

# %%
stats = pcapq.query("packet-size-stats", captures=capture).to_pandas()
print(stats[["packets", "mean_bytes", "median_bytes", "p90_bytes"]].to_string(index=False))

# %% [markdown]
# ## Step 2: round-trip latency and lost packets
# The handshake RTT of each TCP connection (SYN → SYN/ACK → ACK), and the retransmissions
# the flow tracker counted (a retransmission is the usual sign of a lost packet).

# %%
rtt = pcapq.query("rtt", captures=capture).to_pandas()
if len(rtt):
    print(f"handshake RTT, median over {rtt['handshake_rtt'].notna().sum()} connections: "
          f"{rtt['handshake_rtt'].median() * 1000:.3f} ms")
flows = pcapq.flows(capture).to_pandas()
tcp = flows[flows["proto"] == "tcp"]
print(f"TCP connections: {len(tcp)}, retransmitted segments: {int(tcp['retransmissions'].sum())}")

# %% [markdown]
# ## Step 4: the CDFs of packet size and interarrival time

# %%
def cdf(values: pd.Series) -> pd.DataFrame:
    """The empirical CDF: each distinct value and the share of values at or below it."""
    counts = values.value_counts().sort_index()
    return pd.DataFrame({"value": counts.index, "cdf": counts.cumsum().to_numpy() / counts.sum()})


size_cdf = cdf(sizes)
gaps = pcap["ts"].sort_values().diff().dropna().dt.total_seconds()
gap_cdf = cdf(gaps)
print(f"size CDF: {len(size_cdf)} distinct sizes; half the frames are at most "
      f"{size_cdf.loc[size_cdf['cdf'] >= 0.5, 'value'].iloc[0]} bytes")
print(f"interarrival CDF: {len(gaps)} gaps; median {gaps.median() * 1000:.3f} ms")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no CDF pictures (pip install matplotlib)")
else:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.step(size_cdf["value"], size_cdf["cdf"], where="post")
    left.set(xlabel="frame size (bytes)", ylabel="CDF", title="Packet size")
    right.step(gap_cdf["value"], gap_cdf["cdf"], where="post")
    right.set(xlabel="interarrival time (s)", xscale="log", title="Packet interarrival time")
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    picture = outdir / "handson-cdfs.png"
    fig.savefig(picture, dpi=100)
    print(f"CDFs: {picture}")
