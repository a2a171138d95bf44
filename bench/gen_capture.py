#!/usr/bin/env python3
"""Generate a realistic synthetic legacy pcap for benchmarking pcapq.

Output: classic libpcap format, little-endian, microsecond timestamps,
LINKTYPE_ETHERNET.  Frames are truncated to --snaplen bytes (orig_len keeps
the wire length).  Standard library only.

Traffic model: --flows concurrent "slots"; a random slot is picked and the
conversation living in it advances by a short burst of packets (1-8, mean
~2.7, like a flight of segments); a finished conversation is replaced by a new
one, so conversations interleave like on a real link.

  * TCP (~94% of frames): 3-way handshake with options (data offset 8),
    request/response rounds with segments of varied size up to 1460, the
    peer ACKs every second segment, occasional retransmissions, FIN/ACK close or
    RST, a few refused / unanswered SYNs.  Sequence and ack numbers advance
    correctly per connection.  Ports 443, 80, 8080, 8443, 993, 5228; the
    payload starts look like TLS records / HTTP messages.
  * UDP DNS query/response pairs (real DNS messages, ~5% of frames).
  * ICMP echo request/reply (~0.6%).
  * ~5% IPv6 (TCP and DNS).

Clients are hosts in a few private /16s (10.0, 10.20, 172.16, 192.168; IPv6
2001:db8:a::/48) talking to ~30k public servers (popularity skewed) through
one gateway MAC.  The conversations are advanced a little before the first
frame is written, so the capture starts mid-traffic, as real ones do.
Timestamps strictly increase, at --pps packets/s on average.

IPv4 header checksums and UDP/ICMP checksums are valid; TCP checksums are 0
(as in captures taken with checksum offload).  IP total length, TCP data
offset, UDP length and IPv6 payload length are always consistent.  Frames
received from the network are padded to the 60-byte Ethernet minimum.
"""

import argparse
import os
import random
import struct
import sys
import time

MASK32 = 0xFFFFFFFF

# TCP flags, pre-combined with the data offset: (doff << 12) | flags
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
OF_SYN = (8 << 12) | SYN
OF_SYNACK = (8 << 12) | SYN | ACK
OF_ACK = (5 << 12) | ACK
OF_PSHACK = (5 << 12) | PSH | ACK
OF_FINACK = (5 << 12) | FIN | ACK
OF_RSTACK = (5 << 12) | RST | ACK
OF_RST = (5 << 12) | RST

# SYN options (12 bytes): MSS 1460, NOP, WS 7, NOP, NOP, SACK permitted
SYN_OPTS = bytes.fromhex("020405b4" "01030307" "01010402")

REC = struct.Struct("<IIII")
ST4 = struct.Struct(">16sHH4sH12sIIHH4s")  # eth+ip(ver,tos) | tl id | frag ttl proto | csum | addrs ports | seq ack of win | csum urp
ST6 = struct.Struct(">18sH38sIIHH4s")
UDP4 = struct.Struct(">6s6sHBBHHHBBH4s4sHHHHH")  # eth | ipv4 | udp | dns txid  # eth+ip6(vtcfl) | plen | nh hlim addrs ports | seq ack of win | csum urp

GW_MAC = bytes.fromhex("00005e000101")  # VRRP virtual router MAC
OUIS = [bytes.fromhex(x) for x in (
    "3c22fb", "f48e38", "005056", "a4c361", "dca632", "b827eb", "00155d",
    "8c8590", "f01898", "40a8f0", "3497f6", "001b21")]

CLIENT_NETS = [(10, 0), (10, 20), (172, 16), (192, 168)]  # private /16s
CLIENT_NET6 = bytes.fromhex("20010db8000a")  # 2001:db8:a::/48
SERVER_NET6 = [bytes.fromhex(x) for x in (  # /48 prefixes of big public networks
    "2a0014504001", "260647000000", "2a032880f100", "2620011a0000",
    "2a0498c00000", "200148604000")]
