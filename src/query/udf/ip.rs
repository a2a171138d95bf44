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
