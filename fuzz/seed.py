#!/usr/bin/env python3
"""Seed corpora for pcapq's fuzz targets from the test captures (standard library only).

Usage: seed.py PCAP_DIR CORPUS_DIR

Reads every .pcap/.pcapng under PCAP_DIR and writes, under CORPUS_DIR/<target>/, files
named by the SHA-1 of their content (as libFuzzer names them) in each target's input
format (see the doc comment of each file in fuzz_targets/):
  capture_reader  whole capture files (and a few gzip-wrapped ones)
  dissect         single frames: link type (u16 BE), wire bytes beyond the frame (u8), frame
  defrag          runs of frames: link type (u16 BE), then (u16 BE length, u8 seconds, frame)
  tls             chunking byte + one direction of a TLS stream; DTLS datagrams
  quic            the datagrams of a QUIC flow, each after a u16 (bit 15: from the client)
  dns             chunking byte + a DNS message, or one direction of a DNS-over-TCP stream
  http            the two directions of an HTTP connection as request/response operations
  app_flow        any TCP or UDP flow: flow header + packets
The transport payloads are taken as /work/appdev/payloads.py took them (Ethernet, VLAN,
IPv4/IPv6), extended to pcapng and to the raw, Linux cooked, loopback and PPP link types.
"""
import gzip
import hashlib
import os
import struct
import sys

# Link types pcapq decodes (src/dissect/link/mod.rs).
LINK_TYPES = {0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 109, 113, 127, 192, 228, 229, 239, 276}
MAX_SEED = 64 * 1024
MAX_FRAMES_PER_CAPTURE = 200


# ---- capture files ----

