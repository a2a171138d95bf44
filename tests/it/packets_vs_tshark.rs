//! Per-frame fields of `packets` against tshark's field export of every shared capture
//! (`X.tshark-packets.tsv`, tshark 4.0). Exact equality, except for the rules listed in
//! `exception`, each with the reason pcapq deliberately differs.

use std::collections::HashMap;

use crate::support::{convert, read_tsv, shared_with, sibling};

/// IPv6 extension headers: tshark's `ipv6.nxt` names the first of them, pcapq's
/// `ip_proto` the transport header the chain leads to.
const IPV6_EXTENSIONS: [&str; 8] = ["0", "43", "44", "50", "51", "60", "135", "139"];

fn flags_hex(v: &str) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format!("0x{:04x}", v.parse::<u16>().unwrap())
    }
}

fn bool_flag(v: &str) -> &'static str {
    if v == "true" { "1" } else { "" }
}

/// Link layers whose protocol field is an EtherType that tshark names after the link layer
/// (no `eth.type`), and pcapq stores as `eth_type`.
fn ether_type_named_otherwise(link: &str) -> Option<&'static str> {
    match link {
        "linux-sll" | "linux-sll2" => {
            Some("tshark names the Linux cooked protocol sll.etype, pcapq stores it as eth_type")
        }
        "chdlc" => {
            Some("tshark names the Cisco HDLC protocol chdlc.protocol, pcapq stores it as eth_type")
        }
        "ieee-802-11" | "ieee-802-11-radiotap" => {
            Some("tshark names the 802.11 LLC/SNAP type llc.type, pcapq stores it as eth_type")
        }
        _ => None,
    }
}

/// Why a field of a frame may differ from tshark, or None when it must be equal.
fn exception(
    field: &str,
    t: &HashMap<String, String>,
    ours: &HashMap<String, String>,
    link: &str,
) -> Option<&'static str> {
    let icmp = !t["icmp.type"].is_empty() || !t["icmpv6.type"].is_empty();
    let fragment =
        ours["fragment"] == "first" || ours["fragment"] == "later" || t["ipv6.nxt"] == "44";
    match field {
        "eth_type" if t["eth.type"].is_empty() => ether_type_named_otherwise(link),
        "ip_proto" if IPV6_EXTENSIONS.contains(&t["ipv6.nxt"].as_str()) => {
            Some("ipv6.nxt is the first extension header; ip_proto is where the chain ends")
        }
        "ip_proto" if t["ip.version"] == "6" && t["eth.type"] == "0x0800" => Some(
            "tshark shows an IPv6 next header inside a frame announced as IPv4; pcapq stops at the bogus version",
        ),
        "src_port" | "dst_port" if !matches!(ours["ip_proto"].as_str(), "6" | "17") && !icmp => {
            Some(
                "the tshark export has TCP and UDP ports only; pcapq also fills SCTP and DCCP ports",
            )
        }
        "src_port" | "dst_port" if icmp => {
            Some("tshark's first port occurrence is the packet quoted inside the ICMP error")
        }
        "src_port" | "dst_port" if fragment => Some(
            "a first fragment shows its own ports in pcapq; tshark shows them only on the frame that completes reassembly (as pcapq also does)",
        ),
        "icmp_type" | "icmp_code" if t["_ws.malformed"].contains("ICMPv6") => Some(
            "IPv6 payload length 0: tshark treats the bytes as a trailer; pcapq, like Zeek, decodes them",
        ),
        "ip_version" if link == "linktype-106" => {
            Some("pcapq does not decode LINUX_ATM_CLIP (106): decode_error says so")
        }
        _ => None,
    }
}

