//! Every link layer pcapq decodes, built around the same IP packets, and one it does not.

use crate::fixture::{PcapOpts, Rec, pcap, udp, write_temp};
use crate::support::convert;

const T0: i64 = 1_650_000_000_000_000_000;

fn ip4() -> Vec<u8> {
    udp("192.0.2.1", 1111, "192.0.2.2", 53, 12)[14..].to_vec()
}

fn ip6() -> Vec<u8> {
    udp("2001:db8::1", 1111, "2001:db8::2", 53, 12)[14..].to_vec()
}

fn eth(ethertype_and_more: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    f.extend_from_slice(ethertype_and_more);
    f.extend_from_slice(payload);
    f
}

/// Converts one frame of `link_type` and returns the decoded row.
fn decode(link_type: u32, frame: Vec<u8>) -> std::collections::HashMap<String, String> {
    let wire_len = frame.len() as u32;
    decode_cut(link_type, frame, wire_len)
}

/// Like [`decode`], for a frame of `wire_len` bytes on the wire (more than captured when
/// a snap length cut it).
fn decode_cut(
    link_type: u32,
    frame: Vec<u8>,
    wire_len: u32,
) -> std::collections::HashMap<String, String> {
    let recs = vec![Rec {
        ts_ns: T0,
        wire_len,
        data: frame,
        interface: 0,
    }];
    let (_d, path) = write_temp(
        "l.pcap",
        &pcap(
            &recs,
            PcapOpts {
                link_type,
                ..PcapOpts::default()
            },
        ),
    );
    let out = convert(&[&path]);
    assert_eq!(out.packets.len(), 1, "every frame keeps its row");
    out.packets
        .rows(&[
            "eth_type",
            "vlan",
            "ip_version",
            "src_ip",
            "dst_ip",
            "dst_port",
            "ip_len",
            "decode_error",
            "flow_id",
        ])
        .remove(0)
}

fn assert_ip4(row: &std::collections::HashMap<String, String>, what: &str) {
    assert_eq!(row["src_ip"], "192.0.2.1", "{what}: {row:?}");
    assert_eq!(row["dst_port"], "53", "{what}: {row:?}");
    assert_eq!(row["decode_error"], "", "{what}: {row:?}");
    assert!(!row["flow_id"].is_empty(), "{what}: a flow");
}

#[test]
fn ethernet_with_vlan_qinq_mpls_and_pppoe() {
    let r = decode(1, eth(&[0x08, 0x00], &ip4()));
    assert_ip4(&r, "Ethernet");
    assert_eq!(r["eth_type"], "2048");

    let r = decode(1, eth(&[0x81, 0x00, 0x00, 100, 0x08, 0x00], &ip4()));
    assert_ip4(&r, "802.1Q");
    assert_eq!(
        (r["vlan"].as_str(), r["eth_type"].as_str()),
        ("100", "33024")
    );

    let r = decode(
        1,
        eth(
            &[0x88, 0xa8, 0x00, 10, 0x81, 0x00, 0x00, 20, 0x08, 0x00],
            &ip4(),
        ),
    );
    assert_ip4(&r, "QinQ");
    assert_eq!(r["vlan"], "10", "outer tag");

    // Two MPLS labels, the second with bottom-of-stack set.
    let r = decode(
        1,
        eth(
            &[0x88, 0x47, 0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40],
            &ip4(),
        ),
    );
    assert_ip4(&r, "MPLS");
    let r = decode(1, eth(&[0x88, 0x47, 0x00, 0x01, 0x01, 0x40], &ip6()));
    assert_eq!(r["src_ip"], "2001:db8::1", "MPLS with IPv6");

    let r = decode(
        1,
        eth(
            &[0x88, 0x64, 0x11, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00, 0x21],
            &ip4(),
        ),
    );
    assert_ip4(&r, "PPPoE");
}

#[test]
fn linux_cooked_v1_and_v2() {
    let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
    sll.extend(ip4());
    assert_ip4(&decode(113, sll), "SLL");
    let mut sll2 = vec![
        0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0,
    ];
    sll2.extend(ip6());
    let r = decode(276, sll2);
    assert_eq!(r["src_ip"], "2001:db8::1", "{r:?}");
    assert_eq!(r["eth_type"], "34525");
}

#[test]
fn raw_ip_link_types() {
    for lt in [12, 14, 101, 228] {
        assert_ip4(&decode(lt, ip4()), &format!("raw {lt}"));
    }
    for lt in [12, 101, 229] {
        assert_eq!(
            decode(lt, ip6())["src_ip"],
            "2001:db8::1",
            "raw {lt} with IPv6"
        );
    }
    // LINKTYPE_IPV6 announces IPv6: an IPv4 packet there is a bogus version.
    let r = decode(229, ip4());
    assert!(r["decode_error"].contains("bogus IP version 4"), "{r:?}");
}

