//! Service names of well-known ports (IANA names, from the table in `data/services.tsv`),
//! used by the `port_service` SQL function and the flows' `port_service` guess.

use std::collections::HashMap;
use std::sync::LazyLock;

const TABLE: &str = include_str!("../data/services.tsv");

static SERVICES: LazyLock<HashMap<(u16, &'static str), &'static str>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let port = cols.next()?.parse().ok()?;
            let proto = cols.next()?;
            let name = cols.next()?;
            Some(((port, proto), name))
        })
        .collect()
});

/// Transport names used in the table.
fn proto_key(ip_proto: u8) -> Option<&'static str> {
    match ip_proto {
        6 => Some("tcp"),
        17 => Some("udp"),
        132 => Some("sctp"),
        33 => Some("dccp"),
        _ => None,
    }
}

/// IANA service name of `port` for a transport given by name (`tcp`, `udp`, …).
pub fn service_name(port: u16, proto: &str) -> Option<&'static str> {
    let proto = proto.to_ascii_lowercase();
    let key = match proto.as_str() {
        "tcp" | "6" => "tcp",
        "udp" | "17" => "udp",
        "sctp" | "132" => "sctp",
        "dccp" | "33" => "dccp",
        _ => return None,
    };
    SERVICES.get(&(port, key)).copied()
}

/// IANA service name of `port` for an IP protocol number.
pub fn service_for(port: u16, ip_proto: u8) -> Option<&'static str> {
    SERVICES.get(&(port, proto_key(ip_proto)?)).copied()
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
