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

/// An IPv4 packet whose total length field is 0: pcapq then measures it by its captured
/// bytes (`ip_len`), which shows exactly where the link layer ended it (40 bytes here).
fn ip4_unsized() -> Vec<u8> {
    let mut p = ip4();
    p[2] = 0;
    p[3] = 0;
    p
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `frame` with `bytes` written over it at `at`: a header field given a hostile value.
fn patched(mut frame: Vec<u8>, at: usize, bytes: &[u8]) -> Vec<u8> {
    frame[at..at + bytes.len()].copy_from_slice(bytes);
    frame
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

const SNAP_IPV4: [u8; 8] = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
const SNAP_IPV6: [u8; 8] = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd];

/// An 802.11 frame: frame control (`fc`, `flags`), duration, three addresses, sequence
/// control, then `rest` (fourth address, QoS and HT Control, body).
fn wlan(fc: u8, flags: u8, rest: &[u8]) -> Vec<u8> {
    let mut f = vec![fc, flags, 0, 0];
    f.extend([
        2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 3, 0x10, 0,
    ]);
    f.extend_from_slice(rest);
    f
}

/// A data frame to the AP carrying `body`.
fn wlan_data(body: &[u8]) -> Vec<u8> {
    wlan(0x08, 0x01, body)
}

#[test]
fn ieee80211_data_frames() {
    let r = decode(105, wlan_data(&cat(&[&SNAP_IPV4, &ip4()])));
    assert_ip4(&r, "802.11 data");
    assert_eq!(r["eth_type"], "2048", "the SNAP EtherType");
    // QoS data: 2 more header bytes.
    let r = decode(105, wlan(0x88, 0x01, &cat(&[&[0, 0], &SNAP_IPV4, &ip4()])));
    assert_ip4(&r, "QoS data");
    // Four addresses, QoS and HT Control (order bit): 24 + 6 + 2 + 4 bytes of header.
    let rest = cat(&[&[2, 0, 0, 0, 0, 4], &[0, 0], &[0xff; 4], &SNAP_IPV6, &ip6()]);
    let r = decode(105, wlan(0x88, 0x83, &rest));
    assert_eq!(r["src_ip"], "2001:db8::1", "4-address QoS+HTC: {r:?}");
    assert_eq!(r["eth_type"], "34525");
    // The order bit on non-QoS data means strict ordering, not an HT Control field.
    assert_ip4(
        &decode(105, wlan(0x08, 0x81, &cat(&[&SNAP_IPV4, &ip4()]))),
        "non-QoS data with the order bit",
    );
    // 802.1H bridge-tunnel OUI.
    let snap_f8 = [0xaa, 0xaa, 0x03, 0, 0, 0xf8, 0x08, 0x00];
    assert_ip4(
        &decode(105, wlan_data(&cat(&[&snap_f8, &ip4()]))),
        "OUI 00-00-F8",
    );
}

#[test]
fn ieee80211_frames_without_ip() {
    // Protected: the body is encrypted, as tshark shows it only as data.
    let r = decode(
        105,
        wlan(0x08, 0x41, &cat(&[&[1, 2, 3, 4, 0x20, 0, 0, 0], &ip4()])),
    );
    assert_not_ip(&r, "protected frame");
    // Control (ACK, 10 bytes) and management (beacon) frames.
    assert_not_ip(&decode(105, vec![0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 1]), "ACK");
    assert_not_ip(&decode(105, wlan(0x80, 0, &[0; 12])), "beacon");
    assert_not_ip(&decode(105, vec![0x80, 0, 0, 0]), "management cut short");
    // Null function: a data frame without body.
    assert_not_ip(&decode(105, wlan(0x48, 0x01, &[])), "null data");
    // Other LLC (spanning tree) and an A-MSDU (not followed).
    assert_not_ip(&decode(105, wlan_data(&[0x42, 0x42, 0x03, 0, 0, 0])), "STP");
    let amsdu = cat(&[
        &[0x80, 0],
        &[2, 0, 0, 0, 0, 9],
        &[2, 0, 0, 0, 0, 8],
        &[0, 48],
    ]);
    assert_not_ip(&decode(105, wlan(0x88, 0x01, &amsdu)), "A-MSDU");
    // Protocol version 1 is not the 802.11 header pcapq knows.
    assert_not_ip(&decode(105, wlan(0x09, 0x01, &SNAP_IPV4)), "version 1");
}

#[test]
fn ieee80211_cut_short() {
    let r = decode(105, wlan(0x88, 0x01, &[0]));
    assert_error(&r, "802.11 header truncated: 25 of 26 bytes", "QoS data");
    let r = decode(105, wlan(0x88, 0x83, &[0; 10]));
    assert_error(
        &r,
        "802.11 header truncated: 34 of 36 bytes",
        "4-address QoS+HTC",
    );
    assert_error(
        &decode(105, vec![0x08]),
        "802.11 header truncated: 1 of 2",
        "one byte",
    );
    let r = decode(105, wlan_data(&[0xaa, 0xaa, 0x03, 0]));
    assert_error(&r, "LLC/SNAP header truncated: 4 of 8 bytes", "SNAP");
}

/// A radiotap header with the given present bitmaps and field bytes, then `frame`.
fn radiotap(present: &[u32], fields: &[u8], frame: &[u8]) -> Vec<u8> {
    let len = (4 + 4 * present.len() + fields.len()) as u16;
    let mut f = vec![0, 0];
    f.extend(len.to_le_bytes());
    for w in present {
        f.extend(w.to_le_bytes());
    }
    f.extend_from_slice(fields);
    f.extend_from_slice(frame);
    f
}

/// Radiotap TSFT (bit 0) and Flags (bit 1) fields after one present bitmap.
fn tsft_and_flags(flags: u8) -> Vec<u8> {
    cat(&[&[7; 8], &[flags]])
}

#[test]
fn radiotap_then_80211() {
    let frame = wlan_data(&cat(&[&SNAP_IPV4, &ip4_unsized()]));
    let r = decode(127, radiotap(&[0], &[], &frame));
    assert_ip4(&r, "radiotap without fields");
    assert_eq!(r["ip_len"], "40");
    // Flags say FCS: its 4 bytes are not part of the IP packet.
    let r = decode(
        127,
        radiotap(&[0x3], &tsft_and_flags(0x10), &cat(&[&frame, &[9; 4]])),
    );
    assert_ip4(&r, "radiotap with FCS");
    assert_eq!(r["ip_len"], "40", "the FCS is stripped");
    // Without the FCS flag, the last bytes are the packet's.
    let r = decode(
        127,
        radiotap(&[0x3], &tsft_and_flags(0), &cat(&[&frame, &[9; 4]])),
    );
    assert_eq!(r["ip_len"], "44", "no FCS flag: {r:?}");
    // A null body followed by an FCS that looks like the start of LLC/SNAP.
    let null_fcs = cat(&[&wlan_data(&[]), &[0xaa, 0xaa, 0x03, 0]]);
    let r = decode(127, radiotap(&[0x3], &tsft_and_flags(0x10), &null_fcs));
    assert_not_ip(&r, "empty body and FCS");
    // Snap length cut before the FCS: every captured byte is the frame's.
    let cut = radiotap(&[0x3], &tsft_and_flags(0x10), &frame[..frame.len() - 6]);
    let wire = (cut.len() + 6 + 4) as u32;
    let r = decode_cut(127, cut, wire);
    assert_eq!(r["ip_len"], "34", "cut by the snap length: {r:?}");
    // Two present bitmaps: TSFT aligns to 8 bytes after them (4 bytes of padding).
    let fields = cat(&[&[0; 4], &tsft_and_flags(0x10)]);
    let r = decode(
        127,
        radiotap(&[0x8000_0003, 0], &fields, &cat(&[&frame, &[9; 4]])),
    );
    assert_eq!(r["ip_len"], "40", "extended bitmap: {r:?}");
    // Flags without TSFT, and a padded QoS header (26 bytes padded to 28).
    let padded = wlan(0x88, 0x01, &cat(&[&[0, 0, 0, 0], &SNAP_IPV4, &ip4()]));
    assert_ip4(&decode(127, radiotap(&[0x2], &[0x20], &padded)), "datapad");
}

#[test]
fn radiotap_hostile_lengths() {
    let frame = wlan_data(&cat(&[&SNAP_IPV4, &ip4()]));
    let long = patched(radiotap(&[0], &[], &frame), 2, &0xfff0u16.to_le_bytes());
    assert_error(
        &decode(127, long),
        "radiotap header truncated",
        "length past the frame",
    );
    let short = patched(radiotap(&[0], &[], &frame), 2, &4u16.to_le_bytes());
    assert_error(
        &decode(127, short),
        "bogus radiotap length 4",
        "length below 8",
    );
    // As tshark does, a header of another version, or whose bitmaps or fields run past
    // its length, is skipped by its length (no FCS assumed).
    let v1 = patched(radiotap(&[0], &[], &frame), 0, &[1]);
    assert_ip4(&decode(127, v1), "version 1");
    let chain = radiotap(&[0x8000_0000, 0x8000_0000], &[], &frame);
    assert_ip4(&decode(127, chain), "bitmaps past the header");
    let r = decode(127, radiotap(&[0x3], &[0; 8], &frame));
    assert_ip4(&r, "Flags past the header");
    assert_error(
        &decode(127, vec![0, 0, 8]),
        "radiotap header truncated: 3 of 8",
        "cut",
    );
}

/// A PPI header with the given fields, for a frame of `dlt`.
fn ppi(dlt: u32, fields: &[u8], frame: &[u8]) -> Vec<u8> {
    let len = (8 + fields.len()) as u16;
    let mut f = vec![0, 0];
    f.extend(len.to_le_bytes());
    f.extend(dlt.to_le_bytes());
    f.extend_from_slice(fields);
    f.extend_from_slice(frame);
    f
}

/// PPI 802.11-Common field (type 2, 20 bytes) with the given flags.
fn ppi_common(flags: u16) -> Vec<u8> {
    let mut f = vec![2, 0, 20, 0];
    f.extend([0; 8]);
    f.extend(flags.to_le_bytes());
    f.extend([0; 10]);
    f
}

#[test]
fn ppi_then_80211_or_ethernet() {
    let frame = wlan_data(&cat(&[&SNAP_IPV4, &ip4_unsized()]));
    let r = decode(192, ppi(105, &[], &frame));
    assert_ip4(&r, "PPI 802.11");
    assert_eq!(
        (r["ip_len"].as_str(), r["eth_type"].as_str()),
        ("40", "2048")
    );
    let with_fcs = cat(&[&frame, &[9; 4]]);
    let r = decode(192, ppi(105, &ppi_common(0x0001), &with_fcs));
    assert_eq!(r["ip_len"], "40", "802.11-Common says FCS: {r:?}");
    let r = decode(192, ppi(105, &ppi_common(0), &with_fcs));
    assert_eq!(r["ip_len"], "44", "no FCS flag: {r:?}");
    // An unknown field is skipped.
    let fields = cat(&[&[0x99, 0x88, 3, 0, 1, 2, 3], &ppi_common(1)]);
    assert_eq!(decode(192, ppi(105, &fields, &with_fcs))["ip_len"], "40");
    let r = decode(192, ppi(1, &[], &eth(&[0x08, 0x00], &ip4())));
    assert_ip4(&r, "PPI Ethernet");
}

#[test]
fn ppi_hostile_lengths() {
    let frame = wlan_data(&cat(&[&SNAP_IPV4, &ip4()]));
    let zero = patched(ppi(105, &[], &frame), 2, &0u16.to_le_bytes());
    assert_error(&decode(192, zero), "bogus PPI length 0", "length 0");
    let huge = patched(ppi(105, &[], &frame), 2, &0xffffu16.to_le_bytes());
    assert_error(
        &decode(192, huge),
        "PPI header truncated",
        "length past the frame",
    );
    let field_past = cat(&[&[2, 0, 200, 0], &[0; 20]]);
    let r = decode(192, ppi(105, &field_past, &frame));
    assert_error(&r, "bogus PPI length 32", "a field past the header");
    let nested = ppi(192, &[], &ppi(105, &[], &frame));
    assert_error(&decode(192, nested), "bogus PPI DLT 192", "PPI in PPI");
    let v2 = patched(ppi(105, &[], &frame), 0, &[2]);
    assert_error(&decode(192, v2), "bogus PPI version 2", "version");
    assert_error(
        &decode(192, vec![0, 0, 8, 0, 105]),
        "PPI header truncated: 5 of 8",
        "cut",
    );
}

/// An NFLOG frame: family, version 0, resource id, then TLVs of (type, value), each
/// padded to 4 bytes, lengths and types in little- or big-endian order.
fn nflog(family: u8, tlvs: &[(u16, &[u8])], big_endian: bool) -> Vec<u8> {
    let mut f = vec![family, 0, 0, 1];
    for (t, v) in tlvs {
        let len = (4 + v.len()) as u16;
        let (len, t) = if big_endian {
            (len.to_be_bytes(), t.to_be_bytes())
        } else {
            (len.to_le_bytes(), t.to_le_bytes())
        };
        f.extend(len);
        f.extend(t);
        f.extend_from_slice(v);
        f.resize(f.len().next_multiple_of(4), 0);
    }
    f
}

/// NFULA_PACKET_HDR (type 1): hardware protocol 0x0800, hook 1.
const NF_PACKET_HDR: (u16, &[u8]) = (1, &[0x08, 0x00, 0x01, 0x00]);
/// NFULA_PREFIX (type 10), 5 bytes: padding follows.
const NF_PREFIX: (u16, &[u8]) = (10, b"drop\0");

#[test]
fn nflog_payload_tlv() {
    let ip = ip4();
    let r = decode(239, nflog(2, &[NF_PACKET_HDR, NF_PREFIX, (9, &ip)], false));
    assert_ip4(&r, "NFLOG");
    assert_eq!(r["eth_type"], "", "an address family is no EtherType");
    let r = decode(239, nflog(2, &[NF_PACKET_HDR, (9, &ip)], true));
    assert_ip4(&r, "NFLOG with big-endian TLVs");
    let ip = ip6();
    let r = decode(239, nflog(10, &[NF_PACKET_HDR, (9, &ip)], false));
    assert_eq!(r["src_ip"], "2001:db8::1", "AF_INET6: {r:?}");
    // The nested flag in a type's top bit is not part of it.
    let ip = ip4_unsized();
    let r = decode(239, nflog(2, &[(0x8009, &ip)], false));
    assert_eq!(r["ip_len"], "40", "{r:?}");
    // Without a payload TLV, or of another family: no IP, no error.
    assert_not_ip(
        &decode(239, nflog(2, &[NF_PACKET_HDR, NF_PREFIX], false)),
        "no payload",
    );
    assert_not_ip(&decode(239, nflog(7, &[(9, &ip)], false)), "family 7");
    // A payload cut by the snap length decodes as far as it goes.
    let full = nflog(2, &[NF_PACKET_HDR, (9, &ip4())], false);
    let r = decode_cut(239, full[..full.len() - 10].to_vec(), full.len() as u32);
    assert_eq!(r["src_ip"], "192.0.2.1", "snap length cut: {r:?}");
}

#[test]
fn nflog_hostile_lengths() {
    let ip = ip4();
    let frame = nflog(2, &[NF_PACKET_HDR, (9, &ip)], false);
    // The payload TLV's length (little-endian, at byte 12): 0, then past the frame.
    for (len, error) in [
        (0u16, "bogus NFLOG TLV length 0"),
        (0x4000, "NFLOG TLV header truncated: 44 of 16384 bytes"),
    ] {
        let r = decode(239, patched(frame.clone(), 12, &len.to_le_bytes()));
        assert_error(&r, error, "payload TLV length");
    }
    // Neither byte order reads sensibly: tshark then takes big-endian.
    let three = patched(nflog(2, &[NF_PACKET_HDR], true), 4, &3u16.to_be_bytes());
    assert_error(
        &decode(239, three),
        "bogus NFLOG TLV length 3",
        "TLV length 3",
    );
    assert_error(
        &decode(239, vec![2, 0, 0]),
        "NFLOG header truncated: 3 of 4",
        "cut",
    );
}
