//! UDP detectors: NTP, DHCP/BOOTP, STUN.

/// NTP (RFC 5905): version 1..=4 and a mode 1..=7; modes 1-5 need the 48-byte
/// header and a stratum up to 16, mode 6 (control) 12 bytes, mode 7 (private) 8.
///
/// Zeek has no NTP signature: it parses whatever reaches 123/udp (any version).
pub fn is_ntp(udp_payload: &[u8]) -> bool {
    let Some(&first) = udp_payload.first() else {
        return false;
    };
    let version = (first >> 3) & 0x07;
    let mode = first & 0x07;
    if !(1..=4).contains(&version) {
        return false;
    }
    match mode {
        1..=5 => udp_payload.len() >= 48 && udp_payload.get(1).is_some_and(|&s| s <= 16),
        6 => udp_payload.len() >= 12,
        7 => udp_payload.len() >= 8,
        _ => false,
    }
}

/// DHCP/BOOTP (RFC 2131): op 1 or 2, the DHCP magic cookie 0x63825363 at offset
/// 236, hardware address length at most 16.
///
/// Zeek's signature only asks for the cookie at 236 (any op), on any UDP port.
pub fn is_dhcp(udp_payload: &[u8]) -> bool {
    let op_ok = matches!(udp_payload.first(), Some(1 | 2));
    let hlen_ok = udp_payload.get(2).is_some_and(|&h| h <= 16);
    op_ok && hlen_ok && udp_payload.get(236..240) == Some(&[0x63, 0x82, 0x53, 0x63][..])
}

/// STUN (RFC 5389): top two bits of the type zero, magic cookie 0x2112A442, and a
/// length that is a multiple of 4 and equals the bytes after the 20-byte header.
pub fn is_stun(udp_payload: &[u8]) -> bool {
    let (Some(head), Some(rest)) = (udp_payload.get(..20), udp_payload.get(20..)) else {
        return false;
    };
    let msg_type = u16::from_be_bytes([head[0], head[1]]);
    let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
    msg_type & 0xc000 == 0
        && len % 4 == 0
        && len == rest.len()
        && head[4..8] == [0x21, 0x12, 0xa4, 0x42]
}
