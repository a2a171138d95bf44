//! Community ID v1 (<https://github.com/corelight/community-id-spec>): a SHA-1 of the
//! seed, the ordered endpoint pair, the protocol and the ports, base64-encoded.

use std::fmt::Write;
use std::net::IpAddr;

use base64::Engine;
use sha1::{Digest, Sha1};

use super::inline_text::InlineText;
use super::key::{icmp4_counterpart, icmp6_counterpart};

/// A Community ID v1: `1:` and the 28 base64 characters of a SHA-1.
pub type CommunityId = InlineText<30>;

/// An address's bytes, in a buffer big enough for IPv6, and how many are used.
fn addr_bytes(ip: &IpAddr) -> ([u8; 16], usize) {
    let mut bytes = [0u8; 16];
    match ip {
        IpAddr::V4(v4) => {
            bytes[..4].copy_from_slice(&v4.octets());
            (bytes, 4)
        }
        IpAddr::V6(v6) => (v6.octets(), 16),
    }
}

/// Community ID v1 of a flow seen from its originator (`orig`, `orig_port`) to its
/// responder. For ICMP the ports are the type and code of a packet from the originator.
/// Protocols without ports (other than TCP, UDP, SCTP, ICMP) hash without them.
pub fn community_id_v1(
    seed: u16,
    orig: IpAddr,
    resp: IpAddr,
    proto: u8,
    orig_port: u16,
    resp_port: u16,
) -> CommunityId {
    let (mut sport, mut dport, has_ports) = match proto {
        6 | 17 | 132 => (orig_port, resp_port, true),
        1 | 58 => (orig_port, resp_port, true),
        _ => (0, 0, false),
    };
    let mut one_way = false;
    if proto == 1 || proto == 58 {
        // orig_port holds the type, resp_port the code of the originator's message.
        let (ty, code) = (orig_port as u8, resp_port as u8);
        let (counter, ow) = if proto == 1 {
            icmp4_counterpart(ty, code)
        } else {
            icmp6_counterpart(ty, code)
        };
        sport = u16::from(ty);
        dport = u16::from(counter);
        one_way = ow;
    }
    let ((a, a_len), (b, b_len)) = (addr_bytes(&orig), addr_bytes(&resp));
    let (a, b) = (&a[..a_len], &b[..b_len]);
    let ordered = one_way || (a, sport) < (b, dport);
    let (src, dst, sp, dp) = if ordered {
        (a, b, sport, dport)
    } else {
        (b, a, dport, sport)
    };
    let mut h = Sha1::new();
    h.update(seed.to_be_bytes());
    h.update(src);
    h.update(dst);
    h.update([proto, 0]);
    if has_ports {
        h.update(sp.to_be_bytes());
        h.update(dp.to_be_bytes());
    }
    let mut encoded = [0u8; 28];
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(h.finalize(), &mut encoded)
        .unwrap_or(0);
    let mut id = CommunityId::new();
    // 20 bytes encode to exactly 28 characters: "1:" and they fit.
    let _ = id.write_str("1:");
    let _ = id.write_str(std::str::from_utf8(&encoded[..written]).unwrap_or_default());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_specification_examples() {
        // From the Community ID specification's baseline (tcp, seed 0).
        let id = community_id_v1(
            0,
            "128.232.110.120".parse().unwrap(),
            "66.35.250.204".parse().unwrap(),
            6,
            34855,
            80,
        );
        assert_eq!(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
        // ICMP echo request 8/0 (Zeek's baseline for communityid/icmp.pcap).
        let id = community_id_v1(
            0,
            "192.168.0.89".parse().unwrap(),
            "192.168.0.1".parse().unwrap(),
            1,
            8,
            0,
        );
        assert_eq!(id, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
    }
}
