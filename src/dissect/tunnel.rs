//! Tunnels: an IP packet carried inside another, decapsulated as Zeek decapsulates it
//! (`src/packet_analysis/protocol/{iptunnel,gre,vxlan,geneve,teredo,ayiya,gtpv1}`, read at
//! zeek/zeek a13de64). Each function here reads one encapsulation header and says what
//! follows it; `dissect` decodes that inner packet and keeps the carrier as a
//! [`TunnelLayer`].
//!
//! Which UDP datagrams are tunnels follows Zeek too: the responder's port decides (the
//! destination, unless only the source is one of Zeek's likely server ports), and Teredo
//! and AYIYA are also recognised by their bytes on any other port.

use super::packet::{IpInfo, Packet};
use crate::server_ports::is_likely_server_port;

/// Most tunnels one frame is decapsulated through (Zeek's `Tunnel::max_depth`); a packet
/// nested deeper is left as the tunnel packet it is.
pub const MAX_TUNNEL_DEPTH: usize = 4;

/// An encapsulation pcapq decapsulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TunnelKind {
    /// IPv4 or IPv6 directly inside IP (protocols 4 and 41).
    IpInIp,
    /// GRE (protocol 47, or UDP port 4754), ERSPAN and PPTP's enhanced GRE included.
    Gre,
    /// VXLAN (UDP 4789).
    Vxlan,
    /// Geneve (UDP 6081).
    Geneve,
    /// Teredo (UDP 3544, or recognised by its bytes).
    Teredo,
    /// AYIYA (UDP 5072, or recognised by its bytes).
    Ayiya,
    /// GTPv1-U (UDP 2152 and 2123).
    Gtpv1,
}

impl TunnelKind {
    /// Its name in `packets.tunnel`.
    pub fn name(self) -> &'static str {
        match self {
            TunnelKind::IpInIp => "ip-in-ip",
            TunnelKind::Gre => "gre",
            TunnelKind::Vxlan => "vxlan",
            TunnelKind::Geneve => "geneve",
            TunnelKind::Teredo => "teredo",
            TunnelKind::Ayiya => "ayiya",
            TunnelKind::Gtpv1 => "gtpv1",
        }
    }

    /// The service Zeek gives the UDP flow that carries this tunnel (none for GRE and
    /// IP-in-IP, which Zeek logs in tunnel.log rather than as connections).
    pub fn service(self) -> Option<&'static str> {
        match self {
            TunnelKind::IpInIp | TunnelKind::Gre => None,
            other => Some(other.name()),
        }
    }
}

/// The packet a frame's innermost packet was carried in: what its flow needs.
#[derive(Debug, Clone, Copy)]
pub struct TunnelLayer {
    /// The encapsulation.
    pub kind: TunnelKind,
    /// The carrying packet's IP header.
    pub ip: IpInfo,
    /// Its UDP source port (UDP tunnels).
    pub src_port: Option<u16>,
    /// Its UDP destination port.
    pub dst_port: Option<u16>,
    /// Its transport payload on the wire: the UDP payload, or the IP payload of GRE and
    /// IP-in-IP.
    pub payload_len: u32,
}

/// The tunnels of one frame, outermost first; at most [`MAX_TUNNEL_DEPTH`], kept on the
/// stack.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tunnels {
    layers: [Option<TunnelLayer>; MAX_TUNNEL_DEPTH],
    len: usize,
}

impl Tunnels {
    /// No tunnel.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Number of layers.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the frame was carried in no tunnel.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether one more layer may be decapsulated.
    pub(super) fn has_room(&self) -> bool {
        self.len < MAX_TUNNEL_DEPTH
    }

    /// The layers, outermost first.
    pub fn iter(&self) -> impl Iterator<Item = &TunnelLayer> {
        self.layers[..self.len].iter().flatten()
    }

