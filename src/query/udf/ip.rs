//! Address helpers behind `ip_prefix` and `is_private`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The network of `ip` with a prefix of `len` bits, as `10.1.2.0/24` or `2001:db8::/32`
/// (like Python's `ip_network(f"{ip}/{len}", strict=False)`). None for an invalid
/// address or length.
pub fn prefix(ip: &str, len: i64) -> Option<String> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) if (0..=32).contains(&len) => {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            Some(format!("{}/{len}", Ipv4Addr::from(v4.to_bits() & mask)))
        }
        IpAddr::V6(v6) if (0..=128).contains(&len) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            Some(format!("{}/{len}", Ipv6Addr::from(v6.to_bits() & mask)))
        }
        _ => None,
    }
}

/// Parses dotted-quad IPv4 text quickly (the common case of `ip_prefix` over millions of
/// rows); None for anything else.
fn parse_v4(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() < 7 || b.len() > 15 {
        return None;
    }
    let (mut value, mut octet, mut digits, mut dots) = (0u32, 0u32, 0, 0);
    for &c in b {
        match c {
            b'0'..=b'9' => {
                octet = octet * 10 + u32::from(c - b'0');
                digits += 1;
                if octet > 255 || digits > 3 {
                    return None;
                }
            }
            b'.' if digits > 0 && dots < 3 => {
                value = (value << 8) | octet;
                octet = 0;
                digits = 0;
                dots += 1;
            }
            _ => return None,
        }
    }
    (dots == 3 && digits > 0).then_some((value << 8) | octet)
}

/// Appends the prefix of `ip` (as [`prefix`] formats it) to `out`; false when invalid.
pub fn write_prefix(ip: &str, len: i64, out: &mut String) -> bool {
    use std::fmt::Write;
    if let Some(v4) = parse_v4(ip) {
        if !(0..=32).contains(&len) {
            return false;
        }
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        let [a, b, c, d] = (v4 & mask).to_be_bytes();
        let _ = write!(out, "{a}.{b}.{c}.{d}/{len}");
        return true;
    }
    match prefix(ip, len) {
        Some(p) => {
            out.push_str(&p);
            true
        }
        None => false,
    }
}

/// Whether `ip` is not globally routable: RFC 1918, loopback, link-local, shared (RFC
/// 6598), unique-local IPv6 (fc00::/7). None for an invalid address.
pub fn is_private(ip: &str) -> Option<bool> {
    Some(match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_like_python_ipaddress() {
        assert_eq!(prefix("10.1.2.3", 24).as_deref(), Some("10.1.2.0/24"));
        assert_eq!(prefix("10.1.2.3", 0).as_deref(), Some("0.0.0.0/0"));
        assert_eq!(prefix("10.1.2.3", 32).as_deref(), Some("10.1.2.3/32"));
        assert_eq!(
            prefix("2001:db8:1:2::5", 32).as_deref(),
            Some("2001:db8::/32")
        );
        assert_eq!(prefix("10.1.2.3", 33), None);
        assert_eq!(prefix("nonsense", 8), None);
    }

    #[test]
    fn fast_ipv4_path_agrees_with_the_parser() {
        for (ip, len) in [
            ("10.1.2.3", 24),
            ("255.255.255.255", 1),
            ("0.0.0.0", 32),
            ("192.168.1.77", 16),
        ] {
            let mut out = String::new();
            assert!(write_prefix(ip, len, &mut out));
            assert_eq!(Some(out), prefix(ip, len));
        }
        for bad in [
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1..2.3",
            "a.b.c.d",
            "01234.1.1.1",
        ] {
            assert_eq!(parse_v4(bad), None, "{bad}");
        }
    }

    #[test]
    fn private_ranges() {
        for p in [
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "fd00::1",
            "fe80::1",
            "::1",
        ] {
            assert_eq!(is_private(p), Some(true), "{p}");
        }
        for p in ["8.8.8.8", "172.32.0.1", "2001:4860::8888"] {
            assert_eq!(is_private(p), Some(false), "{p}");
        }
    }
}
