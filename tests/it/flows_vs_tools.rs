//! `flows` against Zeek (conn.log baselines and Community IDs), tshark's conversation
//! tables, and tcptrace, on every shared capture that has their output.

use std::collections::HashMap;

use crate::support::{Output, convert, shared_with, sibling, zeek_log};

/// Captures whose Zeek baseline was made without `-C`: Zeek dropped their packets for bad
/// checksums (history `C`/`c`, zero packets). pcapq, like tshark by default, does not
/// verify checksums, because checksum offloading makes a host's own outgoing packets
/// fail: it counts those packets.
const ZEEK_CHECKSUM_DROPS: [&str; 2] = ["tcp-syn-bad.pcap", "dns-dns-corrupt.pcap"];

/// One conn.log record as field → value.
fn flow_rows(out: &Output) -> Vec<HashMap<String, String>> {
    out.flows.rows(&[
        "orig_ip",
        "orig_port",
        "resp_ip",
        "resp_port",
        "proto",
        "ip_proto",
        "duration",
        "orig_bytes",
        "resp_bytes",
        "conn_state",
        "missed_bytes",
        "history",
        "orig_pkts",
        "orig_ip_bytes",
        "resp_pkts",
        "resp_ip_bytes",
        "community_id",
        "orig_wire_bytes",
        "resp_wire_bytes",
        "syn_count",
        "fin_count",
        "rst_count",
        "reset",
        "orig_data_pkts",
        "resp_data_pkts",
        "orig_payload_bytes",
        "resp_payload_bytes",
        "orig_retransmissions",
        "resp_retransmissions",
        "flow_id",
        "tunnel_parents",
    ])
}

/// IP protocols of GRE and IP-in-IP: Zeek writes their tunnels to tunnel.log, not conn.log;
/// pcapq keeps a flow for them (the carrier of the flows inside).
const IP_TUNNEL_PROTOS: [&str; 3] = ["4", "41", "47"];

/// Captures whose tunnel parents Zeek names differently: a GRE tunnel in UDP is one parent
/// per address pair in Zeek (the GRE tunnel), one per UDP flow in pcapq.
const ZEEK_GRE_IN_UDP: [&str; 1] = ["tunnel-gre-over-udp.pcap"];

/// Per (flow_id, from_orig): data segments flagged as retransmissions (tshark's rule)
/// whose bytes no earlier segment of their direction carried.
fn hole_fills(out: &Output) -> HashMap<(String, String), u64> {
    let rows = out.packets.rows(&[
        "flow_id",
        "from_orig",
        "tcp_seq",
        "payload_len",
        "tcp_retransmission",
    ]);
    // Per direction: its first sequence number, and the byte ranges seen after it.
    type Seen = (u32, Vec<(u64, u64)>);
    let mut seen: HashMap<(String, String), Seen> = HashMap::new();
    let mut fills = HashMap::new();
    for r in rows {
        let (Ok(seq), Ok(len)) = (r["tcp_seq"].parse::<u32>(), r["payload_len"].parse::<u64>())
        else {
            continue;
        };
        if len == 0 {
            continue;
        }
        let key = (r["flow_id"].clone(), r["from_orig"].clone());
        let (base, ranges) = seen.entry(key.clone()).or_insert((seq, Vec::new()));
        let start = u64::from(seq.wrapping_sub(*base));
        let end = start + len;
        let covered = ranges.iter().any(|&(s, e)| s < end && start < e);
        if r["tcp_retransmission"] == "true" && !covered {
            *fills.entry(key).or_insert(0) += 1;
        }
        ranges.push((start, end));
    }
    fills
}