    /// The innermost layer's kind.
    pub(super) fn innermost_kind(&self) -> Option<TunnelKind> {
        self.len
            .checked_sub(1)
            .and_then(|i| self.layers[i])
            .map(|l| l.kind)
    }

    pub(super) fn push(&mut self, layer: TunnelLayer) {
        if self.len < MAX_TUNNEL_DEPTH {
            self.layers[self.len] = Some(layer);
            self.len += 1;
        }
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }
}

/// Link type of Ethernet frames.
pub(super) const ETHERNET: u32 = 1;
/// Link type of IEEE 802.11 frames.
pub(super) const IEEE_802_11: u32 = 105;

/// How the inner packet begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InnerLink {
    /// An IP header of this version (None: read the version nibble).
    Ip(Option<u8>),
    /// A frame of this link type ([`ETHERNET`], or [`IEEE_802_11`] in Aruba's GRE).
    Link(u32),
    /// Something that is not IP (ARP in Geneve): the tunnel is there, nothing to decode.
    NotIp,
}

/// What a tunnel header says follows it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Inner<'a> {
    /// The encapsulation.
    pub kind: TunnelKind,
    /// How the inner packet begins.
    pub link: InnerLink,
    /// Its captured bytes.
    pub bytes: &'a [u8],
    /// Its length on the wire, when the tunnel says the inner IP packet must fill it
    /// exactly (Zeek drops an inner packet whose length disagrees).
    pub exact_len: Option<u32>,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// The inner packet of an IP packet of protocol `proto` (4, 41 or 47) whose payload is
/// `bytes` (`wire_len` on the wire).
pub(super) fn ip_tunnel(proto: u8, bytes: &[u8], wire_len: u32) -> Option<Inner<'_>> {
    match proto {
        4 | 41 => Some(Inner {
            kind: TunnelKind::IpInIp,
            link: InnerLink::Ip(Some(if proto == 4 { 4 } else { 6 })),
            bytes,
            exact_len: Some(wire_len),
        }),
        47 => gre(bytes, wire_len),
        _ => None,
    }
}

// GRE flag bits (first two bytes).
const GRE_CHECKSUM: u16 = 0x8000;
const GRE_ROUTING: u16 = 0x4000;
const GRE_KEY: u16 = 0x2000;
const GRE_SEQUENCE: u16 = 0x1000;
const GRE_ACK: u16 = 0x0080;
const GRE_RESERVED: u16 = 0x0078;

/// A GRE header (RFC 2784/2890; RFC 2637's enhanced GRE for PPTP), as Zeek's GRE analyzer
/// reads it: IP, transparent Ethernet bridging, ERSPAN types I to III, Aruba's 802.11, and
/// PPP carrying IP.
fn gre(b: &[u8], wire_len: u32) -> Option<Inner<'_>> {
    let flags = be16(b, 0)?;
    let proto = be16(b, 2)?;
    if flags & (GRE_ROUTING | GRE_RESERVED) != 0 {
        return None;
    }
    let set = |bit: u16| usize::from(flags & bit != 0) * 4;
    let len = 4 + set(GRE_CHECKSUM) + set(GRE_KEY) + set(GRE_SEQUENCE) + set(GRE_ACK);
    let rest = b.get(len..)?;
    let rest_wire = wire_len.saturating_sub(len as u32);
    let inner = |link, bytes, exact_len| {
        Some(Inner {
            kind: TunnelKind::Gre,
            link,
            bytes,
            exact_len,
        })
    };
    match flags & 0x7 {
        0 => match proto {
            0x0800 => inner(InnerLink::Ip(Some(4)), rest, None),
            0x86dd => inner(InnerLink::Ip(Some(6)), rest, None),
            0x6558 => inner(InnerLink::Link(ETHERNET), rest, None),
            // ERSPAN type II has an 8-byte header (and GRE's sequence number); type I none.
            0x88be if flags & GRE_SEQUENCE != 0 => {
                inner(InnerLink::Link(ETHERNET), rest.get(8..)?, None)
            }
            0x88be => inner(InnerLink::Link(ETHERNET), rest, None),
            0x22eb => {
                // ERSPAN type III: 12 bytes, and an 8-byte platform subheader when O is set.
                let o_flag = rest.get(11)? & 0x01 != 0;
                inner(
                    InnerLink::Link(ETHERNET),
                    rest.get(12 + 8 * usize::from(o_flag)..)?,
                    None,
                )
            }
            p if is_aruba(p) => inner(InnerLink::Link(IEEE_802_11), rest, None),
            _ => None,
        },
        1 if proto == 0x880b => {
            // PPTP: PPP with its address and control fields, then the protocol.
            let (skip, ppp) = if rest.starts_with(&[0xff, 0x03]) {
                (4, be16(rest, 2)?)
            } else {
                (2, be16(rest, 0)?)
            };
            let version = match ppp {
                0x0021 => 4,
                0x0057 => 6,
                _ => return None,
            };
            let exact = rest_wire.saturating_sub(skip as u32);
            inner(InnerLink::Ip(Some(version)), rest.get(skip..)?, Some(exact))
        }
        _ => None,
    }
}