def read_pcap(d):
    """Frames (link_type, data, wire_len) of a legacy pcap file."""
    magic = d[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1', b'\x34\xcd\xb2\xa1'):
        e = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d', b'\xa1\xb2\xcd\x34'):
        e = '>'
    else:
        return []
    if len(d) < 24:
        return []
    link = struct.unpack(e + 'I', d[20:24])[0] & 0x0fffffff
    off, frames = 24, []
    while off + 16 <= len(d):
        _, _, incl, orig = struct.unpack(e + 'IIII', d[off:off + 16])
        off += 16
        if incl > 262144 or off + incl > len(d):
            break
        frames.append((link, d[off:off + incl], orig))
        off += incl
    return frames


def read_pcapng(d):
    """Frames (link_type, data, wire_len) of a pcapng file (EPB, SPB and obsolete PB)."""
    frames, links, off, e = [], [], 0, '<'
    while off + 12 <= len(d):
        btype = struct.unpack(e + 'I', d[off:off + 4])[0]
        if btype == 0x0a0d0d0a:
            bom = d[off + 8:off + 12]
            e = '<' if bom == b'\x4d\x3c\x2b\x1a' else '>'
            links = []
        blen = struct.unpack(e + 'I', d[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(d):
            break
        body = d[off + 8:off + blen - 4]
        try:
            if btype == 1:
                links.append(struct.unpack(e + 'H', body[:2])[0])
            elif btype == 6:
                iface, _, _, cap, orig = struct.unpack(e + 'IIIII', body[:20])
                frames.append((links[iface], body[20:20 + cap], orig))
            elif btype == 2:
                iface, _, _, _, cap, orig = struct.unpack(e + 'HHIIII', body[:20])
                frames.append((links[iface], body[20:20 + cap], orig))
            elif btype == 3 and links:
                orig = struct.unpack(e + 'I', body[:4])[0]
                frames.append((links[0], body[4:4 + orig], orig))
        except (struct.error, IndexError):
            pass
        off += blen
    return frames


def read_capture(d):
    if d[:4] == b'\x0a\x0d\x0d\x0a':
        return read_pcapng(d)
    return read_pcap(d)


# ---- link, network, transport ----

def network(link, f):
    """(version or None, IP bytes) of a frame, or None when it does not carry IP."""
    def by_ethertype(et, p):
        while et in (0x8100, 0x88a8) and len(f) >= p + 4:
            et = struct.unpack('>H', f[p + 2:p + 4])[0]
            p += 4
        return {0x0800: (4, f[p:]), 0x86dd: (6, f[p:])}.get(et)

    if link == 1 and len(f) >= 14:
        return by_ethertype(struct.unpack('>H', f[12:14])[0], 14)
    if link in (12, 14, 101, 228, 229):
        return (None, f)
    if link == 113 and len(f) >= 16:
        return by_ethertype(struct.unpack('>H', f[14:16])[0], 16)
    if link == 276 and len(f) >= 20:
        return by_ethertype(struct.unpack('>H', f[0:2])[0], 20)
    if link in (0, 108) and len(f) >= 4:
        fam = struct.unpack('<I', f[:4])[0]
        if fam > 0xffff:
            fam = struct.unpack('>I', f[:4])[0]
        return {2: (4, f[4:]), 24: (6, f[4:]), 28: (6, f[4:]), 30: (6, f[4:])}.get(fam)
    if link in (9, 50) and len(f) >= 4:
        p = 2 if f[:2] == b'\xff\x03' else 0
        proto = struct.unpack('>H', f[p:p + 2])[0]
        return {0x0021: (4, f[p + 2:]), 0x0057: (6, f[p + 2:])}.get(proto)
    return None


def transport(ip, version):
    """(proto, src, dst, transport bytes, wire length of the transport part) or None."""
    if not ip:
        return None
    version = version or ip[0] >> 4
    if version == 4 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        if struct.unpack('>H', ip[6:8])[0] & 0x1fff:
            return None  # a later fragment
        return ip[9], ip[12:16], ip[16:20], ip[ihl:total], total - ihl
    if version == 6 and len(ip) >= 40:
        plen = struct.unpack('>H', ip[4:6])[0]
        nh, p = ip[6], 40
        while nh in (0, 43, 60) and len(ip) >= p + 8:
            nh, p = ip[p], p + (ip[p + 1] + 1) * 8
        return nh, ip[8:24], ip[24:40], ip[p:40 + plen], 40 + plen - p
    return None


def packets(frames):
    """TCP and UDP packets: (proto, (src, sport), (dst, dport), seq, flags, payload, wire)."""
    out = []
    for link, f, _ in frames:
        net = network(link, f)
        if not net:
            continue
        t = transport(net[1], net[0])
        if not t:
            continue
        proto, src, dst, seg, wire = t
        if proto == 6 and len(seg) >= 20:
            sp, dp, seq = struct.unpack('>HHI', seg[:8])
            hl = (seg[12] >> 4) * 4
            out.append((6, (src, sp), (dst, dp), seq, seg[13], seg[hl:], max(wire - hl, 0)))
        elif proto == 17 and len(seg) >= 8:
            sp, dp, ulen = struct.unpack('>HHH', seg[:6])
            pay = seg[8:ulen] if ulen >= 8 else seg[8:]
            out.append((17, (src, sp), (dst, dp), 0, 0, pay, max(ulen - 8, len(pay))))
    return out


def flows(pkts):
    """Packets grouped by flow, in capture order: {key: (ports by side, [(side, seq, flags,
    payload, wire)])}; side 0 sent the flow's first packet."""
    by_key, first = {}, {}
    for proto, a, b, seq, flags, pay, wire in pkts:
        key = (proto,) + tuple(sorted([a, b]))
        first.setdefault(key, a)
        side = 0 if a == first[key] else 1
        by_key.setdefault(key, []).append((side, seq, flags, pay, wire))
    out = {}
    for key, pkts in by_key.items():
        other = key[2] if key[1] == first[key] else key[1]
        out[key] = ((first[key][1], other[1]), pkts)
    return out


def in_order(flow, side):
    """One TCP direction's payload, retransmissions dropped (no reordering)."""
    out, nxt = b'', None
    for s, seq, flags, pay, _ in flow:
        if s != side:
            continue
        if flags & 2:
            nxt = (seq + 1) & 0xffffffff
            continue
        if not pay:
            continue
        if nxt is None:
            nxt = seq
        skip = (nxt - seq) & 0xffffffff
        if skip >= 0x80000000:
            continue  # a hole: stop at it
        if skip < len(pay):
            out += pay[skip:]
            nxt = (seq + len(pay)) & 0xffffffff
    return out


# ---- corpora ----

class Corpus:
    def __init__(self, root):
        self.root = root
        self.count = {}

    def add(self, target, data):
        limit = 2 * MAX_SEED if target == 'capture_reader' else MAX_SEED
        if not data or len(data) > limit:
            return
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            with open(path, 'wb') as fh:
                fh.write(data)
            self.count[target] = self.count.get(target, 0) + 1


def seed_capture(c, data):
    c.add('capture_reader', data)
    frames = read_capture(data)
    for link, f, wire in frames[:MAX_FRAMES_PER_CAPTURE]:
        if link in LINK_TYPES:
            c.add('dissect', struct.pack('>HB', link, min(max(wire - len(f), 0), 255)) + f)
    run = b''
    for link, f, wire in frames[:MAX_FRAMES_PER_CAPTURE]:
        if link != frames[0][0] or len(run) + 3 + len(f) > MAX_SEED:
            break
        run += struct.pack('>HB', len(f), 0) + f
    if frames and frames[0][0] in LINK_TYPES and run:
        c.add('defrag', struct.pack('>H', frames[0][0]) + run)
    for key, (side_ports, flow) in flows(packets(frames)).items():
        proto, ports = key[0], set(side_ports)
        seed_app_flow(c, proto, side_ports, flow)
        if proto == 6:
            streams = [in_order(flow, 0), in_order(flow, 1)]
            for s in streams:
                if s[:1] == b'\x16' and s[1:2] == b'\x03' or s[:1] == b'\x80':
                    c.add('tls', b'\x00' + s[:16384])
                    c.add('tls', b'\x05' + s[:16384])
            if 53 in ports:
                for s in streams:
                    c.add('dns', b'\x00' + s)
                    c.add('dns', b'\x03' + s)
            if looks_http(streams[0]) or ports & {80, 8080, 8000}:
                seed_http(c, flow)
        else:
            dgrams = [(side, pay) for side, _, _, pay, _ in flow if pay]
            if not dgrams:
                continue
            if ports & {53, 137, 5353, 5355}:
                for _, pay in dgrams:
                    c.add('dns', b'\x00' + pay)
            for _, pay in dgrams:
                if pay[:1] == b'\x16' and pay[1:2] == b'\xfe':
                    c.add('tls', b'\x00' + pay)
            if dgrams[0][1][0] & 0x80 and (443 in ports or len(dgrams[0][1]) >= 1200):
                seq = b''
                for side, pay in dgrams[:20]:
                    rec = struct.pack('>H', (0x8000 if side == 0 else 0) | min(len(pay), 0x7fff)) + pay
                    if len(seq) + len(rec) > MAX_SEED:
                        break
                    seq += rec
                c.add('quic', seq)
                c.add('quic', seq[:2 + min(len(dgrams[0][1]), 0x7fff)])


def looks_http(s):
    return any(s.startswith(m + b' ') for m in
               (b'GET', b'POST', b'HEAD', b'PUT', b'DELETE', b'OPTIONS', b'CONNECT', b'PATCH'))


def seed_http(c, flow):
    ops, nxt = b'', [None, None]
    for side, seq, flags, pay, _ in flow:
        if flags & 2:
            nxt[side] = (seq + 1) & 0xffffffff
            continue
        if not pay:
            continue
        if nxt[side] is None:
            nxt[side] = seq
        skip = (nxt[side] - seq) & 0xffffffff
        if skip >= len(pay):
            continue  # a retransmission (or a hole: left to the fuzzer)
        pay = pay[skip:]
        nxt[side] = (seq + skip + len(pay)) & 0xffffffff
        op = struct.pack('>BH', 0 if side == 0 else 1, len(pay)) + pay
        if len(ops) + len(op) > MAX_SEED:
            break
        ops += op
    c.add('http', ops)


def seed_app_flow(c, proto, ports, flow):
    udp = proto == 17
    isn = [None, None]
    if not udp:
        for side, seq, flags, _, _ in flow:
            if flags & 2 and isn[side] is None:
                isn[side] = seq
    flags = (1 if udp else 0) | (4 if isn[0] is not None else 0) | (8 if isn[1] is not None else 0)
    out = struct.pack('>BHHII', flags, ports[0], ports[1], isn[0] or 0, isn[1] or 0)
    started = False
    for side, seq, tflags, pay, wire in flow:
        started = started or wire > 0
        if not started:
            continue  # the application stage starts at the first payload
        rec = struct.pack('>BIHB', side | (2 if tflags & 2 else 0), seq, len(pay),
                          min(max(wire - len(pay), 0), 255)) + pay
        if len(out) + len(rec) > MAX_SEED // 2:
            break
        out += rec
    if started:
        c.add('app_flow', out)


def main(pcap_dir, corpus_dir):
    c = Corpus(corpus_dir)
    paths = []
    for root, _, files in os.walk(pcap_dir):
        paths += [os.path.join(root, f) for f in files if f.endswith(('.pcap', '.pcapng'))]
    paths.sort()
    for p in paths:
        with open(p, 'rb') as fh:
            data = fh.read()
        seed_capture(c, data)
    # Compressed inputs: the smallest few captures wrapped in gzip.
    for p in sorted(paths, key=os.path.getsize)[:4]:
        with open(p, 'rb') as fh:
            c.add('capture_reader', gzip.compress(fh.read(), mtime=0))
    for t in sorted(c.count):
        print(f'{t}: {c.count[t]} new seeds')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