DNS_V4 = [bytes(x) for x in ((10, 0, 0, 53), (8, 8, 8, 8), (1, 1, 1, 1), (9, 9, 9, 9), (192, 168, 0, 1))]
SERVER_TTLS = (52, 54, 57, 116, 118, 245)
CLIENT_WINS = (502, 501, 1026, 2052, 249)  # window scale is 7 (x128)
SERVER_WINS = (501, 283, 1040, 235, 64)
RETX = 0.004  # per-segment retransmission probability
# frames taken from a conversation each time it is picked, minus one
# (flights of segments; mean ~2.7 frames): 20 equally likely entries
BURST = (0,) * 7 + (1,) * 5 + (2,) * 3 + (3,) * 2 + (5,) * 2 + (7,)

# (dport, share, payload kind)
TCP_PORTS = [(443, 0.72, "tls"), (80, 0.14, "http"), (8080, 0.03, "http"),
             (8443, 0.04, "tls"), (993, 0.03, "tls"), (5228, 0.04, "tls")]

DOMAINS = [
    "google.com", "www.google.com", "fonts.gstatic.com", "api.github.com",
    "github.com", "www.wikipedia.org", "en.wikipedia.org", "cdn.jsdelivr.net",
    "www.amazon.com", "s3.amazonaws.com", "graph.facebook.com", "www.youtube.com",
    "i.ytimg.com", "update.microsoft.com", "login.microsoftonline.com",
    "outlook.office365.com", "slack.com", "edge-chat.slack.com", "zoom.us",
    "deb.debian.org", "security.debian.org", "pypi.org", "files.pythonhosted.org",
    "crates.io", "static.crates.io", "registry.npmjs.org", "www.cloudflare.com",
    "time.apple.com", "gateway.icloud.com", "ocsp.digicert.com", "example.com",
    "mail.example.org", "intranet.corp.local", "printer.corp.local",
]
USER_AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "curl/8.5.0", "Debian APT-HTTP/1.3 (2.6.1)", "python-requests/2.31.0",
]


def _ext(t, body):
    return struct.pack(">HH", t, len(body)) + body


def client_hello(r, sni):
    """A TLS 1.3 ClientHello record (SNI, ALPN h2/http1.1, x25519 key share)."""
    ciphers = (0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
               0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035)
    name = sni.encode()
    sn = struct.pack(">BH", 0, len(name)) + name
    alpn = b"".join(bytes([len(p)]) + p for p in (b"h2", b"http/1.1"))
    ks = struct.pack(">HH", 0x1D, 32) + r.randbytes(32)
    exts = b"".join((
        _ext(0, struct.pack(">H", len(sn)) + sn), _ext(23, b""), _ext(0xFF01, b"\0"),
        _ext(10, struct.pack(">HHHH", 6, 0x1D, 0x17, 0x18)), _ext(11, b"\x01\x00"),
        _ext(16, struct.pack(">H", len(alpn)) + alpn),
        _ext(13, struct.pack(">HHHHH", 8, 0x0403, 0x0804, 0x0401, 0x0503)),
        _ext(51, struct.pack(">H", len(ks)) + ks), _ext(45, b"\x01\x01"),
        _ext(43, b"\x04\x03\x04\x03\x03")))
    body = (b"\x03\x03" + r.randbytes(32) + b"\x20" + r.randbytes(32)
            + struct.pack(">H", 2 * len(ciphers)) + b"".join(struct.pack(">H", c) for c in ciphers)
            + b"\x01\x00" + struct.pack(">H", len(exts)) + exts)
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def server_hello(r):
    """A TLS 1.3 ServerHello record, then ChangeCipherSpec."""
    exts = _ext(43, b"\x03\x04") + _ext(51, struct.pack(">HH", 0x1D, 32) + r.randbytes(32))
    body = (b"\x03\x03" + r.randbytes(32) + b"\x20" + r.randbytes(32) + b"\x13\x01\x00"
            + struct.pack(">H", len(exts)) + exts)
    hs = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + struct.pack(">H", len(hs)) + hs + b"\x14\x03\x03\x00\x01\x01"


