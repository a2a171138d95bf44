//! Who is the originator of a DNS exchange whose first message seen is a response.

use std::net::IpAddr;

pub use crate::dissect::transport::DNS_UDP_PORTS as UDP_PORTS;

/// NetBIOS name service: Zeek's DNS analyzer reads its registrations and releases too.
const NETBIOS_PORT: u16 = 137;

/// Whether Zeek's DNS analyzer swaps the roles of a UDP flow on its first packet: the
/// packet, sent by the originator to a responder on a DNS port, holds a response (QR set
/// in its header's `flags`, an opcode the analyzer reads), and the responder is not a
/// multicast group (Zeek's `DNS_Interpreter::ParseMessage` calls `FlipRoles` then).
pub fn first_message_flips_roles(resp_port: u16, resp_ip: IpAddr, flags: Option<u16>) -> bool {
    let Some(flags) = flags else { return false };
    if !UDP_PORTS.contains(&resp_port) || resp_ip.is_multicast() {
        return false;
    }
    let opcode = (flags >> 11) & 0x0f;
    flags & 0x8000 != 0 && (matches!(opcode, 0 | 4 | 5) || resp_port == NETBIOS_PORT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(flags: u16) -> Option<u16> {
        Some(flags)
    }

    #[test]
    fn a_response_sent_to_a_dns_port_flips_unless_multicast_or_not_dns() {
        let unicast: IpAddr = "192.0.2.1".parse().unwrap();
        let group: IpAddr = "224.0.0.251".parse().unwrap();
        let response = header(0x8180);
        assert!(first_message_flips_roles(53, unicast, response));
        assert!(first_message_flips_roles(5353, unicast, response));
        assert!(!first_message_flips_roles(5353, group, response));
        assert!(!first_message_flips_roles(8053, unicast, response));
        assert!(!first_message_flips_roles(53, unicast, header(0x0100)));
        // No header captured (a snap length cut it): nothing to go by.
        assert!(!first_message_flips_roles(53, unicast, None));
        // Opcode 2 (status) stops the analyzer before it looks at roles, except NetBIOS's.
        assert!(!first_message_flips_roles(53, unicast, header(0x9000)));
        assert!(first_message_flips_roles(137, unicast, header(0xa800)));
    }
}
