//! Ethernet II (LINKTYPE 1): destination, source, EtherType, then the EtherType walker.

use super::super::packet::Packet;
use super::{NetworkPayload, be16, ethertype, truncated};

/// Decodes an Ethernet frame.
pub(super) fn ethernet<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(eth_type) = be16(data, 12) else {
        return truncated(packet, "Ethernet", data.len(), 14);
    };
    if eth_type < 0x0600 {
        // IEEE 802.3 length field followed by LLC: not IP (tshark shows no eth.type either).
        return NetworkPayload::NotIp;
    }
    packet.eth_type = Some(eth_type);
    ethertype::ether_payload(eth_type, &data[14..], packet)
}
