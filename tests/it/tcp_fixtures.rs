//! TCP connection states, UVic and Zeek notations, RTT and windows, on connections the
//! tests script packet by packet.

use std::collections::HashMap;

use pcapq::track::TrackOptions;

use crate::fixture::{
    PcapOpts, Rec, Tcp, icmp_echo, icmp_port_unreachable, pcap, tcp, udp, write_temp,
};
use crate::support::{Output, convert, convert_with};

const T0: i64 = 1_690_000_000_000_000_000;
const MS: i64 = 1_000_000;

/// A scripted exchange between a client and a server.
struct Script {
    client: (&'static str, u16),
    server: (&'static str, u16),
    recs: Vec<Rec>,
}

impl Script {
    fn new() -> Self {
        Script {
            client: ("10.0.0.1", 40000),
            server: ("10.0.0.2", 80),
            recs: Vec::new(),
        }
    }
    fn v6() -> Self {
        Script {
            client: ("2001:db8::1", 40000),
            server: ("2001:db8::2", 443),
            recs: Vec::new(),
        }
    }
    /// Client → server at `ms` milliseconds.
    fn c(mut self, ms: i64, t: Tcp) -> Self {
        let f = tcp(
            self.client.0,
            self.client.1,
            self.server.0,
            self.server.1,
            t,
        );
        self.recs.push(Rec {
            ts_ns: T0 + ms * MS,
            wire_len: f.len() as u32,
            data: f,
            interface: 0,
        });
        self
    }
    /// Server → client at `ms` milliseconds.
    fn s(mut self, ms: i64, t: Tcp) -> Self {
        let f = tcp(
            self.server.0,
            self.server.1,
            self.client.0,
            self.client.1,
            t,
        );
        self.recs.push(Rec {
            ts_ns: T0 + ms * MS,
            wire_len: f.len() as u32,
            data: f,
            interface: 0,
        });
        self
    }
    fn run(self) -> Output {
        let (_d, path) = write_temp(
            "s.pcap",
            &pcap(
                &self.recs,
                PcapOpts {
                    nanos: true,
                    ..PcapOpts::default()
                },
            ),
        );
        convert(&[&path])
    }
}

const FLOW_COLS: [&str; 27] = [
    "orig_ip",
    "orig_port",
    "resp_ip",
    "state",
    "complete",
    "reset",
    "open_at_end",
    "conn_state",
    "history",
    "orig_pkts",
    "resp_pkts",
    "orig_bytes",
    "resp_bytes",
    "syn_count",
    "fin_count",
    "end_reason",
    "duration",
    "handshake_rtt",
    "handshake_rtt_server",
    "handshake_rtt_client",
    "rtt_samples",
    "rtt_min",
    "rtt_max",
    "orig_win_max",
    "resp_win_max",
    "retransmissions",
    "community_id",
];

fn only_flow(out: &Output) -> HashMap<String, String> {
    let rows = out.flows.rows(&FLOW_COLS);
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap()
}

fn handshake() -> Script {
    Script::new()
        .c(0, Tcp::new("S", 1000, 0))
        .s(10, Tcp::new("SA", 5000, 1001))
        .c(12, Tcp::new("A", 1001, 5001))
}

#[test]
fn clean_handshake_and_close() {
    let out = handshake()
        .c(13, Tcp::new("PA", 1001, 5001).data(100))
        .s(23, Tcp::new("A", 5001, 1101))
        .s(24, Tcp::new("PA", 5001, 1101).data(300))
        .c(34, Tcp::new("A", 1101, 5301))
        .c(40, Tcp::new("FA", 1101, 5301))
        .s(50, Tcp::new("FA", 5301, 1102))
        .c(60, Tcp::new("A", 1102, 5302))
        .run();
    let f = only_flow(&out);
    assert_eq!(f["state"], "S2F2");
    assert_eq!(
        (
            f["complete"].as_str(),
            f["reset"].as_str(),
            f["open_at_end"].as_str()
        ),
        ("true", "false", "false")
    );
    assert_eq!(f["conn_state"], "SF");
    assert_eq!(f["history"], "ShADadFf");
    assert_eq!(
        (f["orig_bytes"].as_str(), f["resp_bytes"].as_str()),
        ("100", "300")
    );
    assert_eq!(
        (f["orig_pkts"].as_str(), f["resp_pkts"].as_str()),
        ("6", "4")
    );
    assert_eq!(f["end_reason"], "fin");
    // Zeek's duration stops at the close: the last ACK after both FINs does not extend it.
    assert_eq!(f["duration"], "0.05");
    assert_eq!(f["handshake_rtt_server"], "0.01");
    assert_eq!(f["handshake_rtt_client"], "0.002");
    assert_eq!(f["handshake_rtt"], "0.012");
    // Two ACK-matched samples: 100 bytes acked after 10 ms, 300 bytes after 10 ms.
    assert_eq!(f["rtt_samples"], "2");
    assert_eq!(
        (f["rtt_min"].as_str(), f["rtt_max"].as_str()),
        ("0.01", "0.01")
    );
}

#[test]
fn syn_without_answer_is_s0_and_open() {
    let f = only_flow(&Script::new().c(0, Tcp::new("S", 1, 0)).run());
    assert_eq!(
        (
            f["state"].as_str(),
            f["conn_state"].as_str(),
            f["history"].as_str()
        ),
        ("S1F0", "S0", "S")
    );
    assert_eq!(
        (f["complete"].as_str(), f["open_at_end"].as_str()),
        ("false", "true")
    );
    assert_eq!(f["end_reason"], "eof");
}

#[test]
fn syn_answered_by_rst_is_rejected() {
    let f = only_flow(
        &Script::new()
            .c(0, Tcp::new("S", 1, 0))
            .s(1, Tcp::new("RA", 0, 2))
            .run(),
    );
    assert_eq!(
        (
            f["state"].as_str(),
            f["conn_state"].as_str(),
            f["history"].as_str()
        ),
        ("S1F0/R", "REJ", "Sr")
    );
    assert_eq!(
        (f["reset"].as_str(), f["open_at_end"].as_str()),
        ("true", "true")
    );
    assert_eq!(f["end_reason"], "rst");
}

#[test]
fn reset_after_data() {
    let f = only_flow(
        &handshake()
            .c(13, Tcp::new("PA", 1001, 5001).data(50))
            .s(20, Tcp::new("A", 5001, 1051))
            .c(30, Tcp::new("RA", 1051, 5001))
            .run(),
    );
    assert_eq!(
        (f["state"].as_str(), f["conn_state"].as_str()),
        ("S2F0/R", "RSTO")
    );
    assert_eq!(f["history"], "ShADaR");
    assert_eq!(f["orig_bytes"], "50");
}

#[test]
fn simultaneous_open() {
    let f = only_flow(
        &Script::new()
            .c(0, Tcp::new("S", 100, 0))
            .s(1, Tcp::new("S", 900, 0))
            .c(2, Tcp::new("SA", 100, 901))
            .s(3, Tcp::new("SA", 900, 101))
            .c(4, Tcp::new("A", 101, 901))
            .run(),
    );
    assert_eq!(f["state"], "S4F0");
    assert_eq!(f["conn_state"], "S1");
    assert_eq!(
        f["orig_ip"], "10.0.0.1",
        "the first SYN's sender originates"
    );
}

#[test]
fn retransmitted_syn_counts_twice_in_one_connection() {
    let out = Script::new()
        .c(0, Tcp::new("S", 7, 0))
        .c(1000, Tcp::new("S", 7, 0))
        .run();
    let f = only_flow(&out);
    assert_eq!(
        (f["state"].as_str(), f["conn_state"].as_str()),
        ("S2F0", "S0")
    );
    assert_eq!(f["retransmissions"], "1");
    assert_eq!(out.packets.col("tcp_retransmission"), vec!["false", "true"]);
}

#[test]
fn half_closed_connection_left_open_at_the_end() {
    let f = only_flow(
        &handshake()
            .c(20, Tcp::new("FA", 1001, 5001))
            .s(21, Tcp::new("A", 5001, 1002))
            .run(),
    );
    assert_eq!(
        (f["state"].as_str(), f["conn_state"].as_str()),
        ("S2F1", "S2")
    );
    assert_eq!(
        (f["complete"].as_str(), f["open_at_end"].as_str()),
        ("true", "false")
    );
    assert_eq!(f["end_reason"], "eof");
}

#[test]
fn a_new_syn_after_close_starts_a_new_flow() {
    let out = handshake()
        .c(20, Tcp::new("FA", 1001, 5001))
        .s(21, Tcp::new("FA", 5001, 1002))
        .c(22, Tcp::new("A", 1002, 5002))
        .c(1000, Tcp::new("S", 777_000, 0))
        .s(1001, Tcp::new("SA", 888_000, 777_001))
        .c(1002, Tcp::new("A", 777_001, 888_001))
        .run();
    let rows = out
        .flows
        .rows(&["flow_id", "state", "conn_state", "end_reason"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["state"], "S2F2");
    assert_eq!(rows[0]["end_reason"], "fin");
    assert_eq!(rows[1]["state"], "S2F0");
    let ids = out.packets.col("flow_id");
    assert_eq!(
        ids[..6]
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        1
    );
    assert_ne!(ids[0], ids[6]);
}

#[test]
fn window_scaling_applies_when_both_syns_offer_it() {
    let f = only_flow(
        &Script::new()
            .c(0, Tcp::new("S", 1, 0).scale(7).win(64240))
            .s(5, Tcp::new("SA", 1, 2).scale(8).win(65160))
            .c(6, Tcp::new("A", 2, 2).win(502))
            .s(7, Tcp::new("A", 2, 2).win(300))
            .run(),
    );
    assert_eq!(f["orig_win_max"], (502u64 << 7).to_string());
    assert_eq!(f["resp_win_max"], (300u64 << 8).to_string());
    let without = only_flow(
        &Script::new()
            .c(0, Tcp::new("S", 1, 0).scale(7).win(1000))
            .s(5, Tcp::new("SA", 1, 2).win(2000))
            .c(6, Tcp::new("A", 2, 2).win(3000))
            .run(),
    );
    assert_eq!(
        without["orig_win_max"], "3000",
        "not negotiated: raw values"
    );
}

#[test]
fn retransmitted_segment_gives_no_rtt_sample() {
    let out = handshake()
        .c(20, Tcp::new("PA", 1001, 5001).data(100))
        .c(220, Tcp::new("PA", 1001, 5001).data(100))
        .s(230, Tcp::new("A", 5001, 1101))
        .c(240, Tcp::new("PA", 1101, 5001).data(100))
        .s(255, Tcp::new("A", 5001, 1201))
        .run();
    let f = only_flow(&out);
    assert_eq!(f["retransmissions"], "1");
    assert_eq!(f["rtt_samples"], "1", "only the segment sent once");
    assert_eq!(f["rtt_min"], "0.015");
    assert_eq!(out.packets.col("tcp_retransmission")[4], "true");
}

#[test]
fn ipv6_connection() {
    let f = only_flow(
        &Script::v6()
            .c(0, Tcp::new("S", 1, 0))
            .s(1, Tcp::new("SA", 1, 2))
            .c(2, Tcp::new("A", 2, 2))
            .c(3, Tcp::new("FA", 2, 2))
            .s(4, Tcp::new("FA", 2, 3))
            .c(5, Tcp::new("A", 3, 3))
            .run(),
    );
    assert_eq!(
        (
            f["orig_ip"].as_str(),
            f["conn_state"].as_str(),
            f["state"].as_str()
        ),
        ("2001:db8::1", "SF", "S2F2")
    );
}

#[test]
fn icmp_echo_pairs_request_and_reply() {
    let frames = vec![
        icmp_echo("10.0.0.1", "10.0.0.9", 7, 1, false),
        icmp_echo("10.0.0.9", "10.0.0.1", 7, 1, true),
        icmp_echo("10.0.0.1", "10.0.0.9", 7, 2, false),
        icmp_echo("10.0.0.9", "10.0.0.1", 7, 2, true),
    ];
    let (_d, path) = write_temp(
        "ping.pcap",
        &pcap(&crate::fixture::at(T0, MS, frames), PcapOpts::default()),
    );
    let out = convert(&[&path]);
    let rows = out.flows.rows(&[
        "proto",
        "orig_port",
        "resp_port",
        "orig_pkts",
        "resp_pkts",
        "conn_state",
        "community_id",
    ]);
    assert_eq!(rows.len(), 1);
    let f = &rows[0];
    assert_eq!(
        (
            f["proto"].as_str(),
            f["orig_port"].as_str(),
            f["resp_port"].as_str()
        ),
        ("icmp", "8", "0")
    );
    assert_eq!(
        (
            f["orig_pkts"].as_str(),
            f["resp_pkts"].as_str(),
            f["conn_state"].as_str()
        ),
        ("2", "2", "OTH")
    );
    assert!(f["community_id"].starts_with("1:"));
}

#[test]
fn icmp_port_unreachable_is_linked_to_the_udp_flow_it_quotes() {
    let probe = udp("10.0.0.1", 33434, "10.0.0.9", 9, 8);
    let err = icmp_port_unreachable("10.0.0.9", "10.0.0.1", &probe);
    let (_d, path) = write_temp(
        "unreach.pcap",
        &pcap(
            &crate::fixture::at(T0, MS, vec![probe, err]),
            PcapOpts::default(),
        ),
    );
    let out = convert(&[&path]);
    let rows = out.flows.rows(&[
        "proto",
        "orig_port",
        "resp_port",
        "conn_state",
        "icmp_error",
        "icmp_errors",
    ]);
    let udp_flow = rows.iter().find(|r| r["proto"] == "udp").unwrap();
    assert_eq!(udp_flow["icmp_error"], "3/3");
    assert_eq!(udp_flow["icmp_errors"], "1");
    assert_eq!(udp_flow["conn_state"], "S0");
    let icmp_flow = rows.iter().find(|r| r["proto"] == "icmp").unwrap();
    assert_eq!(
        (
            icmp_flow["orig_port"].as_str(),
            icmp_flow["resp_port"].as_str()
        ),
        ("3", "3")
    );
}

/// Packets of one UDP 5-tuple at the given seconds after T0, from the client and the
/// server in turn, converted; the flows' packet counts and end reasons in flow order.
fn udp_exchange(client_port: u16, server_port: u16, seconds: &[f64]) -> Vec<(i64, String)> {
    udp_exchange_with(TrackOptions::default(), client_port, server_port, seconds)
}

fn udp_exchange_with(
    track: TrackOptions,
    client_port: u16,
    server_port: u16,
    seconds: &[f64],
) -> Vec<(i64, String)> {
    let recs: Vec<Rec> = seconds
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let data = if i % 2 == 0 {
                udp("10.0.0.1", client_port, "10.0.0.53", server_port, 30)
            } else {
                udp("10.0.0.53", server_port, "10.0.0.1", client_port, 60)
            };
            Rec {
                ts_ns: T0 + (s * 1e9) as i64,
                wire_len: data.len() as u32,
                data,
                interface: 0,
            }
        })
        .collect();
    let (_d, path) = write_temp("udp.pcap", &pcap(&recs, PcapOpts::default()));
    let out = convert_with(&[&path], Some(track));
    flow_summaries(&out)
        .into_iter()
        .map(|(pkts, _, end)| (pkts, end))
        .collect()
}

#[test]
fn a_dns_exchange_ends_as_zeeks_dns_session_timer_ends_it() {
    // Zeek's DNS analyzer checks a UDP connection on its ports 10 s after the first packet,
    // then 10 s after each check, and removes it once idle for 9 s. The check due at 10 s
    // runs at the packet of 12 s (idle 7 s: kept, next check at 22 s); the one due at 22 s
    // runs at the packet of 31 s (idle 9.5 s since 21.5 s): that packet starts a new flow.
    let times = [0.0, 5.0, 12.0, 21.5, 31.0];
    assert_eq!(
        udp_exchange(40000, 53, &times),
        [(4, "idle".to_string()), (1, "eof".to_string())]
    );
    // The same on mDNS, LLMNR and NetBIOS name service ports.
    for port in [5353, 5355, 137] {
        assert_eq!(udp_exchange(40000, port, &times).len(), 2, "port {port}");
    }
    // Other UDP flows wait out the 60 s idle timeout.
    assert_eq!(udp_exchange(40000, 9999, &times), [(5, "eof".to_string())]);
    // A reply 8.9 s after the query is within the first check's allowance.
    assert_eq!(
        udp_exchange(40000, 53, &[0.0, 8.9, 10.5]),
        [(3, "eof".to_string())]
    );
    // An exchange that goes quiet ends at the first check 9 s after its last packet.
    assert_eq!(
        udp_exchange(40000, 53, &[0.0, 0.03, 10.2]),
        [(2, "idle".to_string()), (1, "eof".to_string())]
    );
    // A UDP timeout shorter than the timer's still applies to DNS flows.
    let short = TrackOptions {
        udp_timeout_ns: 2_000_000_000,
        ..TrackOptions::default()
    };
    assert_eq!(
        udp_exchange_with(short, 40000, 53, &[0.0, 0.03, 5.0]),
        [(2, "idle".to_string()), (1, "eof".to_string())]
    );
}

/// The flows of `script` in flow order: packets (both ways), conn_state, end_reason.
fn flows_in_order(script: Script) -> Vec<(i64, String, String)> {
    flow_summaries(&script.run())
}

/// Each flow of `out`, in flow order: its packets (both ways), conn_state and end_reason.
fn flow_summaries(out: &Output) -> Vec<(i64, String, String)> {
    let mut rows = out.flows.rows(&[
        "flow_id",
        "orig_pkts",
        "resp_pkts",
        "conn_state",
        "end_reason",
    ]);
    rows.sort_by_key(|r| r["flow_id"].parse::<u64>().unwrap());
    rows.iter()
        .map(|r| {
            let pkts =
                r["orig_pkts"].parse::<i64>().unwrap() + r["resp_pkts"].parse::<i64>().unwrap();
            (pkts, r["conn_state"].clone(), r["end_reason"].clone())
        })
        .collect()
}

#[test]
fn an_unanswered_syn_retried_after_5_s_is_a_new_connection_as_in_zeek() {
    let row = |pkts: i64, state: &str, end: &str| (pkts, state.to_string(), end.to_string());
    // Linux retries an unanswered SYN after 1, 3, 7 and 15 s. Zeek removes a connection
    // attempt 5 s after its first SYN when nothing came back (tcp_attempt_delay): the SYNs
    // of 0, 1 and 3 s are one S0 connection, 7 s another, 15 s a third.
    let syn = || Tcp::new("S", 1000, 0);
    let retries = Script::new()
        .c(0, syn())
        .c(1000, syn())
        .c(3000, syn())
        .c(7000, syn())
        .c(15000, syn());
    assert_eq!(
        flows_in_order(retries),
        [
            row(3, "S0", "idle"),
            row(1, "S0", "idle"),
            row(1, "S0", "eof")
        ]
    );
    // Answered within the 5 s, the connection lives on, however long it is quiet.
    let answered = handshake().c(20_000, Tcp::new("PA", 1001, 5001).data(10));
    assert_eq!(flows_in_order(answered), [row(4, "S1", "eof")]);
    // Answered after them, the answer finds the attempt gone and starts a flow of its own.
    let late = Script::new()
        .c(0, syn())
        .s(6000, Tcp::new("SA", 5000, 1001));
    let flows = flows_in_order(late);
    assert_eq!(flows.len(), 2, "{flows:?}");
    assert_eq!(flows[0], row(1, "S0", "idle"));
}

#[test]
fn a_million_syn_scan_stays_within_max_flows() {
    const N: u32 = 1_000_000;
    const CAP: usize = 10_000;
    let template = tcp("10.9.0.1", 55555, "10.8.0.1", 1, Tcp::new("S", 1, 0));
    let mut bytes = pcap(&[], PcapOpts::default());
    bytes.reserve(N as usize * (16 + template.len()));
    let mut frame = template.clone();
    for i in 0..N {
        // Destination address and port vary: every SYN is a new flow.
        frame[30..34].copy_from_slice(&(0x0a08_0000u32 + (i >> 16)).to_be_bytes());
        frame[36..38].copy_from_slice(&((i & 0xffff) as u16).to_be_bytes());
        let ts = T0 + i64::from(i) * 1000;
        bytes.extend_from_slice(&((ts / 1_000_000_000) as u32).to_le_bytes());
        bytes.extend_from_slice(&(((ts % 1_000_000_000) / 1000) as u32).to_le_bytes());
        bytes.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&frame);
    }
    let (_d, path) = write_temp("scan.pcap", &bytes);
    let out = convert_with(
        &[&path],
        Some(TrackOptions {
            max_flows: CAP,
            ..TrackOptions::default()
        }),
    );
    assert_eq!(out.packets.len(), N as usize);
    assert_eq!(
        out.flows.len(),
        N as usize,
        "every flow is written, evicted or not"
    );
    assert_eq!(out.result.track.peak_active, CAP);
    assert_eq!(out.result.track.evicted, u64::from(N) - CAP as u64);
    let evicted = out
        .flows
        .col("end_reason")
        .iter()
        .filter(|r| *r == "evicted")
        .count();
    assert_eq!(evicted, N as usize - CAP);
}
