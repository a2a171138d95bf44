//! Linux NFLOG (LINKTYPE 239): address family, version, resource id, then TLVs (length
//! and type in the capturing host's byte order, lengths counting the 4-byte TLV header,
//! each TLV padded to 4 bytes); NFULA_PAYLOAD holds the IP packet.

use super::super::packet::Packet;
use super::{LinkFrame, NetworkPayload, be16, bogus, le16, truncated};

/// Fixed header: family, version, resource id (BE u16).
const FIXED: usize = 4;
/// TLV header: length, type.
const TLV_HEADER: usize = 4;
/// NFULA_PAYLOAD: the packet.
const NFULA_PAYLOAD: u16 = 9;
/// TLV types carry netlink's nested and byte-order flags in their top bits.
const TYPE_MASK: u16 = 0x7fff;
/// Linux AF_INET and AF_INET6.
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;

/// Reads a TLV's u16 in the byte order the TLVs were written in.
type Read16 = fn(&[u8], usize) -> Option<u16>;

/// Decodes an NFLOG header and the packet in its payload TLV.
pub(super) fn nflog<'a>(frame: LinkFrame<'a>, packet: &mut Packet) -> NetworkPayload<'a> {
    let data = frame.data;
    if data.len() < FIXED {
        return truncated(packet, "NFLOG", data.len(), FIXED);
    }
    let read16 = byte_order(&data[FIXED..]);
    let mut payload = None;
    let mut at = FIXED;
    while data.len() - at >= TLV_HEADER {
        let (Some(tlv_len), Some(tlv_type)) = (read16(data, at), read16(data, at + 2)) else {
            break;
        };
        let tlv_len = usize::from(tlv_len);
        if tlv_len < TLV_HEADER {
            return bogus(packet, "NFLOG", "TLV length", tlv_len as u32);
        }
        let end = at + tlv_len;
        let is_payload = tlv_type & TYPE_MASK == NFULA_PAYLOAD;
        if end > data.len() {
            // Within the frame on the wire, a payload cut by the snap length decodes as
            // far as its bytes go; past it, the length lies.
            if is_payload && end <= frame.wire_len {
                payload = Some(&data[at + TLV_HEADER..]);
                break;
            }
            return truncated(packet, "NFLOG TLV", data.len() - at, tlv_len);
        }
        if is_payload {
            payload = Some(&data[at + TLV_HEADER..end]);
        }
        at = end.next_multiple_of(4).min(data.len());
    }
    match (payload, data[0]) {
        (Some(bytes), AF_INET) => NetworkPayload::ip(bytes, 4),
        (Some(bytes), AF_INET6) => NetworkPayload::ip(bytes, 6),
        _ => NetworkPayload::NotIp,
    }
}

/// The TLVs' byte order, guessed as tshark does: big-endian if the first TLV of a known
/// type reads sensibly that way, else little-endian if it does so, else big-endian.
fn byte_order(tlvs: &[u8]) -> Read16 {
    if reads_sensibly(tlvs, be16) {
        be16
    } else if reads_sensibly(tlvs, le16) {
        le16
    } else {
        be16
    }
}

/// Whether, read with `read16`, the TLVs start (after any of type 0) with a length of at
/// least 4 and a type below 256.
fn reads_sensibly(tlvs: &[u8], read16: Read16) -> bool {
    let mut at = 0;
    while tlvs.len().saturating_sub(at) > TLV_HEADER {
        let (Some(len), Some(tlv_type)) = (read16(tlvs, at), read16(tlvs, at + 2)) else {
            return false;
        };
        let tlv_type = tlv_type & TYPE_MASK;
        if len < 4 || tlv_type >= 0x100 {
            return false;
        }
        if tlv_type != 0 {
            return true;
        }
        at += usize::from(len).next_multiple_of(4);
    }
    false
}
