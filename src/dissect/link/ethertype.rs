//! What follows an EtherType, whichever link layer announced it: VLAN tags, MPLS labels
//! and PPPoE walked down to IP.

use super::super::packet::{DecodeError, Packet};
use super::{NetworkPayload, be16, ppp, truncated};

/// EtherType of IPv4.
pub(super) const ETH_IPV4: u16 = 0x0800;
/// EtherType of IPv6.
pub(super) const ETH_IPV6: u16 = 0x86dd;
/// EtherTypes of MPLS unicast and multicast.
pub(super) const ETH_MPLS: [u16; 2] = [0x8847, 0x8848];
const ETH_VLAN: [u16; 3] = [0x8100, 0x88a8, 0x9100];
const ETH_PPPOE_SESSION: u16 = 0x8864;
/// Tags walked before giving up (QinQ needs 2; more is legal but rare).
const MAX_TAGS: usize = 8;

/// Walks VLAN tags, MPLS labels and PPPoE down to IP, starting after an EtherType.
pub(super) fn ether_payload<'a>(
    mut eth_type: u16,
    mut rest: &'a [u8],
    packet: &mut Packet,
) -> NetworkPayload<'a> {
    for _ in 0..MAX_TAGS {
        match eth_type {
            ETH_IPV4 => return NetworkPayload::ip(rest, 4),
            ETH_IPV6 => return NetworkPayload::ip(rest, 6),
            t if ETH_VLAN.contains(&t) => {
                let (Some(tci), Some(next)) = (be16(rest, 0), be16(rest, 2)) else {
                    return truncated(packet, "802.1Q", rest.len(), 4);
                };
                if packet.vlan.is_none() {
                    packet.vlan = Some(tci & 0x0fff);
                }
                eth_type = next;
                rest = &rest[4..];
            }
            t if ETH_MPLS.contains(&t) => return mpls(rest, packet),
            ETH_PPPOE_SESSION => {
                // PPPoE header (6 bytes), then PPP from its protocol field on.
                let Some(ppp_frame) = rest.get(6..) else {
                    return truncated(packet, "PPPoE", rest.len(), 8);
                };
                return ppp::protocol_and_payload(ppp_frame, "PPPoE", 6, packet);
            }
            _ => return NetworkPayload::NotIp,
        }
    }
    NetworkPayload::NotIp
}

/// MPLS label stack: 4 bytes per label until the bottom-of-stack bit; the payload's IP
/// version is guessed from its first nibble, as Zeek and tcpdump do.
pub(super) fn mpls<'a>(mut rest: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    loop {
        let Some(label) = rest.get(..4) else {
            packet.error = Some(DecodeError::MplsStackTooDeep);
            return NetworkPayload::Stopped;
        };
        let bottom = label[2] & 0x01 != 0;
        rest = &rest[4..];
        if bottom {
            break;
        }
    }
    match rest.first().map(|b| b >> 4) {
        Some(4) => NetworkPayload::ip(rest, 4),
        Some(6) => NetworkPayload::ip(rest, 6),
        _ => NetworkPayload::NotIp,
    }
}
