//! Service names of well-known ports (IANA names, from the table in `data/services.tsv`),
//! used by the `port_service` SQL function and the flows' `port_service` guess.

use std::collections::HashMap;
use std::sync::LazyLock;

const TABLE: &str = include_str!("../data/services.tsv");

/// Names by [`key`]: every ended flow looks its ports up here, so the key is a number
/// and the hash a fast one.
type Table = HashMap<u32, &'static str, ahash::RandomState>;

static SERVICES: LazyLock<Table> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let port = cols.next()?.parse().ok()?;
            let ip_proto = proto_number(cols.next()?)?;
            let name = cols.next()?;
            Some((key(port, ip_proto), name))
        })
        .collect()
});

/// A port and an IP protocol number as one table key.
fn key(port: u16, ip_proto: u8) -> u32 {
    (u32::from(ip_proto) << 16) | u32::from(port)
}

/// IP protocol numbers of the transports named in the table.
fn proto_number(name: &str) -> Option<u8> {
    match name {
        "tcp" | "6" => Some(6),
        "udp" | "17" => Some(17),
        "sctp" | "132" => Some(132),
        "dccp" | "33" => Some(33),
        _ => None,
    }
}

/// IANA service name of `port` for a transport given by name (`tcp`, `udp`, …).
pub fn service_name(port: u16, proto: &str) -> Option<&'static str> {
    let ip_proto = proto_number(&proto.to_ascii_lowercase())?;
    service_for(port, ip_proto)
}

/// IANA service name of `port` for an IP protocol number.
pub fn service_for(port: u16, ip_proto: u8) -> Option<&'static str> {
    SERVICES.get(&key(port, ip_proto)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_common_services() {
        assert_eq!(service_for(80, 6), Some("http"));
        assert_eq!(service_for(53, 17), Some("domain"));
        assert_eq!(service_name(443, "TCP"), Some("https"));
        assert_eq!(service_for(56730, 6), None);
    }
}
