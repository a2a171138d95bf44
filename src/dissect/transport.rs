//! Transport headers: TCP, UDP, ICMP and ICMPv6 read field by field (a header cut by the
//! snap length still gives the fields its bytes hold), ports of SCTP, DCCP and UDP-Lite.

use super::ip::{TransportBytes, quoted_ip};
use super::packet::{
    DecodeError, Fragment, IcmpInfo, Packet, QuotedPacket, TcpInfo, UdpHint, tcp_flag,
};

/// IP protocol numbers pcapq decodes.
pub mod proto {
    /// ICMP
    pub const ICMP: u8 = 1;
    /// TCP
    pub const TCP: u8 = 6;
    /// UDP
    pub const UDP: u8 = 17;
    /// DCCP
    pub const DCCP: u8 = 33;
    /// ICMPv6
    pub const ICMPV6: u8 = 58;
    /// SCTP
    pub const SCTP: u8 = 132;
    /// UDP-Lite
    pub const UDPLITE: u8 = 136;
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Decodes the transport header into `packet` and returns the captured TCP or UDP
/// payload (empty for other transports and for later fragments).
pub fn transport<'a>(t: TransportBytes<'a>, packet: &mut Packet) -> &'a [u8] {
    if t.fragment == Fragment::Later {
        packet.payload_len = Some(t.wire_len);
        return &[];
    }
    match t.proto {
        proto::TCP => return tcp(&t, packet),
        proto::UDP | proto::UDPLITE => return udp(&t, packet),
        proto::ICMP | proto::ICMPV6 => icmp(&t, packet),
        proto::SCTP | proto::DCCP => {
            ports(t.bytes, packet);
            packet.payload_len = Some(t.wire_len);
        }
        _ => packet.payload_len = Some(t.wire_len),
    }
    &[]
}

/// The first `payload` bytes of `b` from `start`, as far as they were captured.
fn captured_payload(b: &[u8], start: usize, payload: u32) -> &[u8] {
    let rest = b.get(start..).unwrap_or(&[]);
    rest.get(..payload as usize).unwrap_or(rest)
}

fn ports(b: &[u8], packet: &mut Packet) {
    if let (Some(s), Some(d)) = (be16(b, 0), be16(b, 2)) {
        packet.src_port = Some(s);
        packet.dst_port = Some(d);
    }
}

fn tcp<'a>(t: &TransportBytes<'a>, packet: &mut Packet) -> &'a [u8] {
    let b = t.bytes;
    ports(b, packet);
    if b.len() < 20 {
        packet.error.get_or_insert(DecodeError::Truncated {
            layer: "TCP",
            have: b.len(),
            need: 20,
        });
    }
    let Some(flag_bytes) = be16(b, 12) else {
        return &[];
    };
    let data_offset = (flag_bytes >> 12) as u8;
    let flags = flag_bytes & 0x0fff;
    let header_len = if data_offset < 5 {
        packet
            .error
            .get_or_insert(DecodeError::BadTcpHeaderLength(data_offset));
        20
    } else {
        usize::from(data_offset) * 4
    };
    let mut info = TcpInfo {
        flags,
        seq: be32(b, 4).unwrap_or(0),
        ack: be32(b, 8).unwrap_or(0),
        window: be16(b, 14).unwrap_or(0),
        header_len: header_len as u8,
        complete: b.len() >= 20,
        ..TcpInfo::default()
    };
    if flags & tcp_flag::SYN != 0 {
        let options = b.get(20..header_len.min(b.len())).unwrap_or(&[]);
        read_syn_options(options, &mut info);
    }
    packet.tcp = Some(info);
    if packet.src_port == Some(53) {
        // DNS over TCP: a two-byte length, then the message.
        packet.dns_rcode = b
            .get(header_len..)
            .and_then(|m| dns_response_code(m.get(2..)?));
    }
    let payload = t.wire_len.saturating_sub(header_len as u32);
    packet.payload_len = Some(payload);
    let captured = captured_payload(b, header_len, payload);
    packet.payload_captured = captured.len() as u32;
    captured
}

/// Reads MSS, window scale and SACK-permitted from a SYN's options.
fn read_syn_options(mut opts: &[u8], info: &mut TcpInfo) {
    while let Some(&kind) = opts.first() {
        match kind {
            0 => break,
            1 => opts = &opts[1..],
            _ => {
                let Some(&len) = opts.get(1) else { break };
                let len = usize::from(len);
                if len < 2 || len > opts.len() {
                    break;
                }
                let body = &opts[2..len];
                match (kind, body.len()) {
                    (2, 2) => info.mss = be16(body, 0),
                    (3, 1) => info.window_scale = Some(body[0]),
                    (4, 0) => info.sack_permitted = true,
                    _ => {}
                }
                opts = &opts[len..];
            }
        }
    }
}