#[test]
fn every_frame_matches_tshark() {
    let captures = shared_with(".tshark-packets.tsv");
    let mut compared = 0;
    let mut excused: HashMap<&str, usize> = HashMap::new();
    let mut failures = Vec::new();
    for cap in &captures {
        let compared_before = compared;
        let expected = read_tsv(&sibling(cap, ".tshark-packets.tsv"));
        let out = convert(&[cap]);
        let link = out.captures.col("link_types")[0].clone();
        let cols = [
            "frame",
            "ts",
            "wire_len",
            "caplen",
            "eth_type",
            "vlan",
            "ip_version",
            "src_ip",
            "dst_ip",
            "ip_proto",
            "ttl",
            "ip_len",
            "fragment",
            "src_port",
            "dst_port",
            "tcp_flags",
            "tcp_seq",
            "tcp_ack",
            "tcp_window",
            "payload_len",
            "icmp_type",
            "icmp_code",
            "tcp_retransmission",
            "tcp_dup_ack",
            "tcp_zero_window",
        ];
        let ours = out.packets.rows(&cols);
        let ts_ns = out.packets.ints("ts");
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(ours.len(), expected.len(), "{name}: frame count");
        for ((t, o), ts) in expected.iter().zip(&ours).zip(&ts_ns) {
            let frame = &t["frame.number"];
            let tcp = !t["tcp.flags"].is_empty();
            let v6 = t["ip.version"] == "6";
            let mut pairs: Vec<(&str, String, String)> = vec![
                ("frame", o["frame"].clone(), frame.clone()),
                ("wire_len", o["wire_len"].clone(), t["frame.len"].clone()),
                ("caplen", o["caplen"].clone(), t["frame.cap_len"].clone()),
                (
                    "eth_type",
                    o["eth_type"]
                        .parse::<u16>()
                        .map(|v| format!("0x{v:04x}"))
                        .unwrap_or_default(),
                    t["eth.type"].clone(),
                ),
                ("vlan", o["vlan"].clone(), t["vlan.id"].clone()),
                (
                    "ip_version",
                    o["ip_version"].clone(),
                    t["ip.version"].clone(),
                ),
                (
                    "src_ip",
                    o["src_ip"].clone(),
                    if v6 {
                        t["ipv6.src"].clone()
                    } else {
                        t["ip.src"].clone()
                    },
                ),
                (
                    "dst_ip",
                    o["dst_ip"].clone(),
                    if v6 {
                        t["ipv6.dst"].clone()
                    } else {
                        t["ip.dst"].clone()
                    },
                ),
                (
                    "ip_proto",
                    o["ip_proto"].clone(),
                    if v6 {
                        t["ipv6.nxt"].clone()
                    } else {
                        t["ip.proto"].clone()
                    },
                ),
                (
                    "src_port",
                    o["src_port"].clone(),
                    format!("{}{}", t["tcp.srcport"], t["udp.srcport"]),
                ),
                (
                    "dst_port",
                    o["dst_port"].clone(),
                    format!("{}{}", t["tcp.dstport"], t["udp.dstport"]),
                ),
                (
                    "tcp_flags",
                    flags_hex(&o["tcp_flags"]),
                    t["tcp.flags"].clone(),
                ),
                ("tcp_seq", o["tcp_seq"].clone(), t["tcp.seq_raw"].clone()),
                ("tcp_ack", o["tcp_ack"].clone(), t["tcp.ack_raw"].clone()),
                (
                    "tcp_window",
                    o["tcp_window"].clone(),
                    t["tcp.window_size_value"].clone(),
                ),
                (
                    "icmp_type",
                    o["icmp_type"].clone(),
                    format!("{}{}", t["icmp.type"], t["icmpv6.type"]),
                ),
                (
                    "icmp_code",
                    o["icmp_code"].clone(),
                    format!("{}{}", t["icmp.code"], t["icmpv6.code"]),
                ),
                (
                    "tcp_retransmission",
                    bool_flag(&o["tcp_retransmission"]).into(),
                    t["tcp.analysis.retransmission"].clone(),
                ),
                (
                    "tcp_dup_ack",
                    bool_flag(&o["tcp_dup_ack"]).into(),
                    t["tcp.analysis.duplicate_ack"].clone(),
                ),
                (
                    "tcp_zero_window",
                    bool_flag(&o["tcp_zero_window"]).into(),
                    t["tcp.analysis.zero_window"].clone(),
                ),
            ];
            // Time to the nanosecond: tshark prints seconds.nanoseconds.
            let (s, ns) = t["frame.time_epoch"].split_once('.').unwrap();
            let expected_ns =
                s.parse::<i128>().unwrap() * 1_000_000_000 + ns.parse::<i128>().unwrap();
            pairs.push((
                "ts",
                ts.map(|v| v.to_string()).unwrap_or_default(),
                expected_ns.to_string(),
            ));
            if !t["ip.ttl"].is_empty() {
                pairs.push(("ttl", o["ttl"].clone(), t["ip.ttl"].clone()));
            }
            if !t["ip.len"].is_empty() {
                pairs.push(("ip_len", o["ip_len"].clone(), t["ip.len"].clone()));
            }
            if tcp {
                pairs.push((
                    "payload_len",
                    o["payload_len"].clone(),
                    t["tcp.len"].clone(),
                ));
            }
            for (field, got, want) in pairs {
                if got == want {
                    compared += 1;
                } else if let Some(why) = exception(field, t, o, &link) {
                    *excused.entry(why).or_default() += 1;
                } else {
                    failures.push(format!(
                        "{name} frame {frame} {field}: pcapq {got:?}, tshark {want:?}"
                    ));
                }
            }
        }
        eprintln!(
            "{name}: {} frames, {} fields equal to tshark's",
            expected.len(),
            compared - compared_before
        );
    }
    for (why, n) in &excused {
        eprintln!("excused {n}×: {why}");
    }
    assert!(
        failures.is_empty(),
        "{} differences from tshark:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared > 1000, "only {compared} fields compared");
    crate::support::record_compared(
        "every_frame_matches_tshark",
        "tshark",
        captures.len(),
        compared,
    );
}
