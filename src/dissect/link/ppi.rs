//! PPI, the Per-Packet Information header (LINKTYPE 192): version, flags, length (LE u16),
//! the DLT of the frame that follows (LE u32), then fields; 802.11-Common says whether an
//! 802.11 frame ends with an FCS.

use super::super::packet::Packet;
use super::{LinkFrame, NetworkPayload, bogus, ieee80211, le16, le32, strip, truncated};

/// Fixed part of the PPI header.
const FIXED: usize = 8;
/// Field header: type (LE u16), data length (LE u16).
const FIELD_HEADER: usize = 4;
/// Field type 2, 802.11-Common: 20 bytes, its flags (LE u16) at byte 8.
const FIELD_80211_COMMON: u16 = 2;
const COMMON_LEN: usize = 20;
const COMMON_FLAGS_AT: usize = 8;
/// 802.11-Common flag: the frame ends with a 4-byte FCS.
const COMMON_FLAGS_FCS: u16 = 0x0001;
/// DLT of 802.11 and of PPI itself (not allowed to nest).
const DLT_IEEE802_11: u32 = 105;
const DLT_PPI: u32 = 192;

/// Decodes a PPI header and the frame of its DLT.
pub(super) fn ppi<'a>(frame: LinkFrame<'a>, packet: &mut Packet) -> NetworkPayload<'a> {
    let data = frame.data;
    let (Some(&version), Some(len), Some(dlt)) = (data.first(), le16(data, 2), le32(data, 4))
    else {
        return truncated(packet, "PPI", data.len(), FIXED);
    };
    if version != 0 {
        return bogus(packet, "PPI", "version", u32::from(version));
    }
    let len = usize::from(len);
    if len < FIXED {
        return bogus(packet, "PPI", "length", len as u32);
    }
    if data.len() < len {
        return truncated(packet, "PPI", data.len(), len);
    }
    if dlt == DLT_PPI {
        return bogus(packet, "PPI", "DLT", dlt);
    }
    let Some(fcs) = has_fcs(&data[FIXED..len]) else {
        return bogus(packet, "PPI", "length", len as u32);
    };
    let inner = frame.after(len);
    if dlt == DLT_IEEE802_11 {
        let wlan = if fcs { inner.without_fcs() } else { inner };
        ieee80211::ieee80211(wlan.data, packet, false)
    } else {
        strip(dlt, inner, packet)
    }
}

/// Whether the fields' 802.11-Common says the frame has an FCS, or None when a field runs
/// past the header's length.
fn has_fcs(mut fields: &[u8]) -> Option<bool> {
    let mut fcs = false;
    while !fields.is_empty() {
        let (field_type, field_len) = (le16(fields, 0)?, usize::from(le16(fields, 2)?));
        let body = fields.get(FIELD_HEADER..FIELD_HEADER + field_len)?;
        if field_type == FIELD_80211_COMMON && field_len == COMMON_LEN {
            fcs = le16(body, COMMON_FLAGS_AT)? & COMMON_FLAGS_FCS != 0;
        }
        fields = &fields[FIELD_HEADER + field_len..];
    }
    Some(fcs)
}