/// Aruba's GRE protocol types for 802.11 frames (Zeek's test in `GRE.cc`).
fn is_aruba(p: u16) -> bool {
    (p & 0x8200 == 0x8200 && p & 0xf == 0) || (p & 0xff00 == 0x8300 && p <= 0x8370) || p == 0x9000
}

/// The inner packet of a UDP datagram from `sport` to `dport` whose payload is `b`
/// (`wire_len` on the wire), when it is a tunnel. `outer` is the innermost tunnel the
/// datagram is itself in (GTP is not decapsulated inside GTP, as in Zeek).
pub(super) fn udp_tunnel(
    sport: u16,
    dport: u16,
    b: &[u8],
    wire_len: u32,
    outer: Option<TunnelKind>,
) -> Option<Inner<'_>> {
    let server = |p| is_likely_server_port(p, 17);
    let resp = if server(sport) && !server(dport) {
        sport
    } else {
        dport
    };
    match resp {
        4789 => vxlan(b),
        6081 => geneve(b),
        3544 => teredo(b, wire_len),
        5072 => ayiya(b),
        2152 | 2123 if outer != Some(TunnelKind::Gtpv1) => gtpv1(b, wire_len),
        4754 => gre(b, wire_len),
        2152 | 2123 => None,
        _ if looks_like_teredo(b) => teredo(b, wire_len),
        _ if b.len() >= 3 && b[1] == 0x52 && b[2] == 0x11 => ayiya(b),
        _ => None,
    }
}

/// VXLAN (RFC 7348): 8 bytes with the I flag, then Ethernet.
fn vxlan(b: &[u8]) -> Option<Inner<'_>> {
    let inner = b.get(8..)?;
    (b[0] & 0x08 != 0).then_some(Inner {
        kind: TunnelKind::Vxlan,
        link: InnerLink::Link(ETHERNET),
        bytes: inner,
        exact_len: None,
    })
}

/// Geneve (RFC 8926): version 0, options, then Ethernet or IP by protocol type.
fn geneve(b: &[u8]) -> Option<Inner<'_>> {
    let first = *b.first()?;
    if first >> 6 != 0 {
        return None;
    }
    let len = 8 + usize::from(first & 0x3f) * 4;
    let link = match be16(b, 2)? {
        0x6558 => InnerLink::Link(ETHERNET),
        0x0800 => InnerLink::Ip(Some(4)),
        0x86dd => InnerLink::Ip(Some(6)),
        0x0806 => InnerLink::NotIp,
        _ => return None,
    };
    Some(Inner {
        kind: TunnelKind::Geneve,
        link,
        bytes: b.get(len..)?,
        exact_len: None,
    })
}