#[test]
fn bsd_loopback_in_either_byte_order() {
    let mut null_le = 2u32.to_le_bytes().to_vec();
    null_le.extend(ip4());
    assert_ip4(&decode(0, null_le), "DLT_NULL little-endian");
    let mut null_be = 2u32.to_be_bytes().to_vec();
    null_be.extend(ip4());
    assert_ip4(&decode(0, null_be), "DLT_NULL big-endian");
    for af6 in [24u32, 28, 30] {
        let mut f = af6.to_le_bytes().to_vec();
        f.extend(ip6());
        assert_eq!(decode(0, f)["src_ip"], "2001:db8::1", "AF_INET6 = {af6}");
    }
    let mut lo = 2u32.to_be_bytes().to_vec();
    lo.extend(ip4());
    assert_ip4(&decode(108, lo), "DLT_LOOP");
}

#[test]
fn an_unsupported_link_type_still_gives_a_row() {
    let r = decode(195, vec![0u8; 40]);
    assert_eq!(r["src_ip"], "");
    assert!(
        r["decode_error"].contains("unsupported link type 195"),
        "{r:?}"
    );
}

type Row = std::collections::HashMap<String, String>;

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A row kept with no network layer and no error.
fn assert_not_ip(row: &Row, what: &str) {
    assert_eq!(row["ip_version"], "", "{what}: {row:?}");
    assert_eq!(row["decode_error"], "", "{what}: {row:?}");
    assert_eq!(row["flow_id"], "", "{what}: no flow");
}

/// A row kept with no network layer and a decode error containing `error`.
fn assert_error(row: &Row, error: &str, what: &str) {
    assert_eq!(row["ip_version"], "", "{what}: {row:?}");
    assert!(row["decode_error"].contains(error), "{what}: {row:?}");
}

#[test]
fn ppp_with_and_without_hdlc_framing() {
    for lt in [9, 50] {
        let r = decode(lt, cat(&[&[0xff, 0x03, 0x00, 0x21], &ip4()]));
        assert_ip4(&r, "PPP in HDLC-like framing");
        assert_eq!(r["eth_type"], "", "a PPP protocol number is no EtherType");
        assert_ip4(
            &decode(lt, cat(&[&[0x00, 0x21], &ip4()])),
            "no address/control",
        );
        assert_ip4(&decode(lt, cat(&[&[0x21], &ip4()])), "compressed protocol");
        let r = decode(lt, cat(&[&[0xff, 0x03, 0x00, 0x57], &ip6()]));
        assert_eq!(r["src_ip"], "2001:db8::1", "PPP IPv6: {r:?}");
        let r = decode(lt, cat(&[&[0xff, 0x03, 0x02, 0x81, 0, 1, 1, 0x40], &ip4()]));
        assert_ip4(&r, "MPLS over PPP");
        // LCP echo request: no IP, no error.
        let lcp = [0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0];
        assert_not_ip(&decode(lt, lcp.to_vec()), "LCP");
        assert_error(
            &decode(lt, vec![0xff, 0x03, 0x00]),
            "PPP header truncated",
            "cut",
        );
        assert_error(&decode(lt, vec![]), "PPP header truncated", "empty");
    }
    // A PPP-in-HDLC link may carry Cisco HDLC frames.
    let r = decode(50, cat(&[&[0x0f, 0x00, 0x08, 0x00], &ip4()]));
    assert_ip4(&r, "Cisco HDLC on a PPP link");
    assert_eq!(r["eth_type"], "2048");
}

#[test]
fn cisco_hdlc() {
    let r = decode(104, cat(&[&[0x0f, 0x00, 0x08, 0x00], &ip4()]));
    assert_ip4(&r, "Cisco HDLC");
    assert_eq!(r["eth_type"], "2048");
    let r = decode(104, cat(&[&[0x8f, 0x00, 0x86, 0xdd], &ip6()]));
    assert_eq!(r["src_ip"], "2001:db8::1", "Cisco HDLC IPv6: {r:?}");
    // SLARP keepalive: its protocol is kept, no IP, no error.
    let slarp = cat(&[&[0x8f, 0x00, 0x80, 0x35], &[0, 0, 0, 2], &[0; 16]]);
    let r = decode(104, slarp);
    assert_not_ip(&r, "SLARP");
    assert_eq!(r["eth_type"], "32821");
    assert_error(
        &decode(104, vec![0x0f, 0x00, 0x08]),
        "Cisco HDLC header truncated",
        "cut",
    );
}
