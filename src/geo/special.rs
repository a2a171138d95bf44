//! Addresses that belong to no country: private, loopback, multicast and the other
//! special-purpose ranges of the IANA registries (RFC 6890 and successors).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Every name [`special_kind`] can return, in the order its doc comment lists them.
pub const SPECIAL_KINDS: [&str; 10] = [
    "private",
    "cgnat",
    "loopback",
    "link-local",
    "multicast",
    "broadcast",
    "unspecified",
    "documentation",
    "benchmarking",
    "reserved",
];

const PRIVATE: &str = SPECIAL_KINDS[0];
const CGNAT: &str = SPECIAL_KINDS[1];
const LOOPBACK: &str = SPECIAL_KINDS[2];
const LINK_LOCAL: &str = SPECIAL_KINDS[3];
const MULTICAST: &str = SPECIAL_KINDS[4];
const BROADCAST: &str = SPECIAL_KINDS[5];
const UNSPECIFIED: &str = SPECIAL_KINDS[6];
const DOCUMENTATION: &str = SPECIAL_KINDS[7];
const BENCHMARKING: &str = SPECIAL_KINDS[8];
const RESERVED: &str = SPECIAL_KINDS[9];

/// IPv4 ranges, most specific first where they nest.
const V4: [(Ipv4Addr, u32, &str); 16] = [
    (Ipv4Addr::new(0, 0, 0, 0), 32, UNSPECIFIED),
    (Ipv4Addr::new(0, 0, 0, 0), 8, RESERVED), // "this network"
    (Ipv4Addr::new(10, 0, 0, 0), 8, PRIVATE),
    (Ipv4Addr::new(100, 64, 0, 0), 10, CGNAT),
    (Ipv4Addr::new(127, 0, 0, 0), 8, LOOPBACK),
    (Ipv4Addr::new(169, 254, 0, 0), 16, LINK_LOCAL),
    (Ipv4Addr::new(172, 16, 0, 0), 12, PRIVATE),
    (Ipv4Addr::new(192, 0, 0, 0), 24, RESERVED), // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24, DOCUMENTATION),
    (Ipv4Addr::new(192, 168, 0, 0), 16, PRIVATE),
    (Ipv4Addr::new(198, 18, 0, 0), 15, BENCHMARKING),
    (Ipv4Addr::new(198, 51, 100, 0), 24, DOCUMENTATION),
    (Ipv4Addr::new(203, 0, 113, 0), 24, DOCUMENTATION),
    (Ipv4Addr::new(224, 0, 0, 0), 4, MULTICAST),
    (Ipv4Addr::new(255, 255, 255, 255), 32, BROADCAST),
    (Ipv4Addr::new(240, 0, 0, 0), 4, RESERVED),
];

/// IPv6 ranges, most specific first where they nest. `::ffff:0:0/96` (IPv4-mapped) and
/// `64:ff9b::/96` (NAT64) are answered by the IPv4 address inside them.
const V6: [(Ipv6Addr, u32, &str); 11] = [
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128, UNSPECIFIED),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128, LOOPBACK),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 8, RESERVED), // incl. IPv4-compatible ::a.b.c.d
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, RESERVED), // discard-only
    (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48, BENCHMARKING),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        DOCUMENTATION,
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        DOCUMENTATION,
    ), // RFC 9637
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, PRIVATE), // unique local
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, LINK_LOCAL),
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, RESERVED), // deprecated site-local
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, MULTICAST),
];

/// `64:ff9b::/96`, the well-known NAT64 prefix (RFC 6052).
const NAT64: u128 = 0x0064_ff9b_u128 << 96;

/// What kind of special address `ip` is, or `None` for an ordinary (global unicast)
/// address that a GeoIP database may place in a country. The names:
///
/// - `"private"`: RFC 1918 (10/8, 172.16/12, 192.168/16) and unique-local fc00::/7
/// - `"cgnat"`: shared address space 100.64/10 (RFC 6598)
/// - `"loopback"`: 127/8, ::1
/// - `"link-local"`: 169.254/16, fe80::/10
/// - `"multicast"`: 224/4, ff00::/8
/// - `"broadcast"`: 255.255.255.255
/// - `"unspecified"`: 0.0.0.0, ::
/// - `"documentation"`: 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
/// - `"benchmarking"`: 198.18/15, 2001:2::/48
/// - `"reserved"`: 0/8, 192.0.0/24, 240/4, ::/8 (IPv4-compatible and other), 100::/64,
///   fec0::/10
///
/// IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`) addresses get the kind
/// of the IPv4 address they carry. The same addresses are private here as for pcapq's
/// `is_private` (which also counts loopback, link-local and cgnat as private).
pub fn special_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => kind_v4(v4),
        IpAddr::V6(v6) => {
            let bits = v6.to_bits();
            if let Some(v4) = v6.to_ipv4_mapped() {
                return kind_v4(v4);
            }
            if bits >> 32 == NAT64 >> 32 {
                return kind_v4(Ipv4Addr::from_bits(bits as u32));
            }
            V6.iter()
                .find(|(net, len, _)| same_prefix(bits, net.to_bits(), *len, 128))
                .map(|(_, _, kind)| *kind)
        }
    }
}

