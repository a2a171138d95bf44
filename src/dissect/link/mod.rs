//! Link layers, down to the bytes of the network layer: one file per family of link
//! types, this one dispatching on the link type and holding what they share.
//!
//! Every link layer decodes as tshark does, and keeps its row whatever the bytes: a frame
//! that carries no IP gives [`NetworkPayload::NotIp`], a header cut short or lying about
//! its length gives a decode error ([`NetworkPayload::Stopped`]). No length read from a
//! frame is trusted before it is checked against the captured bytes.
//!
//! `eth_type` holds the EtherType with which a link layer announces its payload: the
//! Ethernet type, the Linux cooked protocol, the Cisco HDLC protocol and the 802.11 (and
//! FDDI) LLC/SNAP type. Link layers that announce their payload otherwise (PPP's protocol
//! number, the address family of loopback and NFLOG, raw IP) leave it null.

mod cooked;
mod ethernet;
mod ethertype;
mod fddi;
mod ieee80211;
mod loopback;
mod nflog;
mod ppi;
mod ppp;
mod radiotap;
#[cfg(test)]
mod tests;

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

/// One link-layer frame: the captured bytes and the frame's length on the wire (more
/// than the bytes when the snap length cut it).
#[derive(Clone, Copy)]
struct LinkFrame<'a> {
    data: &'a [u8],
    wire_len: usize,
}

impl<'a> LinkFrame<'a> {
    /// The frame after its first `n` bytes (`n` must be at most the captured length).
    fn after(self, n: usize) -> LinkFrame<'a> {
        LinkFrame {
            data: &self.data[n..],
            wire_len: self.wire_len.saturating_sub(n),
        }
    }

    /// The captured bytes without a 4-byte frame check sequence that ends the frame on
    /// the wire: when the snap length cut the frame, the FCS is not among them.
    fn without_fcs(self) -> LinkFrame<'a> {
        let wire_len = self.wire_len.saturating_sub(4);
        LinkFrame {
            data: &self.data[..self.data.len().min(wire_len)],
            wire_len,
        }
    }
}

/// Big-endian u16 at `at`, if captured.
fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

/// Little-endian u16 at `at`, if captured.
fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

/// Little-endian u32 at `at`, if captured.
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
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

/// Records a link-layer header field whose value makes the rest undecodable.
fn bogus(
    packet: &mut Packet,
    layer: &'static str,
    field: &'static str,
    value: u32,
) -> NetworkPayload<'static> {
    packet.error = Some(DecodeError::BadLinkHeader {
        layer,
        field,
        value,
    });
    NetworkPayload::Stopped
}

/// Strips the link layer of `link_type` from `data` (a frame of `wire_len` bytes on the
/// wire), filling `eth_type` and `vlan`.
pub fn strip_link<'a>(
    link_type: u32,
    data: &'a [u8],
    wire_len: u32,
    packet: &mut Packet,
) -> NetworkPayload<'a> {
    let frame = LinkFrame {
        data,
        wire_len: (wire_len as usize).max(data.len()),
    };
    strip(link_type, frame, packet)
}

/// [`strip_link`] on a [`LinkFrame`].
fn strip<'a>(link_type: u32, frame: LinkFrame<'a>, packet: &mut Packet) -> NetworkPayload<'a> {
    let data = frame.data;
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
        10 => fddi::fddi(data, packet),
        104 => ppp::cisco_hdlc(data, packet),
        105 => ieee80211::ieee80211(data, packet, false),
        127 => radiotap::radiotap(frame, packet),
        192 => ppi::ppi(frame, packet),
        239 => nflog::nflog(frame, packet),
        other => {
            packet.error = Some(DecodeError::UnsupportedLinkType(other));
            NetworkPayload::Stopped
        }
    }
}
