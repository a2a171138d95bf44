//! Linux cooked captures (LINKTYPE 113 SLL, 276 SLL2): a fixed header whose protocol field
//! is an EtherType.

use super::super::packet::Packet;
use super::{NetworkPayload, be16, ethertype, truncated};

/// Linux cooked capture v1: 16-byte header, protocol (EtherType) in its last two bytes.
pub(super) fn linux_sll<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(proto) = be16(data, 14) else {
        return truncated(packet, "Linux cooked", data.len(), 16);
    };
    packet.eth_type = Some(proto);
    ethertype::ether_payload(proto, &data[16..], packet)
}

/// Linux cooked capture v2: 20-byte header, protocol (EtherType) in its first two bytes.
pub(super) fn linux_sll2<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let (Some(proto), true) = (be16(data, 0), data.len() >= 20) else {
        return truncated(packet, "Linux cooked v2", data.len(), 20);
    };
    packet.eth_type = Some(proto);
    ethertype::ether_payload(proto, &data[20..], packet)
}