/// Where the IPv6 packet of a Teredo datagram starts, after the optional authentication
/// and origin indication headers (RFC 4380 §5.1.1).
fn teredo_start(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    if be16(b, 0)? == 0x0001 {
        let id_len = usize::from(*b.get(2)?);
        let auth_len = usize::from(*b.get(3)?);
        at = 4 + id_len + auth_len + 8 + 1;
    }
    if be16(b, at)? == 0x0000 {
        at += 8;
    }
    (b.get(at)? >> 4 == 6 && b.len() >= at + 40).then_some(at)
}

/// Zeek's test for Teredo on a port that is not Teredo's: an IPv6 header from or to the
/// Teredo prefix 2001:0::/32, or Teredo's own headers before an IPv6 header.
fn looks_like_teredo(b: &[u8]) -> bool {
    if b.len() < 40 {
        return false;
    }
    const PREFIX: [u8; 4] = [0x20, 0x01, 0x00, 0x00];
    if b[0] >> 4 == 6 {
        return b[8..12] == PREFIX || b[24..28] == PREFIX;
    }
    b[0] == 0 && b[1] <= 1 && teredo_start(b).is_some()
}

/// Teredo: IPv6 in UDP, whose length must fill the datagram (a bubble, an IPv6 header
/// with no next header, may be followed by more).
fn teredo(b: &[u8], wire_len: u32) -> Option<Inner<'_>> {
    let at = teredo_start(b)?;
    let inner = &b[at..];
    let payload_len = u32::from(be16(inner, 4)?);
    let bubble = inner[6] == 59 && payload_len == 0;
    Some(Inner {
        kind: TunnelKind::Teredo,
        link: InnerLink::Ip(Some(6)),
        bytes: inner,
        exact_len: (!bubble).then(|| wire_len.saturating_sub(at as u32)),
    })
}

/// AYIYA: an 8-byte header, an identity and a signature, then IP when the opcode is
/// "forward".
fn ayiya(b: &[u8]) -> Option<Inner<'_>> {
    let header = b.get(..8)?;
    let id_len = 1usize << (header[0] >> 4);
    let sig_len = usize::from(header[1] >> 4) * 4;
    let opcode = header[2] & 0x0f;
    let version = match header[3] {
        4 => 4,
        41 => 6,
        _ => return None,
    };
    if opcode != 1 {
        return None;
    }
    Some(Inner {
        kind: TunnelKind::Ayiya,
        link: InnerLink::Ip(Some(version)),
        bytes: b.get(8 + id_len + sig_len..)?,
        exact_len: None,
    })
}

/// GTPv1-U: only G-PDUs (message type 255) carry user packets; the optional fields and
/// extension headers are skipped.
fn gtpv1(b: &[u8], wire_len: u32) -> Option<Inner<'_>> {
    let flags = *b.first()?;
    if flags >> 5 != 1 || flags & 0x10 == 0 || *b.get(1)? != 0xff {
        return None;
    }
    let mut at = 8;
    if flags & 0x07 != 0 {
        let mut next = *b.get(11)?;
        at = 12;
        while flags & 0x04 != 0 && next != 0 {
            let len = usize::from(*b.get(at)?) * 4;
            if len == 0 {
                return None;
            }
            next = *b.get(at + len - 1)?;
            at += len;
        }
    }
    let inner = b.get(at..)?;
    let version = inner.first()? >> 4;
    if inner.len() < 20 || !matches!(version, 4 | 6) {
        return None;
    }
    Some(Inner {
        kind: TunnelKind::Gtpv1,
        link: InnerLink::Ip(Some(version)),
        bytes: inner,
        exact_len: Some(wire_len.saturating_sub(at as u32)),
    })
}

/// The layer a packet makes when it carries a tunnel.
pub(super) fn layer_of(kind: TunnelKind, p: &Packet) -> Option<TunnelLayer> {
    Some(TunnelLayer {
        kind,
        ip: p.ip?,
        src_port: p.src_port,
        dst_port: p.dst_port,
        payload_len: p.payload_len.unwrap_or(0),
    })
}
