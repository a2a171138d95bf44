#!/usr/bin/env python3
"""Generate a SYN-flood capture for benchmarking pcapq's flow table at its worst.

Every frame is a TCP SYN from a random IPv4 source address and port to one server
(192.0.2.10:80), so every frame starts a flow of its own that never sees a second packet:
the traffic of a spoofed-source SYN flood or a wide scan. Legacy pcap, little-endian,
microsecond timestamps, Ethernet, 60-byte frames (the Ethernet minimum), --pps frames a
second (default 1M). Standard library only; the same --seed gives the same file.

    python3 bench/gen_flood.py --frames 3000000 -o bench/out/bench-flood.pcap
"""

import argparse
import random
import struct
import sys

ETH = bytes.fromhex("020000000001" "020000000002" "0800")
DST = bytes([192, 0, 2, 10])
REC = struct.Struct("<IIII")
# IPv4 (20 bytes) + TCP (20 bytes, SYN, window 64240), then 6 bytes of padding.
IP_TCP = struct.Struct(">BBHHHBBH4s4sHHIIBBHHH6x")


def checksum(header):
    total = sum(struct.unpack(">10H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(rng):
    src = rng.getrandbits(32).to_bytes(4, "big")
    sport = 1024 + rng.getrandbits(16) % 64512
    ident = rng.getrandbits(16)
    seq = rng.getrandbits(32)
    ip = IP_TCP.pack(0x45, 0, 40, ident, 0x4000, 64, 6, 0, src, DST, sport, 80, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    csum = checksum(ip[:20])
    return ETH + ip[:10] + struct.pack(">H", csum) + ip[12:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=3_000_000, help="number of frames (default 3000000)")
    ap.add_argument("--pps", type=float, default=1_000_000.0, help="frames per second (default 1M)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", "-o", default="bench/out/bench-flood.pcap", help="output path")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start_us = 1_700_000_000 * 1_000_000
    step = 1e6 / args.pps
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        for i in range(args.frames):
            t = start_us + int(i * step)
            data = frame(rng)
            chunk.append(REC.pack(t // 1_000_000, t % 1_000_000, len(data), len(data)) + data)
            if len(chunk) == 65536:
                out.write(b"".join(chunk))
                chunk.clear()
        out.write(b"".join(chunk))
    print(f"wrote {args.frames} frames to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
