//! The `dissect` stage: one frame's bytes → a [`Packet`] of header fields, decoded as far
//! as the bytes go, allocating nothing. A frame that cannot be decoded still yields a
//! `Packet`, with [`Packet::error`] saying where and why decoding stopped.

pub mod defrag;
mod ip;
mod link;
mod packet;
pub mod tcp_flags;
pub mod transport;
pub mod tunnel;

pub use packet::{
    DecodeError, Fragment, IcmpInfo, IpInfo, Packet, QuotedPacket, TcpInfo, UdpHint, tcp_flag,
};

use crate::source::{Frame, LINKTYPE_UNDEFINED_INTERFACE};
use defrag::{Added, Defragmenter, FragmentPiece};
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
    let mut packet = Packet::default();
    let payload = layers_into(frame, tunnels, &mut None, &mut packet);
    (packet, payload)
}

/// [`dissect_layers`] with IP fragments reassembled, as Zeek and tshark do: a fragment is
/// held in `defrag` (its `Packet` says so, [`IpInfo::held`]) until the frame that
/// completes its datagram, whose `Packet` and payload then describe the whole datagram
/// (its fragment status [`Fragment::Reassembled`], its IP length the datagram's), tunnels
/// inside it decapsulated. A fragment cut by the snap length is not reassembled: at offset
/// 0 it is the packet it seems, later ones are held for good.
#[inline]
pub fn dissect_frame<'r, 'f: 'r>(
    frame: &Frame<'f>,
    tunnels: &mut Tunnels,
    defrag: &'r mut Defragmenter,
) -> (Packet, &'r [u8]) {
    let mut packet = Packet::default();
    let payload = dissect_frame_into(frame, tunnels, defrag, &mut packet);
    (packet, payload)
}

/// [`dissect_frame`] into `packet`, a default one, where it lies: the reading loop decodes
/// straight into its batch's new row instead of copying a 216-byte `Packet` there per
/// frame (and resetting it here would write the row twice).
#[inline]
pub fn dissect_frame_into<'r, 'f: 'r>(
    frame: &Frame<'f>,
    tunnels: &mut Tunnels,
    defrag: &'r mut Defragmenter,
    packet: &mut Packet,
) -> &'r [u8] {
    let mut piece = None;
    let mut payload: &'r [u8] = layers_into(frame, tunnels, &mut piece, packet);
    if let Some(piece) = piece
        && let Some(whole) = reassemble(&piece, frame.ts_ns, packet, tunnels, defrag)
    {
        payload = whole;
    }
    payload
}

/// Hands a fragment to `defrag`: `packet` becomes the whole datagram when it completes one,
/// is marked held when it waits (or is dropped), and stays as it is when the snap length
/// cut it at offset 0 (then None: its payload stays). Returns the payload to go with it.
/// Out of line: fragments are rare.
#[cold]
#[inline(never)]
fn reassemble<'r, 'f: 'r>(
    piece: &FragmentPiece<'f>,
    ts_ns: i64,
    packet: &mut Packet,
    tunnels: &mut Tunnels,
    defrag: &'r mut Defragmenter,
) -> Option<&'r [u8]> {
    let datagram = match defrag.add(piece, ts_ns) {
        Added::Alone => return None,
        Added::Held | Added::Dropped => None,
        Added::Whole(datagram) => Some(datagram),
    };
    if let Some(datagram) = datagram {
        let depth = tunnels.len();
        let mut inner = Packet {
            eth_type: packet.eth_type,
            vlan: packet.vlan,
            ..Packet::default()
        };
        let version = Some(piece.version);
        let inner_payload = ip_layers(datagram, version, None, &mut inner, tunnels, &mut None);
        if let (Some(inner_payload), Some(ip)) = (inner_payload, inner.ip.as_mut()) {
            // Also when the datagram carried a tunnel: the frame still completed it.
            ip.fragment = Fragment::Reassembled;
            if tunnels.len() == depth {
                ip.ident = piece.ident;
                ip.whole_len = ip.total_len.unwrap_or(0);
                ip.total_len = packet.ip.and_then(|own| own.total_len);
            }
            *packet = inner;
            return Some(inner_payload);
        }
        tunnels.truncate(depth);
    }
    if let Some(ip) = packet.ip.as_mut() {
        ip.held = true;
    }
    Some(&[])
}

/// [`dissect_layers`] into `packet`, a default one, noting in `piece` the IP fragment the
/// frame turned out to be.
#[inline]
fn layers_into<'a>(
    frame: &Frame<'a>,
    tunnels: &mut Tunnels,
    piece: &mut Option<FragmentPiece<'a>>,
    packet: &mut Packet,
) -> &'a [u8] {
    tunnels.clear();
    if frame.link_type == LINKTYPE_UNDEFINED_INTERFACE {
        packet.error = Some(DecodeError::UndefinedInterface(frame.interface_id));
        return &[];
    }
    if let NetworkPayload::Ip { bytes, version } =
        link::strip_link(frame.link_type, frame.data, frame.wire_len, packet)
    {
        return ip_layers(bytes, version, None, packet, tunnels, piece).unwrap_or(&[]);
    }
    &[]
}

/// Decodes an IP packet and its transport header into `packet`, and, when it carries a
/// tunnel, the packet inside it instead. Returns the innermost TCP or UDP payload, or None
/// when the IP header's total length is not `exact_len` (a tunnel whose inner packet must
/// fill it exactly). A fragment is noted in `piece` (dissection sees no tunnel in one).
fn ip_layers<'a>(
    bytes: &'a [u8],
    version: Option<u8>,
    exact_len: Option<u32>,
    packet: &mut Packet,
    tunnels: &mut Tunnels,
    piece: &mut Option<FragmentPiece<'a>>,
) -> Option<&'a [u8]> {
    let network = ip::network(bytes, version, packet, piece);
    if exact_len.is_some() && packet.ip.and_then(|ip| ip.total_len) != exact_len {
        // Not the tunnel's inner packet after all: not a fragment to keep either.
        *piece = None;
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
        InnerLink::Ip(v) => ip_layers(inner.bytes, v, inner.exact_len, &mut inside, tunnels, piece),
        InnerLink::Link(link_type) => {
            let mut scratch = Packet::default();
            let wire = inner.bytes.len() as u32;
            match link::strip_link(link_type, inner.bytes, wire, &mut scratch) {
                NetworkPayload::Ip { bytes, version } => {
                    ip_layers(bytes, version, None, &mut inside, tunnels, piece)
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
mod test_frames;
#[cfg(test)]
mod tunnel_tests;
