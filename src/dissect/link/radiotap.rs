//! Radiotap (LINKTYPE 127): a little-endian header of its own length, then an 802.11
//! frame. Only the Flags field matters here: it says whether the frame ends with an FCS
//! and whether its header is padded.

use super::super::packet::Packet;
use super::{LinkFrame, NetworkPayload, bogus, ieee80211, le16, le32, truncated};

/// Fixed part: version, pad, length (LE u16), first present bitmap (LE u32).
const FIXED: usize = 8;
/// Present bitmap bits: TSFT (8 bytes, aligned to 8), Flags (1 byte), another bitmap follows.
const PRESENT_TSFT: u32 = 1 << 0;
const PRESENT_FLAGS: u32 = 1 << 1;
const PRESENT_EXT: u32 = 1 << 31;
/// Flags: the 802.11 frame ends with a 4-byte FCS; its header is padded to 4 bytes.
const FLAGS_FCS: u8 = 0x10;
const FLAGS_DATAPAD: u8 = 0x20;

/// Decodes a radiotap header and the 802.11 frame after it.
pub(super) fn radiotap<'a>(frame: LinkFrame<'a>, packet: &mut Packet) -> NetworkPayload<'a> {
    let data = frame.data;
    let (Some(&version), Some(len)) = (data.first(), le16(data, 2)) else {
        return truncated(packet, "radiotap", data.len(), FIXED);
    };
    let len = usize::from(len);
    if len < FIXED {
        return bogus(packet, "radiotap", "length", len as u32);
    }
    if data.len() < len {
        return truncated(packet, "radiotap", data.len(), len);
    }
    // Like tshark, a header of another version, or whose bitmaps announce more than its
    // length holds, is skipped by its length: the 802.11 frame may well follow it.
    let flags = if version == 0 {
        flags_field(&data[..len]).unwrap_or(0)
    } else {
        0
    };
    let mut wlan = frame.after(len);
    if flags & FLAGS_FCS != 0 {
        wlan = wlan.without_fcs();
    }
    ieee80211::ieee80211(wlan.data, packet, flags & FLAGS_DATAPAD != 0)
}

/// The Flags field of a radiotap header, or None when it is absent or the header is too
/// short for what its present bitmaps announce. Flags is the second field of the default
/// namespace, so only the bitmaps and TSFT come before it; fields are aligned to their
/// size from the header's start.
fn flags_field(header: &[u8]) -> Option<u8> {
    let first = le32(header, 4)?;
    let mut at = 4;
    let mut word = first;
    while word & PRESENT_EXT != 0 {
        at += 4;
        word = le32(header, at)?;
    }
    at += 4;
    if first & PRESENT_TSFT != 0 {
        at = at.next_multiple_of(8) + 8;
    }
    if first & PRESENT_FLAGS == 0 {
        return None;
    }
    header.get(at).copied()
}