/// UDP ports Zeek attaches its DNS analyzer to, by the responder's port (`DNS::ports`:
/// DNS, NetBIOS name service, mDNS, LLMNR).
pub const DNS_UDP_PORTS: [u16; 4] = [53, 137, 5353, 5355];

/// Port Zeek attaches its NTP analyzer to.
pub const NTP_PORT: u16 = 123;

fn udp<'a>(t: &TransportBytes<'a>, packet: &mut Packet) -> &'a [u8] {
    let b = t.bytes;
    ports(b, packet);
    if b.len() < 8 {
        packet.error.get_or_insert(DecodeError::Truncated {
            layer: "UDP",
            have: b.len(),
            need: 8,
        });
    }
    if packet.src_port == Some(53) {
        packet.dns_rcode = b.get(8..).and_then(dns_response_code);
    }
    let on_dns_port = |p: Option<u16>| p.is_some_and(|p| DNS_UDP_PORTS.contains(&p));
    if on_dns_port(packet.src_port) || on_dns_port(packet.dst_port) {
        packet.udp_hint = b
            .get(8..)
            .filter(|m| m.len() >= 12)
            .and_then(|m| be16(m, 2))
            .map(UdpHint::DnsFlags);
    } else if packet.src_port == Some(NTP_PORT) || packet.dst_port == Some(NTP_PORT) {
        packet.udp_hint = b
            .get(8..)
            .filter(|m| m.len() >= 48)
            .map(|m| m[0] & 0x07)
            .filter(|mode| matches!(mode, 3 | 4))
            .map(UdpHint::NtpMode);
    }
    let udp_len = be16(b, 4).map(u32::from);
    let payload = match udp_len {
        // The UDP length is the datagram's own measure; trust it unless it is impossible.
        Some(l) if l >= 8 && (l <= t.wire_len || t.fragment == Fragment::First) => l - 8,
        _ => t.wire_len.saturating_sub(8),
    };
    packet.payload_len = Some(payload);
    if t.fragment == Fragment::First {
        // The rest of the datagram is in later fragments: no whole payload to hand on.
        return &[];
    }
    let captured = captured_payload(b, 8, payload);
    packet.payload_captured = captured.len() as u32;
    captured
}

/// The RCODE of a DNS message, if it is a response (QR set) with its header captured.
fn dns_response_code(msg: &[u8]) -> Option<u8> {
    let flags = msg.get(2..4)?;
    (msg.len() >= 12 && flags[0] & 0x80 != 0).then_some(flags[1] & 0x0f)
}

fn icmp(t: &TransportBytes<'_>, packet: &mut Packet) {
    let b = t.bytes;
    let Some(&icmp_type) = b.first() else {
        let layer = if t.proto == proto::ICMP {
            "ICMP"
        } else {
            "ICMPv6"
        };
        packet.error.get_or_insert(DecodeError::Truncated {
            layer,
            have: 0,
            need: 4,
        });
        return;
    };
    let v6 = t.proto == proto::ICMPV6;
    let is_echo = if v6 {
        matches!(icmp_type, 128 | 129)
    } else {
        matches!(icmp_type, 0 | 8 | 13 | 14 | 15 | 16)
    };
    let is_error = if v6 {
        matches!(icmp_type, 1..=4)
    } else {
        matches!(icmp_type, 3 | 4 | 5 | 11 | 12)
    };
    let quoted = if is_error {
        b.get(8..)
            .and_then(quoted_ip)
            .map(|(src, dst, proto, rest)| {
                let carries_ports = matches!(
                    proto,
                    proto::TCP | proto::UDP | proto::SCTP | proto::DCCP | proto::UDPLITE
                );
                QuotedPacket {
                    src,
                    dst,
                    proto,
                    src_port: if carries_ports { be16(rest, 0) } else { None },
                    dst_port: if carries_ports { be16(rest, 2) } else { None },
                }
            })
    } else {
        None
    };
    packet.icmp = Some(IcmpInfo {
        icmp_type,
        code: b.get(1).copied(),
        echo_id: if is_echo { be16(b, 4) } else { None },
        quoted,
    });
    packet.payload_len = Some(t.wire_len.saturating_sub(8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_syn_options() {
        let mut info = TcpInfo::default();
        read_syn_options(&[2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 0], &mut info);
        assert_eq!(info.mss, Some(1460));
        assert_eq!(info.window_scale, Some(7));
        assert!(info.sack_permitted);
    }

    #[test]
    fn survives_lying_option_lengths() {
        let mut info = TcpInfo::default();
        read_syn_options(&[3, 200, 1], &mut info);
        read_syn_options(&[3, 0], &mut info);
        read_syn_options(&[2], &mut info);
        assert_eq!(info.window_scale, None);
    }
}
