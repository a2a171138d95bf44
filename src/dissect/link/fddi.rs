//! FDDI (link type 10): frame control and the two addresses (13 bytes), then an 802.2
//! LLC/SNAP header that announces the EtherType, as tshark and Zeek's FDDI analyzer read it.

use super::super::packet::Packet;
use super::{NetworkPayload, ieee80211, truncated};

/// Frame control (1 byte), destination and source addresses (6 each).
const FDDI_HEADER: usize = 13;

/// The network payload of an FDDI frame.
pub(super) fn fddi<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(body) = data.get(FDDI_HEADER..) else {
        return truncated(packet, "FDDI", data.len(), FDDI_HEADER);
    };
    ieee80211::llc_snap(body, packet)
}
