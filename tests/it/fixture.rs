//! Capture fixtures built by the tests: packets made with etherparse's builder, written as
//! legacy pcap (either byte order, µs or ns) or pcapng (several interfaces).

#![allow(dead_code)]

use std::net::IpAddr;

use etherparse::PacketBuilder;

/// One frame to write.
#[derive(Clone, Debug)]
pub struct Rec {
    pub ts_ns: i64,
    pub data: Vec<u8>,
    pub wire_len: u32,
    pub interface: u32,
}

/// Legacy pcap options.
#[derive(Clone, Copy, Debug)]
pub struct PcapOpts {
    pub big_endian: bool,
    pub nanos: bool,
    pub link_type: u32,
    pub snaplen: u32,
}

impl Default for PcapOpts {
    fn default() -> Self {
        PcapOpts {
            big_endian: false,
            nanos: false,
            link_type: 1,
            snaplen: 65535,
        }
    }
}

fn put32(out: &mut Vec<u8>, v: u32, be: bool) {
    out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

fn put16(out: &mut Vec<u8>, v: u16, be: bool) {
    out.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

/// A legacy pcap file.
pub fn pcap(recs: &[Rec], o: PcapOpts) -> Vec<u8> {
    let be = o.big_endian;
    let mut out = Vec::new();
    put32(&mut out, if o.nanos { 0xa1b23c4d } else { 0xa1b2c3d4 }, be);
    put16(&mut out, 2, be);
    put16(&mut out, 4, be);
    put32(&mut out, 0, be);
    put32(&mut out, 0, be);
    put32(&mut out, o.snaplen, be);
    put32(&mut out, o.link_type, be);
    for r in recs {
        let sec = r.ts_ns.div_euclid(1_000_000_000) as u32;
        let frac = r.ts_ns.rem_euclid(1_000_000_000) as u32;
        put32(&mut out, sec, be);
        put32(&mut out, if o.nanos { frac } else { frac / 1000 }, be);
        put32(&mut out, r.data.len() as u32, be);
        put32(&mut out, r.wire_len, be);
        out.extend_from_slice(&r.data);
    }
    out
}

/// One pcapng interface: link type and `if_tsresol` (decimal exponent, e.g. 6 or 9).
#[derive(Clone, Copy, Debug)]
pub struct NgInterface {
    pub link_type: u16,
    pub tsresol: u8,
}

fn ng_block(out: &mut Vec<u8>, block_type: u32, body: &[u8]) {
    let len = 12 + body.len().div_ceil(4) * 4;
    put32(out, block_type, false);
    put32(out, len as u32, false);
    out.extend_from_slice(body);
    out.resize(out.len() + (body.len().div_ceil(4) * 4 - body.len()), 0);
    put32(out, len as u32, false);
}

/// A pcapng section (little-endian) with these interfaces and packets.
pub fn pcapng_section(ifaces: &[NgInterface], recs: &[Rec]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut shb = Vec::new();
    put32(&mut shb, 0x1a2b3c4d, false);
    put16(&mut shb, 1, false);
    put16(&mut shb, 0, false);
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    ng_block(&mut out, 0x0a0d0d0a, &shb);
    for i in ifaces {
        let mut idb = Vec::new();
        put16(&mut idb, i.link_type, false);
        put16(&mut idb, 0, false);
        put32(&mut idb, 0, false);
        // if_tsresol option (code 9, length 1), then opt_endofopt.
        put16(&mut idb, 9, false);
        put16(&mut idb, 1, false);
        idb.extend_from_slice(&[i.tsresol, 0, 0, 0]);
        put32(&mut idb, 0, false);
        ng_block(&mut out, 1, &idb);
    }
    for r in recs {
        let units_per_sec = 10u64.pow(u32::from(ifaces[r.interface as usize].tsresol));
        let units = (r.ts_ns as u128 * units_per_sec as u128 / 1_000_000_000) as u64;
        let mut epb = Vec::new();
        put32(&mut epb, r.interface, false);
        put32(&mut epb, (units >> 32) as u32, false);
        put32(&mut epb, units as u32, false);
        put32(&mut epb, r.data.len() as u32, false);
        put32(&mut epb, r.wire_len, false);
        epb.extend_from_slice(&r.data);
        ng_block(&mut out, 6, &epb);
    }
    out
}

/// TCP segment description for [`tcp`].
#[derive(Clone, Copy, Debug)]
pub struct Tcp {
    pub flags: &'static str,
    pub seq: u32,
    pub ack: u32,
    pub window: u16,
    pub payload: usize,
    pub wscale: Option<u8>,
}

impl Tcp {
    pub fn new(flags: &'static str, seq: u32, ack: u32) -> Self {
        Tcp {
            flags,
            seq,
            ack,
            window: 1000,
            payload: 0,
            wscale: None,
        }
    }
    pub fn data(mut self, n: usize) -> Self {
        self.payload = n;
        self
    }
    pub fn win(mut self, w: u16) -> Self {
        self.window = w;
        self
    }
    pub fn scale(mut self, s: u8) -> Self {
        self.wscale = Some(s);
        self
    }
}

const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];

fn ip_builder(src: &str, dst: &str) -> etherparse::PacketBuilderStep<etherparse::IpHeaders> {
    let (s, d): (IpAddr, IpAddr) = (src.parse().unwrap(), dst.parse().unwrap());
    let eth = PacketBuilder::ethernet2(MAC_A, MAC_B);
    match (s, d) {
        (IpAddr::V4(s), IpAddr::V4(d)) => eth.ipv4(s.octets(), d.octets(), 64),
        (IpAddr::V6(s), IpAddr::V6(d)) => eth.ipv6(s.octets(), d.octets(), 64),
        _ => panic!("mixed address families"),
    }
}

/// An Ethernet frame carrying a TCP segment from `src:sport` to `dst:dport`.
pub fn tcp(src: &str, sport: u16, dst: &str, dport: u16, t: Tcp) -> Vec<u8> {
    tcp_bytes(src, sport, dst, dport, t, &vec![0x61u8; t.payload])
}

/// An Ethernet frame carrying a TCP segment with the given payload bytes.
pub fn tcp_bytes(src: &str, sport: u16, dst: &str, dport: u16, t: Tcp, payload: &[u8]) -> Vec<u8> {
    let mut b = ip_builder(src, dst).tcp(sport, dport, t.seq, t.window);
    for f in t.flags.chars() {
        b = match f {
            'S' => b.syn(),
            'A' => b.ack(t.ack),
            'F' => b.fin(),
            'R' => b.rst(),
            'P' => b.psh(),
            _ => panic!("flag {f}"),
        };
    }
    if let Some(s) = t.wscale {
        b = b
            .options(&[
                etherparse::TcpOptionElement::WindowScale(s),
                etherparse::TcpOptionElement::Noop,
            ])
            .unwrap();
    }
    let mut out = Vec::with_capacity(b.size(payload.len()));
    b.write(&mut out, payload).unwrap();
    out
}

/// An Ethernet frame carrying a UDP datagram with the given payload bytes.
pub fn udp_bytes(src: &str, sport: u16, dst: &str, dport: u16, payload: &[u8]) -> Vec<u8> {
    let b = ip_builder(src, dst).udp(sport, dport);
    let mut out = Vec::with_capacity(b.size(payload.len()));
    b.write(&mut out, payload).unwrap();
    out
}

/// An Ethernet frame carrying a UDP datagram.
pub fn udp(src: &str, sport: u16, dst: &str, dport: u16, payload: usize) -> Vec<u8> {
    let b = ip_builder(src, dst).udp(sport, dport);
    let payload = vec![0x62u8; payload];
    let mut out = Vec::with_capacity(b.size(payload.len()));
    b.write(&mut out, &payload).unwrap();
    out
}

/// An Ethernet frame carrying an ICMPv4 echo request (`reply` false) or reply.
pub fn icmp_echo(src: &str, dst: &str, id: u16, seq: u16, reply: bool) -> Vec<u8> {
    let b = ip_builder(src, dst);
    let b = if reply {
        b.icmpv4_echo_reply(id, seq)
    } else {
        b.icmpv4_echo_request(id, seq)
    };
    let payload = [0u8; 16];
    let mut out = Vec::with_capacity(b.size(payload.len()));
    b.write(&mut out, &payload).unwrap();
    out
}

/// An ICMPv4 port unreachable from `router` to `src`, quoting `quoted` (an Ethernet frame).
pub fn icmp_port_unreachable(router: &str, to: &str, quoted: &[u8]) -> Vec<u8> {
    let b = ip_builder(router, to).icmpv4(etherparse::Icmpv4Type::DestinationUnreachable(
        etherparse::icmpv4::DestUnreachableHeader::Port,
    ));
    let q = &quoted[14..quoted.len().min(14 + 28)];
    let mut out = Vec::with_capacity(b.size(q.len()));
    b.write(&mut out, q).unwrap();
    out
}

/// Records at 1 ms spacing from `start_ns`, whole frames.
pub fn at(start_ns: i64, step_ns: i64, frames: Vec<Vec<u8>>) -> Vec<Rec> {
    frames
        .into_iter()
        .enumerate()
        .map(|(i, data)| Rec {
            ts_ns: start_ns + i as i64 * step_ns,
            wire_len: data.len() as u32,
            data,
            interface: 0,
        })
        .collect()
}

/// Writes bytes to a file in a fresh temporary directory that lives as long as the guard.
pub fn write_temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// A DNS message: a query for `name` (type A), or its answer with one address.
pub fn dns(id: u16, name: &str, answer: Option<[u8; 4]>) -> Vec<u8> {
    let mut m = id.to_be_bytes().to_vec();
    m.extend(if answer.is_some() {
        [0x81, 0x80]
    } else {
        [0x01, 0x00]
    });
    m.extend([0, 1, 0, u8::from(answer.is_some()), 0, 0, 0, 0]);
    for label in name.split('.') {
        m.push(label.len() as u8);
        m.extend(label.as_bytes());
    }
    m.extend([0, 0, 1, 0, 1]);
    if let Some(a) = answer {
        m.extend([0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4]);
        m.extend(a);
    }
    m
}
