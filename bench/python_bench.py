#!/usr/bin/env python3
"""Time to a pandas DataFrame from a capture: pcapq's Python package against the loaders
people use today (`make bench-python` runs it in bench/out/venv-python).

    python bench/python_bench.py CAPTURE [RUNS]

Each contender runs in a fresh interpreter (imports included, as a notebook cell would
pay them); the fastest of RUNS runs (default 3) is reported with the largest peak RSS
(from wait4) and the DataFrame's rows. Contenders:
  pcapq packets     pcapq.packets(cap).to_pandas(): every column, flows tracked
  pcapq flows       pcapq.flows(cap).to_pandas(): bidirectional flows with TCP state
  scapy raw loop    RawPcapReader loop keeping time and length only (the fastest scapy path)
  scapy decoded     RawPcapReader loop decoding each frame with Ether() for the 5-tuple
                    (what the UChicago hands-on's loader does)
  nfstream flows    NFStreamer(source=cap).to_pandas() (nDPI flows)
  tshark fields     tshark -T fields (time, length, addresses, protocol, ports) → read_csv
Contenders whose package or tool is missing are reported as skipped.
"""

import os
import shutil
import subprocess
import sys
import time

CONTENDERS = {
    "pcapq packets": """
import pcapq
df = pcapq.packets(CAP).to_pandas()
""",
    "pcapq flows": """
import pcapq
df = pcapq.flows(CAP).to_pandas()
""",
    "scapy raw loop": """
import pandas as pd
from scapy.utils import RawPcapReader
rows = []
for data, meta in RawPcapReader(CAP):
    rows.append((meta.sec + meta.usec / 1e6, meta.wirelen))
df = pd.DataFrame(rows, columns=["ts", "wire_len"])
""",
    "scapy decoded": """
import pandas as pd
from scapy.layers.l2 import Ether
from scapy.layers.inet import IP, TCP, UDP
from scapy.utils import RawPcapReader
rows = []
for data, meta in RawPcapReader(CAP):
    pkt = Ether(data)
    ts, length = meta.sec + meta.usec / 1e6, meta.wirelen
    if IP in pkt:
        ip = pkt[IP]
        l4 = pkt[TCP] if TCP in pkt else pkt[UDP] if UDP in pkt else None
        rows.append((ts, length, ip.src, ip.dst, ip.proto,
                     l4.sport if l4 is not None else None, l4.dport if l4 is not None else None))
    else:
        rows.append((ts, length, None, None, None, None, None))
df = pd.DataFrame(rows, columns=["ts", "wire_len", "src_ip", "dst_ip", "ip_proto", "src_port", "dst_port"])
""",
    "nfstream flows": """
from nfstream import NFStreamer
df = NFStreamer(source=CAP).to_pandas()
""",
    "tshark fields": """
import io, subprocess
import pandas as pd
fields = ["frame.time_epoch", "frame.len", "ip.src", "ip.dst", "ip.proto",
          "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport"]
cmd = ["tshark", "-r", CAP, "-T", "fields", "-E", "separator=,", "-E", "occurrence=f"]
for f in fields:
    cmd += ["-e", f]
out = subprocess.run(cmd, capture_output=True, check=True).stdout
df = pd.read_csv(io.BytesIO(out), names=fields)
""",
}

NEEDS = {
    "pcapq packets": "pcapq",
    "pcapq flows": "pcapq",
    "scapy raw loop": "scapy",
    "scapy decoded": "scapy",
    "nfstream flows": "nfstream",
}


def available(name: str) -> bool:
    if name == "tshark fields":
        return shutil.which("tshark") is not None
    probe = subprocess.run([sys.executable, "-c", f"import {NEEDS[name]}"], capture_output=True)
    return probe.returncode == 0


def run_once(code: str, capture: str):
    """(seconds, peak RSS MiB, rows) of one run in a fresh interpreter."""
    script = f"CAP = {capture!r}\n{code}\nprint(len(df))\n"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(err.decode(errors="replace").strip().splitlines()[-1])
    return seconds, usage.ru_maxrss / 1024, int(out.split()[-1])


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    capture = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    frames = None
    print(f"capture: {capture} ({os.path.getsize(capture) / 1e6:.1f} MB), best of {runs} runs")
    print(f"{'contender':16} {'seconds':>8} {'peak RSS MiB':>13} {'rows':>9} {'frames/s':>10}")
    status = 0
    for name, code in CONTENDERS.items():
        if not available(name):
            print(f"{name:16} skipped: {NEEDS.get(name, 'tshark')} is not installed")
            continue
        try:
            # The decoding scapy loop takes minutes: once is enough to rank it.
            repeat = 1 if name == "scapy decoded" else runs
            results = [run_once(code, capture) for _ in range(repeat)]
        except RuntimeError as err:
            print(f"{name:16} failed: {err}")
            status = 1
            continue
        best = min(r[0] for r in results)
        rss = max(r[1] for r in results)
        rows = results[0][2]
        if name == "pcapq packets":
            frames = rows
        rate = f"{frames / best:10,.0f}" if frames else f"{'':10}"
        print(f"{name:16} {best:8.2f} {rss:13.0f} {rows:9,} {rate}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
