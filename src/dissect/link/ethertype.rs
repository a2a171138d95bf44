//! What follows an EtherType, whichever link layer announced it: VLAN tags, VN-Tags,
//! 802.1ah and FabricPath encapsulations, MPLS labels and PPPoE walked down to IP.

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
/// Cisco VN-Tag: a 4-byte tag, then the EtherType.
const ETH_VNTAG: u16 = 0x8926;
/// Provider Backbone Bridging (802.1ah): a 4-byte I-TAG, then the customer's Ethernet header.
const ETH_PBB: u16 = 0x88e7;
/// Cisco FabricPath: the outer header goes on for 2 more bytes, then the inner Ethernet header.
const ETH_FABRICPATH: u16 = 0x8903;
/// Tags walked before giving up (QinQ needs 2; more is legal but rare).
const MAX_TAGS: usize = 8;

/// Walks tags, encapsulations, MPLS labels and PPPoE down to IP, starting after an EtherType.
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
            ETH_VNTAG => {
                let Some(next) = be16(rest, 4) else {
                    return truncated(packet, "VN-Tag", rest.len(), 6);
                };
                eth_type = next;
                rest = &rest[6..];
            }
            // An Ethernet header inside: its MAC addresses skipped, its EtherType read.
            ETH_PBB | ETH_FABRICPATH => {
                let (layer, tag) = if eth_type == ETH_PBB {
                    ("802.1ah", 4)
                } else {
                    ("FabricPath", 2)
                };
                let Some(next) = be16(rest, tag + 12) else {
                    return truncated(packet, layer, rest.len(), tag + 14);
                };
                eth_type = next;
                rest = &rest[tag + 14..];
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
