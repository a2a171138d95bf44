//! What dissection extracts from one frame: plain values, no allocation.

use std::fmt;
use std::net::IpAddr;

/// Fragmentation status of an IP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragment {
    /// Not a fragment.
    None,
    /// First fragment (offset 0, more fragments follow): carries the transport header.
    First,
    /// A later fragment: no transport header.
    Later,
    /// The fragment that completed its datagram's reassembly: the packet's transport
    /// fields describe the whole datagram (as tshark shows them on that frame).
    Reassembled,
}

impl Fragment {
    /// Value of `packets.fragment`.
    pub fn name(self) -> &'static str {
        match self {
            Fragment::None => "none",
            Fragment::First => "first",
            Fragment::Later => "later",
            Fragment::Reassembled => "reassembled",
        }
    }
}

/// IP layer fields.
#[derive(Debug, Clone, Copy)]
pub struct IpInfo {
    /// Source address.
    pub src: IpAddr,
    /// Destination address (None when the header is cut before it).
    pub dst: Option<IpAddr>,
    /// Transport protocol number, after IPv6 extension headers.
    pub proto: Option<u8>,
    /// TTL / hop limit.
    pub ttl: Option<u8>,
    /// Total IP length from the header (IPv4 total length; IPv6 40 + payload length).
    pub total_len: Option<u32>,
    /// Fragmentation status.
    pub fragment: Fragment,
    /// IPv4 identification or IPv6 fragment identification (fragments only for v6).
    pub ident: u32,
    /// A fragment that is no packet of any flow by itself, as in Zeek: one kept for
    /// reassembly (its datagram counts on the frame that completes it), or a later fragment
    /// cut by the snap length, which cannot be reassembled.
    pub held: bool,
    /// On the frame that completed a datagram ([`Fragment::Reassembled`]): the whole
    /// datagram's IP length, which its flow counts (`total_len` stays the frame's own, as
    /// tshark's `ip.len`); 0 on every other packet (a plain number keeps `IpInfo` small).
    pub whole_len: u32,
}

/// TCP header fields. Options are parsed only from SYN segments.
#[derive(Debug, Clone, Copy, Default)]
pub struct TcpInfo {
    /// The 12 flag bits, as tshark's `tcp.flags` (reserved, AE/NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
    pub flags: u16,
    /// Raw sequence number.
    pub seq: u32,
    /// Raw acknowledgement number.
    pub ack: u32,
    /// Raw window field.
    pub window: u16,
    /// Header length in bytes (data offset × 4).
    pub header_len: u8,
    /// Whether the fixed 20-byte header was fully captured.
    pub complete: bool,
    /// Window scale option of a SYN, if present.
    pub window_scale: Option<u8>,
    /// MSS option of a SYN, if present.
    pub mss: Option<u16>,
    /// SACK-permitted option of a SYN.
    pub sack_permitted: bool,
}

/// TCP flag bits as in the header's 13th byte (plus AE/NS as bit 8).
pub mod tcp_flag {
    /// FIN
    pub const FIN: u16 = 0x001;
    /// SYN
    pub const SYN: u16 = 0x002;
    /// RST
    pub const RST: u16 = 0x004;
    /// PSH
    pub const PSH: u16 = 0x008;
    /// ACK
    pub const ACK: u16 = 0x010;
    /// URG
    pub const URG: u16 = 0x020;
    /// ECE
    pub const ECE: u16 = 0x040;
    /// CWR
    pub const CWR: u16 = 0x080;
    /// AE (formerly NS)
    pub const AE: u16 = 0x100;
}

/// The 5-tuple of a packet quoted inside an ICMP error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotedPacket {
    /// Source of the quoted packet (the host that sent the offending packet).
    pub src: IpAddr,
    /// Destination of the quoted packet.
    pub dst: IpAddr,
    /// Its transport protocol.
    pub proto: u8,
    /// Its source port, when TCP/UDP and present.
    pub src_port: Option<u16>,
    /// Its destination port.
    pub dst_port: Option<u16>,
}

/// ICMP / ICMPv6 fields.
#[derive(Debug, Clone, Copy)]
pub struct IcmpInfo {
    /// Message type.
    pub icmp_type: u8,
    /// Message code (None when cut after the type byte).
    pub code: Option<u8>,
    /// Echo identifier, for echo request/reply.
    pub echo_id: Option<u16>,
    /// The packet an error message quotes.
    pub quoted: Option<QuotedPacket>,
}