fn kind_v4(v4: Ipv4Addr) -> Option<&'static str> {
    let bits = u128::from(v4.to_bits());
    V4.iter()
        .find(|(net, len, _)| same_prefix(bits, u128::from(net.to_bits()), *len, 32))
        .map(|(_, _, kind)| *kind)
}

/// Whether `a` and `b` (each `width` bits wide) agree in their first `len` bits.
fn same_prefix(a: u128, b: u128, len: u32, width: u32) -> bool {
    let diff = (a ^ b).checked_shr(width - len).unwrap_or(0);
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<&'static str> {
        special_kind(s.parse().unwrap())
    }

    #[test]
    fn every_kind_with_its_edges() {
        let cases = [
            ("10.0.0.0", Some("private")),
            ("10.255.255.255", Some("private")),
            ("11.0.0.0", None),
            ("172.15.255.255", None),
            ("172.16.0.1", Some("private")),
            ("172.31.255.255", Some("private")),
            ("172.32.0.0", None),
            ("192.168.1.1", Some("private")),
            ("100.63.255.255", None),
            ("100.64.0.0", Some("cgnat")),
            ("100.127.255.255", Some("cgnat")),
            ("100.128.0.0", None),
            ("127.0.0.1", Some("loopback")),
            ("169.254.1.1", Some("link-local")),
            ("224.0.0.251", Some("multicast")),
            ("239.255.255.250", Some("multicast")),
            ("255.255.255.255", Some("broadcast")),
            ("255.255.255.254", Some("reserved")),
            ("240.0.0.1", Some("reserved")),
            ("0.0.0.0", Some("unspecified")),
            ("0.1.2.3", Some("reserved")),
            ("192.0.0.8", Some("reserved")),
            ("192.0.2.1", Some("documentation")),
            ("198.51.100.7", Some("documentation")),
            ("203.0.113.255", Some("documentation")),
            ("198.18.0.1", Some("benchmarking")),
            ("198.19.255.255", Some("benchmarking")),
            ("198.20.0.0", None),
            ("8.8.8.8", None),
            ("1.1.1.1", None),
            ("::", Some("unspecified")),
            ("::1", Some("loopback")),
            ("::2", Some("reserved")),
            ("::1.2.3.4", Some("reserved")),
            ("::ffff:10.1.2.3", Some("private")),
            ("::ffff:8.8.8.8", None),
            ("64:ff9b::192.168.0.1", Some("private")),
            ("64:ff9b::8.8.8.8", None),
            ("100::1", Some("reserved")),
            ("2001:2::1", Some("benchmarking")),
            ("2001:db8::1", Some("documentation")),
            ("2001:db9::1", None),
            ("3fff:fff::1", Some("documentation")),
            ("3fff:1000::1", None),
            ("fc00::1", Some("private")),
            ("fdff:ffff::1", Some("private")),
            ("fe80::1", Some("link-local")),
            ("febf::1", Some("link-local")),
            ("fec0::1", Some("reserved")),
            ("ff02::fb", Some("multicast")),
            ("2001:4860:4860::8888", None),
            ("2a00:1450::1", None),
        ];
        for (ip, want) in cases {
            assert_eq!(kind(ip), want, "{ip}");
        }
    }

    #[test]
    fn every_listed_name_is_used_and_only_those() {
        let used: Vec<&str> = V4
            .iter()
            .map(|e| e.2)
            .chain(V6.iter().map(|e| e.2))
            .collect();
        for name in SPECIAL_KINDS {
            assert!(used.contains(&name), "{name} unused");
        }
        for name in used {
            assert!(SPECIAL_KINDS.contains(&name), "{name} unlisted");
        }
    }
}
