//! IEEE 802.11 (LINKTYPE 105), also what radiotap and PPI headers lead to: data frames'
//! LLC/SNAP payload handed to the EtherType walker, as tshark's `wlan` dissector reads it.

use super::super::packet::Packet;
use super::ethertype::ether_payload;
use super::{NetworkPayload, truncated};

/// Frame type 2: data. Management (0), control (1) and extension (3) frames carry no IP.
const TYPE_DATA: u8 = 2;
/// Data subtype bit: QoS data, with a 2-byte QoS Control field.
const SUBTYPE_QOS: u8 = 0x08;
/// Data subtype bit: no frame body (Null, CF-Ack, CF-Poll, QoS Null, …).
const SUBTYPE_NO_BODY: u8 = 0x04;
/// Flags: to and from the distribution system; both set means a fourth address.
const FLAGS_TO_DS: u8 = 0x01;
const FLAGS_FROM_DS: u8 = 0x02;
/// Flags: the body is encrypted (WEP, TKIP, CCMP, GCMP).
const FLAGS_PROTECTED: u8 = 0x40;
/// Flags: +HTC/order; on QoS data, a 4-byte HT Control field follows QoS Control.
const FLAGS_ORDER: u8 = 0x80;
/// QoS Control, first byte: the body is an A-MSDU (aggregated subframes).
const QOS_AMSDU: u8 = 0x80;
/// Header of a data frame with three addresses: frame control, duration, 3 addresses,
/// sequence control.
const DATA_HEADER: usize = 24;
/// LLC header (DSAP 0xaa, SSAP 0xaa, UI) and SNAP (3-byte OUI, EtherType).
const LLC_SNAP_LEN: usize = 8;

/// Decodes an 802.11 frame without FCS. `datapad`: radiotap says the header is padded to
/// a multiple of 4 bytes.
pub(super) fn ieee80211<'a>(
    data: &'a [u8],
    packet: &mut Packet,
    datapad: bool,
) -> NetworkPayload<'a> {
    let (Some(&fc), Some(&flags)) = (data.first(), data.get(1)) else {
        return truncated(packet, "802.11", data.len(), 2);
    };
    let (version, frame_type, subtype) = (fc & 0x03, (fc >> 2) & 0x03, fc >> 4);
    if version != 0 || frame_type != TYPE_DATA || subtype & SUBTYPE_NO_BODY != 0 {
        return NetworkPayload::NotIp;
    }
    let four_addresses = flags & (FLAGS_TO_DS | FLAGS_FROM_DS) == FLAGS_TO_DS | FLAGS_FROM_DS;
    let qos_at = DATA_HEADER + if four_addresses { 6 } else { 0 };
    let qos = subtype & SUBTYPE_QOS != 0;
    let mut header = qos_at;
    if qos {
        header += 2;
        if flags & FLAGS_ORDER != 0 {
            header += 4;
        }
    }
    if datapad {
        header = header.next_multiple_of(4);
    }
    let Some(body) = data.get(header..) else {
        return truncated(packet, "802.11", data.len(), header);
    };
    if flags & FLAGS_PROTECTED != 0 {
        // Encrypted: without keys tshark shows only "Data", and so does pcapq.
        return NetworkPayload::NotIp;
    }
    if qos && data[qos_at] & QOS_AMSDU != 0 {
        // A-MSDU subframes are not followed (docs/differences.md).
        return NetworkPayload::NotIp;
    }
    llc_snap(body, packet)
}

/// An LLC/SNAP header with an EtherType (RFC 1042's OUI 00-00-00 or 802.1H's 00-00-F8)
/// and what it announces; any other LLC payload (spanning tree, …) is not IP.
pub(super) fn llc_snap<'a>(body: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    match body {
        [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00 | 0xf8, hi, lo, rest @ ..] => {
            let eth_type = u16::from_be_bytes([*hi, *lo]);
            packet.eth_type = Some(eth_type);
            ether_payload(eth_type, rest, packet)
        }
        [0xaa, 0xaa, 0x03, ..] if body.len() < LLC_SNAP_LEN => {
            truncated(packet, "LLC/SNAP", body.len(), LLC_SNAP_LEN)
        }
        _ => NetworkPayload::NotIp,
    }
}