/// Why decoding stopped early. `packets.decode_error` holds its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The interface's link type is not decoded by pcapq.
    UnsupportedLinkType(u32),
    /// A pcapng packet refers to an interface no block described.
    UndefinedInterface(u32),
    /// A header is cut short.
    Truncated {
        /// Which header.
        layer: &'static str,
        /// Bytes present.
        have: usize,
        /// Bytes its fixed part needs.
        need: usize,
    },
    /// IP version nibble does not match what the link layer announced.
    BadIpVersion {
        /// Version expected from the link layer.
        expected: u8,
        /// Version found.
        found: u8,
    },
    /// A raw-IP link whose first nibble is neither 4 nor 6.
    RawNotIp(u8),
    /// IPv4 header length below 20 bytes.
    BadIpv4HeaderLength(u8),
    /// An IPv6 extension header is malformed or cut.
    BadIpv6Extension,
    /// TCP data offset below 5 (20 bytes).
    BadTcpHeaderLength(u8),
    /// MPLS label stack without a bottom-of-stack label in the captured bytes.
    MplsStackTooDeep,
    /// A link-layer header field (a version, a length) whose value leaves the rest of the
    /// frame undecodable.
    BadLinkHeader {
        /// Which header.
        layer: &'static str,
        /// Which of its fields.
        field: &'static str,
        /// The value found.
        value: u32,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DecodeError::UnsupportedLinkType(lt) => {
                write!(
                    f,
                    "unsupported link type {lt} ({})",
                    crate::source::link_types::short_name(lt)
                )
            }
            DecodeError::UndefinedInterface(id) => {
                write!(
                    f,
                    "pcapng packet refers to interface {id}, which no interface block describes"
                )
            }
            DecodeError::Truncated { layer, have, need } => {
                write!(f, "{layer} header truncated: {have} of {need} bytes")
            }
            DecodeError::BadIpVersion { expected, found } => {
                write!(
                    f,
                    "bogus IP version {found} where IPv{expected} was announced"
                )
            }
            DecodeError::RawNotIp(v) => write!(
                f,
                "raw IP link, but the version nibble is {v}, neither 4 nor 6"
            ),
            DecodeError::BadIpv4HeaderLength(ihl) => {
                write!(
                    f,
                    "bogus IPv4 header length {} (must be at least 20)",
                    u32::from(ihl) * 4
                )
            }
            DecodeError::BadIpv6Extension => {
                f.write_str("malformed or truncated IPv6 extension header")
            }
            DecodeError::BadTcpHeaderLength(off) => {
                write!(
                    f,
                    "bogus TCP header length {} (must be at least 20)",
                    u32::from(off) * 4
                )
            }
            DecodeError::MplsStackTooDeep => {
                f.write_str("MPLS label stack has no bottom in the captured bytes")
            }
            DecodeError::BadLinkHeader {
                layer,
                field,
                value,
            } => write!(f, "bogus {layer} {field} {value}"),
        }
    }
}

/// The first bytes of a UDP payload that Zeek's analyzers decide the flow's roles from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpHint {
    /// Flags word of the DNS header a datagram to or from a DNS port starts with, when its
    /// 12 bytes were captured (the DNS role rule).
    DnsFlags(u16),
    /// Mode of a standard NTP message (48 bytes at least) to or from port 123: 3 (client)
    /// or 4 (server) (the NTP role rule).
    NtpMode(u8),
}

/// Everything pcapq reads from one frame's headers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Packet {
    /// First EtherType (outermost), as tshark's `eth.type`; also the EtherType-valued
    /// protocol field of Linux cooked captures, Cisco HDLC, and LLC/SNAP (802.11, FDDI, 802.3).
    pub eth_type: Option<u16>,
    /// Outermost 802.1Q VLAN id.
    pub vlan: Option<u16>,
    /// IP version nibble, also when the rest of the header is unusable.
    pub ip_version: Option<u8>,
    /// IP layer fields.
    pub ip: Option<IpInfo>,
    /// Transport source port (TCP, UDP, and other port-bearing protocols pcapq knows).
    pub src_port: Option<u16>,
    /// Transport destination port.
    pub dst_port: Option<u16>,
    /// TCP fields.
    pub tcp: Option<TcpInfo>,
    /// Transport payload bytes on the wire (from the length fields, not the captured bytes).
    pub payload_len: Option<u32>,
    /// Transport payload bytes actually captured (fewer than `payload_len` when the snap
    /// length cut the frame).
    pub payload_captured: u32,
    /// ICMP fields.
    pub icmp: Option<IcmpInfo>,
    /// Response code of a DNS response (from port 53), when the header was captured.
    pub dns_rcode: Option<u8>,
    /// What the tracker's role rules read from the start of a UDP payload (DNS, NTP).
    pub udp_hint: Option<UdpHint>,
    /// Why decoding stopped early, if it did.
    pub error: Option<DecodeError>,
    /// A tunnel this packet carries whose inner packet was not decapsulated (ARP inside
    /// VXLAN, say): its flow still carries the tunnel, as Zeek confirms it.
    pub carries: Option<super::TunnelKind>,
}

impl Packet {
    /// The IP protocol number, if known.
    pub fn ip_proto(&self) -> Option<u8> {
        self.ip.and_then(|ip| ip.proto)
    }
}
