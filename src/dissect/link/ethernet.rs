//! Ethernet II (LINKTYPE 1): destination, source, EtherType, then the EtherType walker; an
//! IEEE 802.3 frame (a length where the EtherType would be) with an LLC/SNAP header that
//! announces one, as tshark and Zeek's SNAP analyzer read it.

use super::super::packet::Packet;
use super::{NetworkPayload, be16, ethertype, ieee80211, truncated};

/// Decodes an Ethernet frame.
pub(super) fn ethernet<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(eth_type) = be16(data, 12) else {
        return truncated(packet, "Ethernet", data.len(), 14);
    };
    if eth_type < 0x0600 {
        // IEEE 802.3 length field followed by LLC: IP only behind SNAP (`eth:llc:ip`), whose
        // EtherType is then the frame's; any other LLC payload is not IP.
        return ieee80211::llc_snap(&data[14..], packet);
    }
    packet.eth_type = Some(eth_type);
    ethertype::ether_payload(eth_type, &data[14..], packet)
}
