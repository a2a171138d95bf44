//! Link layers: Ethernet (802.1Q/QinQ, MPLS, PPPoE), Linux cooked v1/v2, raw IP and BSD
//! loopback, down to the bytes of the network layer.

use super::packet::{DecodeError, Packet};

/// What the link layer hands to the network layer.
pub enum NetworkPayload<'a> {
    /// IP with the version the link layer announced (`None`: take the version nibble).
    Ip {
        bytes: &'a [u8],
        version: Option<u8>,
    },
    /// Something that is not IP (ARP, LLDP, …): nothing more to decode, not an error.
    NotIp,
    /// Decoding stopped with an error (already recorded in the packet).
    Stopped,
}

const ETH_IPV4: u16 = 0x0800;
const ETH_IPV6: u16 = 0x86dd;
const ETH_VLAN: [u16; 3] = [0x8100, 0x88a8, 0x9100];
const ETH_MPLS: [u16; 2] = [0x8847, 0x8848];
const ETH_PPPOE_SESSION: u16 = 0x8864;
/// Tags walked before giving up (QinQ needs 2; more is legal but rare).
const MAX_TAGS: usize = 8;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

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
        1 => ethernet(data, packet),
        12 | 14 | 101 | 228 => NetworkPayload::Ip {
            bytes: data,
            version: None,
        },
        229 => NetworkPayload::Ip {
            bytes: data,
            version: Some(6),
        },
        0 | 108 | 109 => loopback(link_type, data, packet),
        113 => linux_sll(data, packet),
        276 => linux_sll2(data, packet),
        other => {
            packet.error = Some(DecodeError::UnsupportedLinkType(other));
            NetworkPayload::Stopped
        }
    }
}

fn ethernet<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(eth_type) = be16(data, 12) else {
        return truncated(packet, "Ethernet", data.len(), 14);
    };
    if eth_type < 0x0600 {
        // IEEE 802.3 length field followed by LLC: not IP (tshark shows no eth.type either).
        return NetworkPayload::NotIp;
    }
    packet.eth_type = Some(eth_type);
    ether_payload(eth_type, &data[14..], packet)
}

/// Walks VLAN tags, MPLS labels and PPPoE down to IP, starting after an EtherType.
fn ether_payload<'a>(
    mut eth_type: u16,
    mut rest: &'a [u8],
    packet: &mut Packet,
) -> NetworkPayload<'a> {
    for _ in 0..MAX_TAGS {
        match eth_type {
            ETH_IPV4 => {
                return NetworkPayload::Ip {
                    bytes: rest,
                    version: Some(4),
                };
            }
            ETH_IPV6 => {
                return NetworkPayload::Ip {
                    bytes: rest,
                    version: Some(6),
                };
            }
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
                // PPPoE header (6 bytes) then the PPP protocol field.
                let Some(ppp_proto) = be16(rest, 6) else {
                    return truncated(packet, "PPPoE", rest.len(), 8);
                };
                let bytes = &rest[8..];
                return match ppp_proto {
                    0x0021 => NetworkPayload::Ip {
                        bytes,
                        version: Some(4),
                    },
                    0x0057 => NetworkPayload::Ip {
                        bytes,
                        version: Some(6),
                    },
                    _ => NetworkPayload::NotIp,
                };
            }
            _ => return NetworkPayload::NotIp,
        }
    }
    NetworkPayload::NotIp
}

/// MPLS label stack: 4 bytes per label until the bottom-of-stack bit; the payload's IP
/// version is guessed from its first nibble, as Zeek and tcpdump do.
fn mpls<'a>(mut rest: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
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
        Some(4) => NetworkPayload::Ip {
            bytes: rest,
            version: Some(4),
        },
        Some(6) => NetworkPayload::Ip {
            bytes: rest,
            version: Some(6),
        },
        _ => NetworkPayload::NotIp,
    }
}

/// BSD loopback: a 4-byte address family, host byte order for DLT_NULL, network order for
/// DLT_LOOP. AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24, 28 or 30 (the BSDs).
fn loopback<'a>(link_type: u32, data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(raw) = data.get(..4) else {
        return truncated(packet, "loopback", data.len(), 4);
    };
    let raw: [u8; 4] = raw.try_into().unwrap_or_default();
    let family = if link_type == 108 {
        u32::from_be_bytes(raw)
    } else {
        // Host order of the capturing machine is unknown: a family is a small number, so
        // whichever reading is small is the right one.
        let le = u32::from_le_bytes(raw);
        if le <= 0xffff {
            le
        } else {
            u32::from_be_bytes(raw)
        }
    };
    let bytes = &data[4..];
    match family {
        2 => NetworkPayload::Ip {
            bytes,
            version: Some(4),
        },
        10 | 24 | 28 | 30 => NetworkPayload::Ip {
            bytes,
            version: Some(6),
        },
        _ => NetworkPayload::NotIp,
    }
}

/// Linux cooked capture v1: 16-byte header, protocol (EtherType) in its last two bytes.
fn linux_sll<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(proto) = be16(data, 14) else {
        return truncated(packet, "Linux cooked", data.len(), 16);
    };
    packet.eth_type = Some(proto);
    ether_payload(proto, &data[16..], packet)
}

/// Linux cooked capture v2: 20-byte header, protocol (EtherType) in its first two bytes.
fn linux_sll2<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let (Some(proto), true) = (be16(data, 0), data.len() >= 20) else {
        return truncated(packet, "Linux cooked v2", data.len(), 20);
    };
    packet.eth_type = Some(proto);
    ether_payload(proto, &data[20..], packet)
}
