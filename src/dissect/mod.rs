//! The `dissect` stage: one frame's bytes → a [`Packet`] of header fields, decoded as far
//! as the bytes go, allocating nothing. A frame that cannot be decoded still yields a
//! `Packet`, with [`Packet::error`] saying where and why decoding stopped.

mod ip;
mod link;
mod packet;
pub mod tcp_flags;
pub mod transport;
pub mod tunnel;

pub use packet::{
    DecodeError, Fragment, IcmpInfo, IpInfo, Packet, QuotedPacket, TcpInfo, tcp_flag,
};

use crate::source::{Frame, LINKTYPE_UNDEFINED_INTERFACE};
use link::NetworkPayload;
use tunnel::InnerLink;
pub use tunnel::{MAX_TUNNEL_DEPTH, TunnelKind, TunnelLayer, Tunnels};

/// Decodes the headers of one frame.
pub fn dissect(frame: &Frame<'_>) -> Packet {
    dissect_with_payload(frame).0
}

/// Decodes the headers of one frame and returns, beside them, the captured bytes of its
/// TCP or UDP payload (empty for other transports, later fragments and frames cut before
/// the payload; never the link layer's trailer or padding). A tunnelled packet is
/// decapsulated: see [`dissect_layers`].
pub fn dissect_with_payload<'a>(frame: &Frame<'a>) -> (Packet, &'a [u8]) {
    dissect_layers(frame, &mut Tunnels::default())
}

/// [`dissect_with_payload`], which also says what tunnels the packet came through: the
/// `Packet` then describes the innermost IP packet (its link-layer fields stay the
/// frame's), and `tunnels` holds each carrier, outermost first. A tunnel whose inner
/// packet has no IP header to read (ARP in VXLAN, a header cut short, another version than
/// announced) is not decapsulated: the frame is then the tunnel packet it seems.
pub fn dissect_layers<'a>(frame: &Frame<'a>, tunnels: &mut Tunnels) -> (Packet, &'a [u8]) {
    tunnels.clear();
    let mut packet = Packet::default();
    if frame.link_type == LINKTYPE_UNDEFINED_INTERFACE {
        packet.error = Some(DecodeError::UndefinedInterface(frame.interface_id));
        return (packet, &[]);
    }
    let mut payload: &'a [u8] = &[];
    if let NetworkPayload::Ip { bytes, version } =
        link::strip_link(frame.link_type, frame.data, frame.wire_len, &mut packet)
    {
        payload = ip_layers(bytes, version, None, &mut packet, tunnels).unwrap_or(&[]);
    }
    (packet, payload)
}

/// Decodes an IP packet and its transport header into `packet`, and, when it carries a
/// tunnel, the packet inside it instead. Returns the innermost TCP or UDP payload, or None
/// when the IP header's total length is not `exact_len` (a tunnel whose inner packet must
/// fill it exactly).
fn ip_layers<'a>(
    bytes: &'a [u8],
    version: Option<u8>,
    exact_len: Option<u32>,
    packet: &mut Packet,
    tunnels: &mut Tunnels,
) -> Option<&'a [u8]> {
    let network = ip::network(bytes, version, packet);
    if exact_len.is_some() && packet.ip.and_then(|ip| ip.total_len) != exact_len {
        return None;
    }
    let Some(t) = network else {
        return Some(&[]);
    };
    let (proto, ip_payload, ip_payload_wire, whole) =
        (t.proto, t.bytes, t.wire_len, t.fragment == Fragment::None);
    let payload = transport::transport(t, packet);
    if !whole || packet.error.is_some() || !tunnels.has_room() {
        return Some(payload);
    }
    let inner = match (proto, packet.src_port, packet.dst_port) {
        (transport::proto::UDP, Some(sport), Some(dport)) => {
            let wire = packet.payload_len.unwrap_or(0);
            tunnel::udp_tunnel(sport, dport, payload, wire, tunnels.innermost_kind())
        }
        (4 | 41 | 47, _, _) => tunnel::ip_tunnel(proto, ip_payload, ip_payload_wire),
        _ => None,
    };
    let Some((inner, layer)) = inner.and_then(|i| Some((i, tunnel::layer_of(i.kind, packet)?)))
    else {
        return Some(payload);
    };
    let depth = tunnels.len();
    tunnels.push(layer);
    let mut inside = Packet {
        eth_type: packet.eth_type,
        vlan: packet.vlan,
        ..Packet::default()
    };
    let inner_payload = match inner.link {
        InnerLink::Ip(v) => ip_layers(inner.bytes, v, inner.exact_len, &mut inside, tunnels),
        InnerLink::Link(link_type) => {
            let mut scratch = Packet::default();
            let wire = inner.bytes.len() as u32;
            match link::strip_link(link_type, inner.bytes, wire, &mut scratch) {
                NetworkPayload::Ip { bytes, version } => {
                    ip_layers(bytes, version, None, &mut inside, tunnels)
                }
                _ => None,
            }
        }
        InnerLink::NotIp => None,
    };
    match inner_payload {
        Some(inner_payload) if inside.ip.is_some() => {
            *packet = inside;
            Some(inner_payload)
        }
        _ => {
            tunnels.truncate(depth);
            // Zeek confirms these tunnels on their own header, before the inner packet.
            let confirmed = [TunnelKind::Vxlan, TunnelKind::Geneve, TunnelKind::Ayiya];
            packet.carries = confirmed.contains(&inner.kind).then_some(inner.kind);
            Some(payload)
        }
    }
}

#[cfg(test)]
mod tunnel_tests;