#[test]
fn flows_match_zeek_conn_logs() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for cap in shared_with(".zeek-conn.log") {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        if ZEEK_CHECKSUM_DROPS.contains(&name.as_str()) {
            eprintln!(
                "{name}: Zeek dropped its packets for bad checksums; pcapq does not verify them (see ZEEK_CHECKSUM_DROPS)"
            );
            continue;
        }
        let zeek = zeek_log(&sibling(&cap, ".zeek-conn.log"));
        if zeek.iter().any(|z| !z.contains_key("id.orig_h")) {
            // A `.cut` baseline without the connection's addresses (only its service and
            // history): compared by app_vs_zeek, which matches it to the capture's one flow.
            eprintln!("{name}: Zeek's baseline has no addresses; compared in app_vs_zeek");
            continue;
        }
        let ours: Vec<_> = flow_rows(&convert(&[&cap]))
            .into_iter()
            .filter(|o| !IP_TUNNEL_PROTOS.contains(&o["ip_proto"].as_str()))
            .collect();
        if ours.len() != zeek.len() {
            failures.push(format!("{name}: {} flows, Zeek {}", ours.len(), zeek.len()));
        }
        let mut used = vec![false; ours.len()];
        for z in &zeek {
            let key =
                |r: &HashMap<String, String>, orig: &str, oport: &str, resp: &str, rport: &str| {
                    format!("{} {} {} {}", r[orig], r[oport], r[resp], r[rport])
                };
            let zkey = key(z, "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p");
            // Several flows can share addresses and ports (TCP, UDP, SCTP between the same
            // pair): the transport decides, and each flow answers for one Zeek row.
            // A 5-tuple reused for a second connection: the flow in the same state answers.
            let candidates: Vec<usize> = (0..ours.len())
                .filter(|&i| {
                    let o = &ours[i];
                    let mut k = key(o, "orig_ip", "orig_port", "resp_ip", "resp_port");
                    if o["orig_port"].is_empty() {
                        k = format!("{} 0 {} 0", o["orig_ip"], o["resp_ip"]);
                    }
                    !used[i] && k == zkey && z.get("ip_proto").is_none_or(|p| *p == o["ip_proto"])
                })
                .collect();
            let same_state = |&&i: &&usize| ours[i]["conn_state"] == z["conn_state"];
            let found = candidates
                .iter()
                .find(same_state)
                .or(candidates.first())
                .copied();
            let Some(o) = found.map(|i| {
                used[i] = true;
                &ours[i]
            }) else {
                failures.push(format!("{name}: no flow {zkey}"));
                continue;
            };
            let mut expect = |field: &str, got: String, want: &str| {
                checked += 1;
                if got != want {
                    failures.push(format!(
                        "{name} {zkey} {field}: pcapq {got:?}, Zeek {want:?}"
                    ));
                }
            };
            // Zeek's `proto` is `unknown_transport` for protocols it does not analyse;
            // pcapq names them (`sctp`) and keeps the number in ip_proto, compared below.
            if z["proto"] != "unknown_transport" {
                expect("proto", o["proto"].clone(), &z["proto"]);
            }
            expect("ip_proto", o["ip_proto"].clone(), &z["ip_proto"]);
            expect("conn_state", o["conn_state"].clone(), &z["conn_state"]);
            let history = if o["history"].is_empty() {
                "-".to_string()
            } else {
                o["history"].clone()
            };
            // Zeek's `X`: an analyzer hit a limit (five tunnel changes, say); pcapq has
            // no such letter (docs/differences.md).
            let zeek_history = match z["history"].replace('X', "") {
                h if h.is_empty() => "-".to_string(),
                h => h,
            };
            expect("history", history, &zeek_history);
            if let Some(parents) = z.get("tunnel_parents")
                && !ZEEK_GRE_IN_UDP.contains(&name.as_str())
            {
                // Zeek's set of the tunnels around the connection; pcapq's list of the flows
                // that carried it (their Community IDs).
                let count = |list: &str| match list {
                    "" | "-" | "[]" => 0,
                    l => l.split(',').count(),
                };
                let ours = count(o["tunnel_parents"].trim_matches(['[', ']']));
                expect(
                    "tunnel_parents",
                    ours.to_string(),
                    &count(parents).to_string(),
                );
            }
            for f in ["orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes"] {
                expect(f, o[f].clone(), &z[f]);
            }
            // Duration to the microsecond: Zeek prints six decimals (and leaves it unset
            // when it is 0: a flow of one packet), and reads a nanosecond capture through
            // libpcap at microsecond precision, which can move a duration by 1 µs.
            let d: f64 = o["duration"].parse().unwrap();
            let zeek_duration = match z["duration"].as_str() {
                "-" => "0.000000",
                d => d,
            };
            let zd: f64 = zeek_duration.parse().unwrap();
            let ours = if (d - zd).abs() <= 1.000_001e-6 {
                zeek_duration.to_string()
            } else {
                format!("{d:.6}")
            };
            expect("duration", ours, zeek_duration);
            let missed = if o["missed_bytes"].is_empty() {
                "0".to_string()
            } else {
                o["missed_bytes"].clone()
            };
            expect("missed_bytes", missed, &z["missed_bytes"]);
            // Zeek leaves the sizes unset when the duration is 0.
            if z["orig_bytes"] != "-" {
                expect("orig_bytes", o["orig_bytes"].clone(), &z["orig_bytes"]);
                expect("resp_bytes", o["resp_bytes"].clone(), &z["resp_bytes"]);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences from Zeek:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 100, "only {checked} values compared");
    crate::support::record_compared(
        "flows_match_zeek_conn_logs",
        "Zeek conn.log",
        shared_with(".zeek-conn.log").len(),
        checked,
    );
}

#[test]
fn community_ids_match_zeek() {
    let mut seen = 0;
    for cap in shared_with(".zeek-community-id.txt") {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(sibling(&cap, ".zeek-community-id.txt")).unwrap();
        let expected: Vec<(String, String)> = text
            .lines()
            .filter(|l| l.starts_with('['))
            .map(|l| {
                let (conn, id) = l.rsplit_once("], ").unwrap();
                (conn.to_string(), id.trim().to_string())
            })
            .collect();
        let ours = flow_rows(&convert(&[&cap]));
        for (conn, id) in &expected {
            // `[orig_h=…, orig_p=8/icmp, resp_h=…, resp_p=0/icmp, proto=1, ctx=[]`
            let field = |k: &str| {
                conn.split(", ")
                    .find_map(|p| p.trim_start_matches('[').strip_prefix(&format!("{k}=")))
                    .unwrap()
                    .to_string()
            };
            let port = |k: &str| field(k).split('/').next().unwrap().to_string();
            let found = ours.iter().find(|o| {
                o["orig_ip"] == field("orig_h")
                    && o["resp_ip"] == field("resp_h")
                    && o["orig_port"] == port("orig_p")
                    && o["resp_port"] == port("resp_p")
            });
            let Some(o) = found else {
                panic!("{name}: no flow for {conn}")
            };
            assert_eq!(&o["community_id"], id, "{name}: {conn}");
            seen += 1;
        }
    }
    assert!(seen >= 5, "only {seen} Community IDs compared");
    crate::support::record_compared(
        "community_ids_match_zeek",
        "Zeek community-id",
        shared_with(".zeek-community-id.txt").len(),
        seen,
    );
}

/// `7 5477 bytes` or `22 10 kB` → (frames, bytes, exact).
fn conv_cell(frames: &str, amount: &str, unit: &str) -> (u64, u64, bool) {
    let f = frames.parse().unwrap();
    let a: u64 = amount.parse().unwrap();
    match unit {
        "bytes" => (f, a, true),
        "kB" => (f, a * 1000, false),
        "MB" => (f, a * 1_000_000, false),
        u => panic!("unit {u}"),
    }
}

#[test]
fn tcp_and_udp_conversations_match_tshark() {
    let mut compared = 0;
    for cap in shared_with(".tshark-conv.txt") {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(sibling(&cap, ".tshark-conv.txt")).unwrap();
        let out = convert(&[&cap]);
        let ours = flow_rows(&out);
        let mut section = "";
        for line in text.lines() {
            if line.ends_with("Conversations") {
                section = if line.starts_with("TCP") {
                    "tcp"
                } else if line.starts_with("UDP") {
                    "udp"
                } else {
                    ""
                };
                continue;
            }
            if section.is_empty() || !line.contains("<->") {
                continue;
            }
            let t: Vec<&str> = line.split_whitespace().collect();
            let (a, b) = (t[0], t[2]);
            let (a_ip, a_port) = a.rsplit_once(':').unwrap();
            let (b_ip, b_port) = b.rsplit_once(':').unwrap();
            // Columns: A <-> B | B→A frames bytes | A→B frames bytes | total | start | duration.
            let (ba_frames, ba_bytes, ba_exact) = conv_cell(t[3], t[4], t[5]);
            let (ab_frames, ab_bytes, ab_exact) = conv_cell(t[6], t[7], t[8]);
            let matching: Vec<_> = ours
                .iter()
                .filter(|o| o["proto"] == section)
                .filter(|o| {
                    (o["orig_ip"] == a_ip
                        && o["orig_port"] == a_port
                        && o["resp_ip"] == b_ip
                        && o["resp_port"] == b_port)
                        || (o["orig_ip"] == b_ip
                            && o["orig_port"] == b_port
                            && o["resp_ip"] == a_ip
                            && o["resp_port"] == a_port)
                })
                .collect();
            assert!(
                !matching.is_empty(),
                "{name}: no {section} flow for {a} <-> {b}"
            );
            // Sum the flows of this address/port pair (several when a port was reused).
            let (mut ab_f, mut ab_b, mut ba_f, mut ba_b) = (0u64, 0u64, 0u64, 0u64);
            for o in &matching {
                let n = |k: &str| o[k].parse::<u64>().unwrap();
                if o["orig_ip"] == a_ip && o["orig_port"] == a_port {
                    ab_f += n("orig_pkts");
                    ab_b += n("orig_wire_bytes");
                    ba_f += n("resp_pkts");
                    ba_b += n("resp_wire_bytes");
                } else {
                    ab_f += n("resp_pkts");
                    ab_b += n("resp_wire_bytes");
                    ba_f += n("orig_pkts");
                    ba_b += n("orig_wire_bytes");
                }
            }
            assert_eq!(
                (ab_f, ba_f),
                (ab_frames, ba_frames),
                "{name} {section} {a} <-> {b}: frames"
            );
            let close = |ours: u64, theirs: u64, exact: bool| {
                if exact {
                    ours == theirs
                } else {
                    ours / 1000 == theirs / 1000 || (ours + 500) / 1000 == theirs / 1000
                }
            };
            assert!(
                close(ab_b, ab_bytes, ab_exact),
                "{name} {a} -> {b}: bytes pcapq {ab_b}, tshark {ab_bytes}"
            );
            assert!(
                close(ba_b, ba_bytes, ba_exact),
                "{name} {b} -> {a}: bytes pcapq {ba_b}, tshark {ba_bytes}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} conversations compared");
    crate::support::record_compared(
        "conversations_match_tshark",
        "tshark -z conv",
        shared_with(".tshark-conv.txt").len(),
        compared,
    );
}

/// One tcptrace connection: endpoints, completeness, and per-direction counters.
struct TcptraceConn {
    a: String,
    b: String,
    complete: String,
    a2b: HashMap<String, String>,
    b2a: HashMap<String, String>,
}

fn tcptrace(text: &str) -> Vec<TcptraceConn> {
    let mut conns = Vec::new();
    for block in text.split("\nTCP connection ").skip(1) {
        if !block.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let mut c = TcptraceConn {
            a: String::new(),
            b: String::new(),
            complete: String::new(),
            a2b: HashMap::new(),
            b2a: HashMap::new(),
        };
        for line in block.lines() {
            let l = line.trim();
            // Hosts are lettered a/b, c/d, e/f, … connection after connection.
            if l.starts_with("host ") && l.as_bytes().get(6) == Some(&b':') {
                let v = l[7..].trim().to_string();
                if c.a.is_empty() {
                    c.a = v;
                } else {
                    c.b = v;
                }
            } else if let Some(v) = l.strip_prefix("complete conn:") {
                c.complete = v.split_whitespace().next().unwrap_or("").to_string();
            } else if line.starts_with("     ") && line.matches(':').count() == 2 {
                // "     total packets:   7     total packets:   7"
                let parts: Vec<&str> = line.split(':').collect();
                let key = parts[0].trim().to_string();
                let mid: Vec<&str> = parts[1].split_whitespace().collect();
                let right: Vec<&str> = parts[2].split_whitespace().collect();
                if let (Some(v1), Some(v2)) = (mid.first(), right.first()) {
                    c.a2b.insert(key.clone(), v1.to_string());
                    c.b2a.insert(key, v2.to_string());
                }
            }
        }
        conns.push(c);
    }
    conns
}

#[test]
fn tcp_connections_match_tcptrace() {
    let mut compared = 0;
    for cap in shared_with(".tcptrace.txt") {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(sibling(&cap, ".tcptrace.txt")).unwrap();
        if let Some(error) = crate::support::tcptrace_error(&text) {
            eprintln!("{name}: tcptrace could not read it ({error}): nothing to compare");
            continue;
        }
        let conns = tcptrace(&text);
        if conns.is_empty() {
            continue;
        }
        let out = convert(&[&cap]);
        let ours = flow_rows(&out);
        let fills = hole_fills(&out);
        for c in &conns {
            // tcptrace prints IPv6 with leading zeros: normalise through the parser.
            let split = |s: &str| {
                let (ip, port) = s.rsplit_once(':').unwrap();
                (
                    ip.parse::<std::net::IpAddr>().unwrap().to_string(),
                    port.to_string(),
                )
            };
            let ((a_ip, a_port), (b_ip, b_port)) = (split(&c.a), split(&c.b));
            let (a_ip, a_port, b_ip, b_port) = (
                a_ip.as_str(),
                a_port.as_str(),
                b_ip.as_str(),
                b_port.as_str(),
            );
            let Some(o) = ours.iter().find(|o| {
                o["proto"] == "tcp"
                    && ((o["orig_ip"] == a_ip
                        && o["orig_port"] == a_port
                        && o["resp_ip"] == b_ip
                        && o["resp_port"] == b_port)
                        || (o["orig_ip"] == b_ip
                            && o["orig_port"] == b_port
                            && o["resp_ip"] == a_ip
                            && o["resp_port"] == a_port))
            }) else {
                // A TCP header with a bogus length (data offset below 5) belongs to no flow,
                // as in Zeek (bad_TCP_header_len); tcptrace still counts it.
                assert!(
                    name.starts_with("heapoverflow-tcp_print"),
                    "{name}: no flow for tcptrace connection {} - {}",
                    c.a,
                    c.b
                );
                continue;
            };
            let a_is_orig = o["orig_ip"] == a_ip && o["orig_port"] == a_port;
            let (a, b) = if a_is_orig {
                ("orig", "resp")
            } else {
                ("resp", "orig")
            };
            let sum = |k: &str| -> u64 {
                let parse = |m: &HashMap<String, String>| {
                    m.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
                };
                parse(&c.a2b) + parse(&c.b2a)
            };
            let syn_fin = |m: &HashMap<String, String>| -> (u64, u64) {
                let v = m.get("SYN/FIN pkts sent").cloned().unwrap_or_default();
                let (s, f) = v.split_once('/').unwrap_or(("0", "0"));
                (s.parse().unwrap_or(0), f.parse().unwrap_or(0))
            };
            let (sa, fa) = syn_fin(&c.a2b);
            let (sb, fb) = syn_fin(&c.b2a);
            let ctx = format!("{name} {} - {}", c.a, c.b);
            assert_eq!(o["syn_count"], (sa + sb).to_string(), "{ctx}: SYNs");
            assert_eq!(o["fin_count"], (fa + fb).to_string(), "{ctx}: FINs");
            assert_eq!(o["reset"] == "true", c.complete == "RESET", "{ctx}: reset");
            // tcptrace's "complete" (SYN and FIN from both sides) implies the UVic one.
            if c.complete == "yes" {
                assert!(sa + sb > 0 && fa + fb > 0, "{ctx}: complete");
            }
            let n = |k: &str| o[k].parse::<u64>().unwrap_or(0);
            assert_eq!(
                n("orig_pkts") + n("resp_pkts"),
                sum("total packets"),
                "{ctx}: packets"
            );
            let dir = |m: &HashMap<String, String>, k: &str| {
                m.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
            };
            assert_eq!(
                n(&format!("{a}_data_pkts")),
                dir(&c.a2b, "actual data pkts"),
                "{ctx}: a->b data pkts"
            );
            assert_eq!(
                n(&format!("{b}_data_pkts")),
                dir(&c.b2a, "actual data pkts"),
                "{ctx}: b->a data pkts"
            );
            assert_eq!(
                n(&format!("{a}_payload_bytes")),
                dir(&c.a2b, "actual data bytes"),
                "{ctx}: a->b data bytes"
            );
            assert_eq!(
                n(&format!("{b}_payload_bytes")),
                dir(&c.b2a, "actual data bytes"),
                "{ctx}: b->a data bytes"
            );
            // Retransmitted data packets: tcptrace counts any overlap with data already sent;
            // pcapq counts tshark's retransmissions, which also include repeated SYNs/FINs
            // and segments that fill a hole (lost before the capture point: never seen,
            // so tcptrace does not count them).
            let rexmt_a = dir(&c.a2b, "rexmt data pkts");
            let rexmt_b = dir(&c.b2a, "rexmt data pkts");
            let fill = |orig: bool| {
                let key = (o["flow_id"].clone(), orig.to_string());
                fills.get(&key).copied().unwrap_or(0)
            };
            assert_eq!(
                n(&format!("{a}_retransmissions")) - fill(a == "orig"),
                rexmt_a,
                "{ctx}: a->b retransmissions (less hole fills)"
            );
            assert_eq!(
                n(&format!("{b}_retransmissions")) - fill(b == "orig"),
                rexmt_b,
                "{ctx}: b->a retransmissions (less hole fills)"
            );
            compared += 1;
        }
    }
    assert!(
        compared >= 8,
        "only {compared} tcptrace connections compared"
    );
    crate::support::record_compared(
        "flows_match_tcptrace",
        "tcptrace",
        shared_with(".tcptrace.txt").len(),
        compared,
    );
}
