//! BSD loopback (LINKTYPE 0 DLT_NULL, 108 DLT_LOOP, 109 DLT_ENC): a 4-byte address family.

use super::super::packet::Packet;
use super::{NetworkPayload, truncated};

/// A 4-byte address family, host byte order for DLT_NULL, network order for DLT_LOOP.
/// AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24, 28 or 30 (the BSDs).
pub(super) fn loopback<'a>(
    link_type: u32,
    data: &'a [u8],
    packet: &mut Packet,
) -> NetworkPayload<'a> {
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
        2 => NetworkPayload::ip(bytes, 4),
        10 | 24 | 28 | 30 => NetworkPayload::ip(bytes, 6),
        _ => NetworkPayload::NotIp,
    }
}
