//! Flow identity: the bidirectional 5-tuple, with ICMP types mapped to "ports" the way
//! Zeek and Community ID map them (request and reply types pair up; one-way messages use
//! their code and are not folded with the reverse direction).

use std::net::IpAddr;

use crate::dissect::Packet;
use crate::dissect::transport::proto;

/// Identity of a flow, independent of the direction of the packet that produced it.
/// Side 0 is the lower (address, port) endpoint, side 1 the higher, except for one-way
/// ICMP messages whose sender is always side 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FlowKey {
    /// Address of side 0.
    pub ip0: IpAddr,
    /// Address of side 1.
    pub ip1: IpAddr,
    /// Port (or ICMP type mapping) of side 0.
    pub port0: u16,
    /// Port of side 1.
    pub port1: u16,
    /// IP protocol number.
    pub proto: u8,
}

/// A packet's endpoints, before canonical ordering.
#[derive(Debug, Clone, Copy)]
pub struct Tuple {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port (ICMP: type).
    pub sport: u16,
    /// Destination port (ICMP: counterpart type or code).
    pub dport: u16,
    /// IP protocol.
    pub proto: u8,
    /// One-way ICMP message: never folded with the reverse direction.
    pub one_way: bool,
}

impl Tuple {
    /// The canonical key and the side (0 or 1) the packet's source is on.
    pub fn key(&self) -> (FlowKey, usize) {
        let forward = self.one_way || (self.src, self.sport) <= (self.dst, self.dport);
        if forward {
            (
                FlowKey {
                    ip0: self.src,
                    ip1: self.dst,
                    port0: self.sport,
                    port1: self.dport,
                    proto: self.proto,
                },
                0,
            )
        } else {
            (
                FlowKey {
                    ip0: self.dst,
                    ip1: self.src,
                    port0: self.dport,
                    port1: self.sport,
                    proto: self.proto,
                },
                1,
            )
        }
    }
}

/// The ICMPv4 type that answers `icmp_type`, or (`code`, one-way) for one-way messages.
pub fn icmp4_counterpart(icmp_type: u8, code: u8) -> (u8, bool) {
    match icmp_type {
        8 => (0, false),
        0 => (8, false),
        13 => (14, false),
        14 => (13, false),
        15 => (16, false),
        16 => (15, false),
        10 => (9, false),
        9 => (10, false),
        17 => (18, false),
        18 => (17, false),
        _ => (code, true),
    }
}

/// The ICMPv6 type that answers `icmp_type`, or (`code`, one-way) for one-way messages.
pub fn icmp6_counterpart(icmp_type: u8, code: u8) -> (u8, bool) {
    match icmp_type {
        128 => (129, false),
        129 => (128, false),
        133 => (134, false),
        134 => (133, false),
        135 => (136, false),
        136 => (135, false),
        130 => (131, false),
        131 => (130, false),
        139 => (140, false),
        140 => (139, false),
        144 => (145, false),
        145 => (144, false),
        _ => (code, true),
    }
}

/// IPv6's "no next header" (59).
const IPV6_NO_NEXT_HEADER: u8 = 59;

/// The tuple of a packet, when it belongs to a flow at all (an IP packet whose transport
/// header, where the protocol has one, is there). An IP fragment is no packet of any flow
/// by itself (its datagram counts once, on the frame that completes it), unless it is a
/// first fragment cut by the snap length, which counts as it is ([`IpInfo::held`]).
///
/// [`IpInfo::held`]: crate::dissect::IpInfo::held
pub fn packet_tuple(p: &Packet) -> Option<Tuple> {
    let ip = p.ip.as_ref()?;
    if ip.held || ip.fragment == crate::dissect::Fragment::Later {
        return None;
    }
    let dst = ip.dst?;
    let proto_nr = ip.proto?;
    if proto_nr == IPV6_NO_NEXT_HEADER {
        // Nothing after the IPv6 header (a Teredo bubble): Zeek makes no connection of it.
        return None;
    }
    let mut t = Tuple {
        src: ip.src,
        dst,
        sport: 0,
        dport: 0,
        proto: proto_nr,
        one_way: false,
    };
    match proto_nr {
        proto::TCP | proto::UDP => {
            t.sport = p.src_port?;
            t.dport = p.dst_port?;
            if proto_nr == proto::TCP
                && !p
                    .tcp
                    .is_some_and(|tcp| tcp.complete && tcp.header_len >= 20)
            {
                return None;
            }
        }
        proto::ICMP | proto::ICMPV6 => {
            let icmp = p.icmp.as_ref()?;
            let code = icmp.code?;
            let (counter, one_way) = if proto_nr == proto::ICMP {
                icmp4_counterpart(icmp.icmp_type, code)
            } else {
                icmp6_counterpart(icmp.icmp_type, code)
            };
            t.sport = u16::from(icmp.icmp_type);
            t.dport = u16::from(counter);
            t.one_way = one_way;
        }
        _ => {}
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn both_directions_share_a_key() {
        let a = Tuple {
            src: ip("10.0.0.2"),
            dst: ip("10.0.0.1"),
            sport: 40000,
            dport: 80,
            proto: 6,
            one_way: false,
        };
        let b = Tuple {
            src: a.dst,
            dst: a.src,
            sport: a.dport,
            dport: a.sport,
            ..a
        };
        let (ka, sa) = a.key();
        let (kb, sb) = b.key();
        assert_eq!(ka, kb);
        assert_ne!(sa, sb);
    }

    #[test]
    fn one_way_icmp_is_not_folded() {
        let a = Tuple {
            src: ip("10.0.0.2"),
            dst: ip("10.0.0.1"),
            sport: 3,
            dport: 3,
            proto: 1,
            one_way: true,
        };
        let b = Tuple {
            src: a.dst,
            dst: a.src,
            ..a
        };
        assert_ne!(a.key().0, b.key().0);
        assert_eq!(icmp4_counterpart(8, 0), (0, false));
        assert_eq!(icmp4_counterpart(3, 3), (3, true));
    }
}
