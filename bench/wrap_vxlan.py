#!/usr/bin/env python3
"""Wraps every Ethernet frame of a legacy pcap in VXLAN, as a cloud traffic mirror delivers
it: outer Ethernet, IPv4 from one of 16 mirror sources to the collector, UDP to port 4789,
the VXLAN header, then the original frame. The snap length grows by the 50 bytes added.

    python3 bench/wrap_vxlan.py bench/out/bench-96.pcap bench/out/bench-vxlan.pcap
"""

import struct
import sys
import time

OUTER_MACS = bytes.fromhex("020000000002" "020000000001")
HEADER_LEN = 14 + 20 + 8 + 8


def ipv4_checksum(header: bytes) -> int:
    total = sum(struct.unpack("!10H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def outer_header(source: int, inner_wire_len: int, vni: int) -> bytes:
    udp_len = 8 + 8 + inner_wire_len
    ip_len = 20 + udp_len
    ip = struct.pack(
        "!BBHHHBBH4s4s",
        0x45, 0, ip_len, 0, 0x4000, 64, 17, 0,
        bytes([10, 99, 0, 1 + source]), bytes([10, 99, 1, 1]),
    )
    ip = ip[:10] + struct.pack("!H", ipv4_checksum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", 49152 + source, 4789, udp_len, 0)
    vxlan = struct.pack("!BBHI", 0x08, 0, 0, vni << 8)
    return OUTER_MACS + b"\x08\x00" + ip + udp + vxlan


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.time()
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    magic, major, minor, zone, sigfigs, snaplen, link = struct.unpack("<IHHiIII", data[:24])
    if magic not in (0xA1B2C3D4, 0xA1B23C4D) or link != 1:
        print("wrap_vxlan: needs a little-endian Ethernet pcap", file=sys.stderr)
        return 2
    out = [struct.pack("<IHHiIII", magic, major, minor, zone, sigfigs, snaplen + HEADER_LEN, 1)]
    at, frames = 24, 0
    headers = {}
    while at + 16 <= len(data):
        sec, frac, caplen, wire = struct.unpack_from("<IIII", data, at)
        frame = data[at + 16 : at + 16 + caplen]
        at += 16 + caplen
        source = frames % 16
        key = (source, wire)
        header = headers.get(key)
        if header is None:
            header = headers[key] = outer_header(source, wire, 1000 + source)
        out.append(struct.pack("<IIII", sec, frac, caplen + HEADER_LEN, wire + HEADER_LEN))
        out.append(header)
        out.append(frame)
        frames += 1
    with open(sys.argv[2], "wb") as f:
        f.write(b"".join(out))
    print(
        f"wrap_vxlan: {sys.argv[2]}: {frames} frames in VXLAN, {time.time() - started:.2f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
