//! Which side of a flow first seen in the middle is the server: Zeek's `likely_server_ports`.
//!
//! Zeek fills that set with the server ports its default analyzers register
//! (`Analyzer::register_for_ports` and `PacketAnalyzer::register_for_ports` in
//! `scripts/base`, zeek/zeek a13de64). Client ports an analyzer registers (DHCP's 68) are not
//! in it, and neither is every port with an IANA name: a client's ephemeral port often has
//! one, and a flow between it and port 443 must still make 443 the responder.

/// TCP server ports of Zeek's default analyzers.
const TCP: [u16; 49] = [
    21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 465, 502, 514, 563, 585, 587,
    614, 631, 636, 989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222,
    5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
];

/// UDP server ports of Zeek's default analyzers and tunnel decapsulators.
const UDP: [u16; 24] = [
    53, 67, 88, 123, 137, 161, 162, 389, 443, 514, 1812, 2123, 2152, 3389, 3544, 4011, 4754, 4789,
    5060, 5072, 5353, 5355, 6081, 20000,
];

/// Whether `port` is in Zeek's `likely_server_ports` for IP protocol `ip_proto` (TCP or UDP;
/// no other transport has any).
pub fn is_likely_server_port(port: u16, ip_proto: u8) -> bool {
    match ip_proto {
        6 => TCP.binary_search(&port).is_ok(),
        17 => UDP.binary_search(&port).is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeeks_server_ports_not_every_named_port() {
        assert!(TCP.is_sorted() && UDP.is_sorted());
        assert!(is_likely_server_port(443, 6) && is_likely_server_port(22, 6));
        assert!(is_likely_server_port(67, 17) && !is_likely_server_port(68, 17));
        // IANA names 5228 and 33434, but no Zeek analyzer serves them.
        assert!(!is_likely_server_port(5228, 6) && !is_likely_server_port(33434, 17));
        assert!(!is_likely_server_port(80, 132));
    }
}