def wsum(data):
    """Sum of big-endian 16-bit words (odd length padded with a zero byte)."""
    if len(data) & 1:
        data += b"\0"
    return sum(struct.unpack(">%dH" % (len(data) // 2), data))


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ip_csum(data):
    if len(data) & 1:
        data += b"\0"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return 0xFFFF - s


class World:
    """Hosts, servers, payload pool and packet builders, all seeded."""

    def __init__(self, rng, snaplen, hellos=False):
        self.rng = rng
        self.snap = snaplen
        r = rng
        # ---- clients: private hosts with MACs, some with IPv6
        self.clients = []
        for _ in range(3000):
            a, b = r.choice(CLIENT_NETS)
            ip = bytes((a, b, r.randrange(0, 64), r.randrange(1, 255)))
            mac = r.choice(OUIS) + bytes(r.randrange(256) for _ in range(3))
            ip6 = CLIENT_NET6 + bytes(r.randrange(256) for _ in range(10))
            ttl = r.choice((64, 64, 64, 128))
            self.clients.append((mac, ip, ip6, ttl))
        # ---- public servers (popularity skewed, see pick_server)
        self.servers = []
        for _ in range(30000):
            while True:
                a = r.randrange(1, 224)
                if a in (10, 127, 169, 172, 192, 100, 0):
                    continue
                break
            self.servers.append(bytes((a, r.randrange(256), r.randrange(256), r.randrange(1, 255))))
        self.servers6 = []
        for _ in range(3000):
            pfx = r.choice(SERVER_NET6)[:6]
            self.servers6.append(pfx + bytes(r.randrange(256) for _ in range(10)))
        self.dns6 = [bytes.fromhex("20014860486000000000000000008888"),
                     bytes.fromhex("26064700470000000000000000001111")]
        self.hellos = hellos
        self._build_payload_pool()
        self._build_dns_pool()

    # -------------------------------------------------------------- pools
    def _build_payload_pool(self):
        r = self.rng
        # random region used for all non-first segments; offsets 0..32767
        # no CR/LF in the random bytes: keeps tshark's HTTP dissector from
        # taking mid-stream body data for (malformed) header lines
        rnd = r.randbytes(32768 + 1600).translate(
            bytes(b | 0x80 if b in (10, 13) else b for b in range(256)))
        # offset 0: SYN options; random region (non-first segments) at 64..
        pool = bytearray(SYN_OPTS.ljust(64, b"\0"))
        pool.extend(rnd)
        self.RAND_MASK = 0x7FFF

        def add(msg_head):
            off = len(pool)
            pool.extend(msg_head)
            pool.extend(rnd[:1600])  # body continues with random bytes
            return off

        def tls_msg(size):
            rec = min(size - 5, 16384 + 256)
            return add(bytes((0x17, 3, 3)) + struct.pack(">H", rec))

        def resp_size():
            # heavy-tailed response sizes: median ~6 KB, tail to 4 MB
            s = int(r.lognormvariate(8.7, 1.6))
            return max(60, min(s, 4_000_000))

        def req_size():
            if r.random() < 0.02:  # upload
                return int(min(r.paretovariate(1.2) * 20000, 2_000_000))
            return r.randrange(60, 1400)

        self.tls_req = [(tls_msg(s), s) for s in (req_size() for _ in range(256))]
        self.tls_resp = [(tls_msg(s), s) for s in (resp_size() for _ in range(256))]
        # --hellos: TLS conversations open with a real ClientHello / ServerHello (drawn
        # from their own generator, so the default capture is unchanged without it)
        self.tls_first = None
        if self.hellos:
            h = random.Random(7)
            chs = [client_hello(h, h.choice(DOMAINS)) for _ in range(64)]
            shs = [server_hello(h) for _ in range(16)]
            self.tls_first = ([(add(m), len(m)) for m in chs],
                              [(add(m), len(m) + resp_size()) for m in shs])
        self.http_req = []
        paths = ["/", "/index.html", "/api/v1/items?page=%d", "/static/app.%x.js",
                 "/images/photo_%d.jpg", "/debian/dists/bookworm/InRelease", "/health"]
        for _ in range(64):
            p = r.choice(paths)
            if "%" in p:
                p = p % r.randrange(1, 1 << 24)
            txt = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
                   "Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n"
                   % (p, r.choice(DOMAINS), r.choice(USER_AGENTS))).encode()
            self.http_req.append((add(txt), len(txt)))
        self.http_resp = []
        for _ in range(128):
            body = resp_size()
            ctype = r.choice(("text/html; charset=utf-8", "application/json",
                              "text/css", "application/javascript", "application/octet-stream"))
            hdr = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: %s\r\n"
                   "Content-Length: %d\r\nConnection: keep-alive\r\n\r\n" % (ctype, body)).encode()
            self.http_resp.append((add(hdr), len(hdr) + body))
        self.P = bytes(pool)

    def _build_dns_pool(self):
        r = self.rng
        # per name: [(query, response, wordsum(query), wordsum(response)) for A, AAAA]
        # messages are stored without their 2-byte transaction id
        self.dns_pool = []
        for _ in range(384):
            if r.random() < 0.6:
                name = r.choice(DOMAINS)
            else:
                name = "%s%d.%s" % (r.choice(("cdn", "edge", "img", "api", "s", "node")),
                                    r.randrange(1, 300), r.choice(DOMAINS))
            qname = b"".join(bytes((len(l),)) + l.encode() for l in name.split(".")) + b"\0"
            edns = r.random() < 0.5
            opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0) if edns else b""
            nx = r.random() < 0.05
            pair = []
            for qtype in (1, 28):
                question = qname + struct.pack(">HH", qtype, 1)
                q = struct.pack(">HHHHH", 0x0100, 1, 0, 0, 1 if edns else 0) + question + opt
                if nx:  # NXDOMAIN
                    ans, flags, an = b"", 0x8183, 0
                else:
                    an = r.randrange(0 if qtype == 28 else 1, 5)
                    ans = b""
                    for _ in range(an):
                        rd = r.choice(self.servers) if qtype == 1 else r.choice(self.servers6)
                        ans += struct.pack(">HHHIH", 0xC00C, qtype, 1, r.randrange(30, 3600), len(rd)) + rd
                    flags = 0x8180
                resp = struct.pack(">HHHHH", flags, 1, an, 0, 1 if edns else 0) + question + ans + opt
                pair.append((q, resp, wsum(q), wsum(resp)))
            self.dns_pool.append(pair)

    # ----------------------------------------------------------- picking
    def pick_client(self):
        c = self.clients
        return c[int(len(c) * self.rng.random() ** 1.5)]

    def pick_server(self):
        s = self.servers
        return s[int(len(s) * self.rng.random() ** 3)]

    def pick_server6(self):
        s = self.servers6
        return s[int(len(s) * self.rng.random() ** 3)]

    # ----------------------------------------------------- TCP builders
    def make_seg4(self, cmac, cip, sip, ttl_c, ttl_s, sport, dport):
        """Return seg(d, of, seq, ack, win, plen, off) -> (frame, wirelen) for IPv4."""
        r = self.rng
        P = self.P
        snap = self.snap
        capp = max(0, snap - 54)
        tiny = snap < 80
        ZP = b"\0" * 8
        eth0 = GW_MAC + cmac + b"\x08\x00"
        eth1 = cmac + GW_MAC + b"\x08\x00"
        pre = (eth0 + b"\x45\x00", eth1 + b"\x45\x00")
        mid = (b"\x40\x00" + bytes((ttl_c, 6)), b"\x40\x00" + bytes((ttl_s, 6)))
        addr = (cip + sip + struct.pack(">HH", sport, dport),
                sip + cip + struct.pack(">HH", dport, sport))
        a1, a2 = struct.unpack(">HH", cip)
        b1, b2 = struct.unpack(">HH", sip)
        base = (0x4500 + 0x4000 + (ttl_c << 8 | 6) + a1 + a2 + b1 + b2,
                0x4500 + 0x4000 + (ttl_s << 8 | 6) + a1 + a2 + b1 + b2)
        ids = [r.getrandbits(16), r.getrandbits(16)]
        tail = b"\0\0\0\0"
        pack = ST4.pack

        def seg(d, of, seq, ack, win, plen, off):
            tl = 40 + plen
            ipid = ids[d] = (ids[d] + 1) & 0xFFFF
            s = base[d] + tl + ipid
            s = (s & 0xFFFF) + (s >> 16)
            s = (s & 0xFFFF) + (s >> 16)
            h = pack(pre[d], tl, ipid, mid[d], 0xFFFF - s, addr[d],
                     seq & MASK32, ack & MASK32, of, win, tail)
            if plen:
                h += P[off:off + (plen if plen < capp else capp)]
            wl = tl + 14
            if wl < 60 and d:
                h += ZP[:60 - wl]
                wl = 60
            if tiny:
                h = h[:snap]
            return h, wl

        return seg

    def make_seg6(self, cmac, cip6, sip6, hl_c, hl_s, sport, dport):
        r = self.rng
        P = self.P
        snap = self.snap
        capp = max(0, snap - 74)
        tiny = snap < 80
        eth0 = GW_MAC + cmac + b"\x86\xdd"
        eth1 = cmac + GW_MAC + b"\x86\xdd"
        pre = (eth0 + struct.pack(">I", 0x60000000 | r.getrandbits(20)),
               eth1 + struct.pack(">I", 0x60000000 | r.getrandbits(20)))
        rest = (bytes((6, hl_c)) + cip6 + sip6 + struct.pack(">HH", sport, dport),
                bytes((6, hl_s)) + sip6 + cip6 + struct.pack(">HH", dport, sport))
        tail = b"\0\0\0\0"
        pack = ST6.pack

        def seg(d, of, seq, ack, win, plen, off):
            h = pack(pre[d], 20 + plen, rest[d], seq & MASK32, ack & MASK32, of, win, tail)
            if plen:
                h += P[off:off + (plen if plen < capp else capp)]
            if tiny:
                h = h[:snap]
            return h, 74 + plen

        return seg

    # ------------------------------------------------------ flow kinds
    def new_flow(self):
        rnd = self.rng.random
        r = rnd()
        if r < 0.62:
            return self.tcp_flow(rnd() < 0.05)
        if r < 0.975:
            return self.dns_flow(rnd() < 0.06)
        return self.icmp_flow()

    def tcp_flow(self, v6):
        rng = self.rng
        rnd = rng.random
        mac, cip, cip6, ttl = self.pick_client()
        sport = 32768 + int(rnd() * 28232)
        x = rnd()
        for dport, share, kind in TCP_PORTS:
            x -= share
            if x < 0:
                break
        if v6:
            seg = self.make_seg6(mac, cip6, self.pick_server6(), ttl, 48 + int(rnd() * 12), sport, dport)
        else:
            seg = self.make_seg4(mac, cip, self.pick_server(), ttl,
                                 SERVER_TTLS[int(rnd() * len(SERVER_TTLS))], sport, dport)
        if kind == "tls":
            return self._tcp_conv(seg, rng, self.tls_req, self.tls_resp, self.tls_first)
        return self._tcp_conv(seg, rng, self.http_req, self.http_resp)

    def _tcp_conv(self, seg, rng, reqs, resps, first=None):
        rnd = rng.random
        M = self.RAND_MASK
        cs = rng.getrandbits(32)  # client ISN
        ss = rng.getrandbits(32)  # server ISN
        cw = CLIENT_WINS[int(rnd() * len(CLIENT_WINS))]  # (scaled) windows
        sw = SERVER_WINS[int(rnd() * len(SERVER_WINS))]

        # ---- handshake (and the odd failure)
        x = rnd()
        if x < 0.015:  # unanswered SYN, retried twice
            yield seg(0, OF_SYN, cs, 0, 64240, 12, 0)
            yield seg(0, OF_SYN, cs, 0, 64240, 12, 0)
            yield seg(0, OF_SYN, cs, 0, 64240, 12, 0)
            return
        yield seg(0, OF_SYN, cs, 0, 64240, 12, 0)
        cs += 1
        if x < 0.03:  # port closed: RST/ACK
            yield seg(1, OF_RSTACK, 0, cs, 0, 0, 0)
            return
        yield seg(1, OF_SYNACK, ss, cs, 65160, 12, 0)
        ss += 1
        yield seg(0, OF_ACK, cs, ss, cw, 0, 0)

        # ---- request/response rounds.  A message of q bytes goes as n full
        # segments plus a last (PSH) one; the peer ACKs every second segment
        # and the last one.  Now and then one segment is retransmitted.
        rounds = 1 + int(rng.expovariate(0.6))
        if rounds > 40:
            rounds = 40
        for round_no in range(rounds):
            if first is not None and round_no == 0:
                off, q = first[0][int(rnd() * len(first[0]))]
            else:
                off, q = reqs[int(rnd() * len(reqs))]
            n = (q - 1) // 1460
            last = q - n * 1460
            rx = int(rnd() * (n + 1)) if rnd() < (n + 1) * RETX else -1
            for i in range(n):  # client -> server
                yield seg(0, OF_ACK, cs, ss, cw, 1460, off)
                if i == rx:
                    yield seg(0, OF_ACK, cs, ss, cw, 1460, off)
                cs += 1460
                off = 64 + (cs & M)
                if i & 1:
                    yield seg(1, OF_ACK, ss, cs, sw, 0, 0)
            yield seg(0, OF_PSHACK, cs, ss, cw, last, off)
            if rx == n:
                yield seg(0, OF_PSHACK, cs, ss, cw, last, off)
            cs += last
            yield seg(1, OF_ACK, ss, cs, sw, 0, 0)

            if first is not None and round_no == 0:
                off, q = first[1][int(rnd() * len(first[1]))]
            else:
                off, q = resps[int(rnd() * len(resps))]
            n = (q - 1) // 1460
            last = q - n * 1460
            rx = int(rnd() * (n + 1)) if rnd() < (n + 1) * RETX else -1
            for i in range(n):  # server -> client
                yield seg(1, OF_ACK, ss, cs, sw, 1460, off)
                if i == rx:
                    yield seg(1, OF_ACK, ss, cs, sw, 1460, off)
                ss += 1460
                off = 64 + (ss & M)
                if i & 1:
                    yield seg(0, OF_ACK, cs, ss, cw, 0, 0)
            yield seg(1, OF_PSHACK, ss, cs, sw, last, off)
            if rx == n:
                yield seg(1, OF_PSHACK, ss, cs, sw, last, off)
            ss += last
            yield seg(0, OF_ACK, cs, ss, cw, 0, 0)

        # ---- teardown
        x = rnd()
        if x < 0.60:  # client closes
            yield seg(0, OF_FINACK, cs, ss, cw, 0, 0)
            yield seg(1, OF_FINACK, ss, cs + 1, sw, 0, 0)
            yield seg(0, OF_ACK, cs + 1, ss + 1, cw, 0, 0)
        elif x < 0.85:  # server closes
            yield seg(1, OF_FINACK, ss, cs, sw, 0, 0)
            yield seg(0, OF_FINACK, cs, ss + 1, cw, 0, 0)
            yield seg(1, OF_ACK, ss + 1, cs + 1, sw, 0, 0)
        elif x < 0.93:  # client aborts
            yield seg(0, OF_RSTACK, cs, ss, 0, 0, 0)
        elif x < 0.96:  # server aborts
            yield seg(1, OF_RST, ss, 0, 0, 0, 0)
        # else: connection left open (idle / cut by the end of capture)

    def _udp4(self, smac, dmac, src, dst, sport, dport, ttl, ipid, txid, body, bsum):
        """IPv4/UDP frame with valid checksums; payload = txid (2 bytes) + body."""
        ulen = 10 + len(body)
        tl = 20 + ulen
        a = int.from_bytes(src, "big")
        b = int.from_bytes(dst, "big")
        aw = (a >> 16) + (a & 0xFFFF) + (b >> 16) + (b & 0xFFFF)
        uc = 0xFFFF - fold(aw + 17 + ulen + ulen + sport + dport + txid + bsum)
        ic = 0xFFFF - fold(0x4500 + tl + ipid + (ttl << 8 | 17) + aw)
        return (UDP4.pack(dmac, smac, 0x0800, 0x45, 0, tl, ipid, 0, ttl, 17, ic, src, dst,
                          sport, dport, ulen, uc or 0xFFFF, txid) + body)

    def _udp6(self, smac, dmac, src, dst, sport, dport, hlim, txid, body):
        payload = struct.pack(">H", txid) + body
        ulen = 8 + len(payload)
        pseudo = src + dst + struct.pack(">IxxxB", ulen, 17)
        udp = struct.pack(">HHHH", sport, dport, ulen, 0) + payload
        c = ip_csum(pseudo + udp) or 0xFFFF
        udp = udp[:6] + struct.pack(">H", c) + udp[8:]
        ip6 = struct.pack(">IHBB", 0x60000000 | self.rng.getrandbits(20), ulen, 17, hlim) + src + dst
        return dmac + smac + b"\x86\xdd" + ip6 + udp

    def dns_flow(self, v6):
        """One query/answer, or an A + AAAA pair from the same socket."""
        rng = self.rng
        rnd = rng.random
        snap = self.snap
        mac, cip, cip6, ttl = self.pick_client()
        pair = self.dns_pool[int(rnd() * len(self.dns_pool))]
        x = rnd()
        msgs = pair if x < 0.5 else (pair[1],) if x < 0.6 else (pair[0],)
        sport = 32768 + int(rnd() * 28232)
        qs, rs = [], []
        if v6:
            srv = self.dns6[int(rnd() * 2)]
            for q, resp, _, _ in msgs:
                txid = rng.getrandbits(16)
                qs.append(self._udp6(mac, GW_MAC, cip6, srv, sport, 53, 64, txid, q))
                rs.append(self._udp6(GW_MAC, mac, srv, cip6, 53, sport, 57, txid, resp))
        else:
            srv = DNS_V4[int(rnd() * len(DNS_V4))]
            ipid = rng.getrandbits(16)
            for q, resp, qsum, rsum in msgs:
                txid = rng.getrandbits(16)
                qs.append(self._udp4(mac, GW_MAC, cip, srv, sport, 53, ttl, ipid, txid, q, qsum))
                rs.append(self._udp4(GW_MAC, mac, srv, cip, 53, sport, 58, ipid ^ 0x5A5A, txid, resp, rsum))
                ipid = (ipid + 1) & 0xFFFF
        for f in qs:
            yield f[:snap], len(f)
        if rnd() < 0.03:  # lost answer: the query is retried once
            yield qs[0][:snap], len(qs[0])
        for f in rs:
            yield f[:snap], len(f)

    def icmp_flow(self):
        rng = self.rng
        snap = self.snap
        mac, cip, _, ttl = self.pick_client()
        dst = DNS_V4[1] if rng.random() < 0.3 else self.pick_server()
        ident = rng.getrandbits(16)
        n = rng.randrange(1, 6)
        ipid = rng.getrandbits(16)
        t0 = rng.getrandbits(31)
        for i in range(1, n + 1):
            data = struct.pack("<Q", t0 + i) + bytes(range(0x10, 0x38))  # 56 bytes like ping
            for typ, src, dstip, smac, dmac, t in ((8, cip, dst, mac, GW_MAC, ttl),
                                                   (0, dst, cip, GW_MAC, mac, 55)):
                icmp = struct.pack(">BBHHH", typ, 0, 0, ident, i) + data
                icmp = icmp[:2] + struct.pack(">H", ip_csum(icmp)) + icmp[4:]
                ipid = (ipid + 1) & 0xFFFF
                iph = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), ipid, 0x4000, t, 1, 0, src, dstip)
                iph = iph[:10] + struct.pack(">H", ip_csum(iph)) + iph[12:]
                f = dmac + smac + b"\x08\x00" + iph + icmp
                yield f[:snap], len(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--frames", type=int, default=600000, help="number of frames (default 600000)")
    ap.add_argument("--target-bytes", type=int, default=0,
                    help="instead of --frames: write until the file has at least this many bytes")
    ap.add_argument("--snaplen", type=int, default=96, help="capture length (default 96)")
    ap.add_argument("--flows", type=int, default=5000, help="concurrent conversations (default 5000)")
    ap.add_argument("--pps", type=float, default=400000.0, help="mean packet rate for timestamps (default 400k)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--hellos", action="store_true",
                    help="TLS conversations open with a real ClientHello/ServerHello (use with a full --snaplen)")
    ap.add_argument("--out", "-o", default="bench/out/bench.pcap", help="output path")
    a = ap.parse_args()
    if a.snaplen < 14 or a.snaplen > 262144:
        ap.error("--snaplen must be in 14..262144")
    if a.flows < 1:
        ap.error("--flows must be >= 1")

    t_start = time.perf_counter()
    rng = random.Random(a.seed)
    world = World(rng, a.snaplen, a.hellos)
    rnd = rng.random
    F = a.flows
    slots = [world.new_flow() for _ in range(F)]
    new_flow = world.new_flow
    # warm-up: advance the conversations a little before the capture "starts",
    # so it begins mid-traffic (some connections are seen without their SYN)
    for _ in range(4 * F):
        k = int(rnd() * F)
        for _ in range(BURST[int(rnd() * 20)] + 1):
            if next(slots[k], None) is None:
                slots[k] = new_flow()

    # inter-arrival gaps (µs, >= 1), reused cyclically
    mean = max(1.0, 1e6 / a.pps)
    CH = 16384
    if mean > 1.0:  # 1 µs floor (strictly increasing) plus exponential around (mean - 1)
        gaps = [1 + int(rng.expovariate(1.0 / (mean - 1.0)) + 0.5) for _ in range(CH)]
    else:
        gaps = [1] * CH
    sec = 1700000000 + (a.seed % 100000) * 60
    usec = 0

    limit_frames = a.frames if a.target_bytes <= 0 else None
    limit_bytes = a.target_bytes if a.target_bytes > 0 else None

    d = os.path.dirname(a.out)
    if d:
        os.makedirs(d, exist_ok=True)
    tmp = a.out + ".part"
    out = open(tmp, "wb", buffering=0)
    hdr = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, a.snaplen, 1)
    out.write(hdr)
    total = len(hdr)
    frames = 0
    recpack = REC.pack
    left = 0
    k = 0
    g = slots[0]
    last_report = t_start
    tty = sys.stderr.isatty()
    try:
        while True:
            if limit_frames is not None:
                n = min(CH, limit_frames - frames)
                if n <= 0:
                    break
                gl = gaps if n == CH else gaps[:n]
            else:
                rest = limit_bytes - total
                if rest <= 0:
                    break
                # near the end, shrink the chunk so the file ends close to the target
                avg = total / frames if frames else 100.0
                n = min(CH, int(rest / avg) + 1)
                gl = gaps if n == CH else gaps[:n]
            parts = []
            ap_ = parts.append
            for gap in gl:
                if left:
                    left -= 1
                else:
                    k = int(rnd() * F)
                    g = slots[k]
                    left = BURST[int(rnd() * 20)]
                r = next(g, None)
                if r is None:
                    g = slots[k] = new_flow()
                    r = next(g)
                fr, wl = r
                usec += gap
                if usec >= 1000000:
                    usec -= 1000000
                    sec += 1
                ap_(recpack(sec, usec, len(fr), wl))
                ap_(fr)
            buf = b"".join(parts)
            out.write(buf)
            total += len(buf)
            frames += len(gl)
            now = time.perf_counter()
            if tty and now - last_report > 2:
                last_report = now
                sys.stderr.write("\r%d frames, %.0f MB, %.0f frames/s   "
                                 % (frames, total / 1e6, frames / (now - t_start)))
                sys.stderr.flush()
    finally:
        out.close()
    os.replace(tmp, a.out)
    el = time.perf_counter() - t_start
    if tty:
        sys.stderr.write("\r" + " " * 60 + "\r")
    sys.stderr.write("gen_capture: %s: %d frames, %d bytes (%.1f MB), %.2f s, %.0f frames/s, snaplen %d\n"
                     % (a.out, frames, total, total / 1e6, el, frames / el if el else 0, a.snaplen))


if __name__ == "__main__":
    main()
