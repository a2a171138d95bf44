//! IP addresses as text, formatted by hand into reused buffers: they are on the hot path of
//! every packet row and every DNS answer. The text is the standard library's (RFC 5952 for
//! IPv6, `::ffff:a.b.c.d` for IPv4-mapped addresses).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Formats addresses into an internal buffer and hands out `&str`s.
#[derive(Default)]
pub struct IpFormatter {
    buf: String,
}

impl IpFormatter {
    /// The text form of `ip`, valid until the next call.
    pub fn format(&mut self, ip: &IpAddr) -> &str {
        self.buf.clear();
        push_ip(&mut self.buf, ip);
        &self.buf
    }
}

/// Appends the text of `ip`.
pub fn push_ip(buf: &mut String, ip: &IpAddr) {
    match ip {
        IpAddr::V4(v4) => push_ipv4(buf, v4),
        IpAddr::V6(v6) => push_ipv6(buf, v6),
    }
}

/// Appends dotted-quad text, built on the stack and appended at once (every packet row
/// formats two addresses, so this is on the builder's hot path).
pub fn push_ipv4(buf: &mut String, ip: &Ipv4Addr) {
    let mut text = [0u8; 16];
    let mut n = 0;
    for (i, octet) in ip.octets().into_iter().enumerate() {
        if i > 0 {
            text[n] = b'.';
            n += 1;
        }
        let (len, digits) = OCTET_TEXT[usize::from(octet)];
        // At most 12 bytes precede the last octet, so three more always fit.
        text[n..n + 3].copy_from_slice(&digits);
        n += usize::from(len);
    }
    debug_assert!(text[..n].is_ascii());
    // SAFETY: every byte written is an ASCII digit or a dot (from `OCTET_TEXT`), so the
    // text is valid UTF-8. Checking it cost 2% of a flood's conversion (two addresses in
    // every packet and flow row).
    buf.push_str(unsafe { std::str::from_utf8_unchecked(&text[..n]) });
}

/// Decimal text of every octet value: its length and its digits (padded to three).
const OCTET_TEXT: [(u8, [u8; 3]); 256] = octet_text();

const fn octet_text() -> [(u8, [u8; 3]); 256] {
    let mut table = [(0u8, [0u8; 3]); 256];
    let mut n = 0;
    while n < 256 {
        let v = n as u8;
        table[n] = if v >= 100 {
            (3, [b'0' + v / 100, b'0' + (v / 10) % 10, b'0' + v % 10])
        } else if v >= 10 {
            (2, [b'0' + v / 10, b'0' + v % 10, 0])
        } else {
            (1, [b'0' + v, 0, 0])
        };
        n += 1;
    }
    table
}

/// Appends an IPv6 address as the standard library writes it: lowercase hex groups without
/// leading zeros, the longest run of two or more zero groups (the first of equal runs)
/// written `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
pub fn push_ipv6(buf: &mut String, ip: &Ipv6Addr) {
    if let Some(v4) = ip.to_ipv4_mapped() {
        buf.push_str("::ffff:");
        push_ipv4(buf, &v4);
        return;
    }
    let groups = ip.segments();
    // The longest run of zero groups (at least two).
    let (mut best_at, mut best_len) = (0, 0);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                (best_at, best_len) = (start, i - start);
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best_len = 0;
    }
    let mut i = 0;
    while i < 8 {
        if best_len > 0 && i == best_at {
            buf.push_str("::");
            i += best_len;
            continue;
        }
        if i > 0 && !(best_len > 0 && i == best_at + best_len) {
            buf.push(':');
        }
        push_hex_group(buf, groups[i]);
        i += 1;
    }
}

/// Appends a 16-bit group in lowercase hex without leading zeros.
fn push_hex_group(buf: &mut String, g: u16) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut started = false;
    for shift in [12, 8, 4, 0] {
        let d = (g >> shift) & 0xf;
        if d != 0 || started || shift == 0 {
            buf.push(char::from(DIGITS[usize::from(d)]));
            started = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_standard_library() {
        let mut f = IpFormatter::default();
        for s in [
            "0.0.0.0",
            "10.0.0.1",
            "192.168.100.255",
            "255.255.255.255",
            "2001:db8::1",
            "::",
            "fe80::1:2",
        ] {
            let ip: IpAddr = s.parse().unwrap();
            assert_eq!(f.format(&ip), ip.to_string());
        }
    }

    #[test]
    fn every_octet_value_in_every_position_equals_the_standard_library() {
        let mut buf = String::new();
        for v in 0..=255u8 {
            for ip in [
                Ipv4Addr::new(v, 0, 7, 255),
                Ipv4Addr::new(1, v, 99, 100),
                Ipv4Addr::new(255, 10, v, 9),
                Ipv4Addr::new(v, v, v, v),
            ] {
                buf.clear();
                buf.push('x');
                push_ipv4(&mut buf, &ip);
                assert_eq!(&buf[1..], ip.to_string());
            }
        }
    }

    #[test]
    fn ipv6_text_equals_the_standard_library_on_zero_heavy_addresses() {
        // Every pattern of zero and non-zero groups, with values from a small generator.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut buf = String::new();
        for mask in 0u32..256 {
            for _ in 0..8 {
                let mut groups = [0u16; 8];
                for (i, g) in groups.iter_mut().enumerate() {
                    if mask & (1 << i) != 0 {
                        let v = next();
                        // Small and large values: leading zeros inside groups too.
                        *g = if v & 1 == 0 {
                            (v >> 8) as u16 & 0x00ff
                        } else {
                            (v >> 16) as u16
                        };
                        if *g == 0 {
                            *g = 1;
                        }
                    }
                }
                for ip in [
                    Ipv6Addr::from(groups),
                    Ipv6Addr::from(groups)
                        .to_ipv4_mapped()
                        .map_or(Ipv6Addr::from(groups), |v4| v4.to_ipv6_mapped()),
                ] {
                    buf.clear();
                    push_ipv6(&mut buf, &ip);
                    assert_eq!(buf, ip.to_string(), "{groups:x?}");
                }
            }
        }
        for mapped in [
            "::ffff:1.2.3.4",
            "::ffff:0.0.0.0",
            "::1.2.3.4",
            "64:ff9b::1.2.3.4",
        ] {
            let ip: Ipv6Addr = mapped.parse().unwrap();
            buf.clear();
            push_ipv6(&mut buf, &ip);
            assert_eq!(buf, ip.to_string());
        }
    }
}
