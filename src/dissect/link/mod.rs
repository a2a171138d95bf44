//! Link layers, down to the bytes of the network layer: one file per family of link
//! types, this one dispatching on the link type and holding what they share.
//!
//! Every link layer decodes as tshark does, and keeps its row whatever the bytes: a frame
//! that carries no IP gives [`NetworkPayload::NotIp`], a header cut short gives a decode
//! error ([`NetworkPayload::Stopped`]).
//!
//! `eth_type` holds the EtherType with which a link layer announces its payload: the
//! Ethernet type, the Linux cooked protocol and the Cisco HDLC protocol. Link layers that
//! announce their payload otherwise (PPP's protocol number, the address family of
//! loopback, raw IP) leave it null.

mod cooked;
mod ethernet;
mod ethertype;
mod loopback;
mod ppp;

use super::packet::{DecodeError, Packet};

/// What the link layer hands to the network layer.
pub enum NetworkPayload<'a> {
    /// IP with the version the link layer announced (`None`: take the version nibble).
    Ip {
        /// The IP packet's captured bytes.
        bytes: &'a [u8],
        /// The version announced by the link layer.
        version: Option<u8>,
    },
    /// Something that is not IP (ARP, LLDP, …): nothing more to decode, not an error.
    NotIp,
    /// Decoding stopped with an error (already recorded in the packet).
    Stopped,
}

impl<'a> NetworkPayload<'a> {
    /// IPv4 (`version` 4) or IPv6 (6) announced by the link layer.
    fn ip(bytes: &'a [u8], version: u8) -> Self {
        NetworkPayload::Ip {
            bytes,
            version: Some(version),
        }
    }
}

/// Big-endian u16 at `at`, if captured.
fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

/// Records that the `layer` header needs `need` bytes where `have` were captured.
fn truncated(
    packet: &mut Packet,
    layer: &'static str,
    have: usize,
    need: usize,
) -> NetworkPayload<'static> {
    packet.error = Some(DecodeError::Truncated { layer, have, need });
    NetworkPayload::Stopped
}

/// Strips the link layer of `link_type` from `data`, filling `eth_type` and `vlan`.
pub fn strip_link<'a>(link_type: u32, data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    match link_type {
        1 => ethernet::ethernet(data, packet),
        12 | 14 | 101 | 228 => NetworkPayload::Ip {
            bytes: data,
            version: None,
        },
        229 => NetworkPayload::ip(data, 6),
        0 | 108 | 109 => loopback::loopback(link_type, data, packet),
        113 => cooked::linux_sll(data, packet),
        276 => cooked::linux_sll2(data, packet),
        9 | 50 => ppp::ppp(data, packet),
        104 => ppp::cisco_hdlc(data, packet),
        other => {
            packet.error = Some(DecodeError::UnsupportedLinkType(other));
            NetworkPayload::Stopped
        }
    }
}
