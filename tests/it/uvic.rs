//! The UVic P2 report (`pcapq tcp-summary`, and the catalog queries behind sections B-D)
//! as the course defines it: one connection per 4-tuple over the whole trace, end time at
//! the last FIN, an RTT sample for every SYN and FIN of the source. Checked on fixtures
//! built here, each with the answer worked out by hand from the assignment's rules, and
//! the whole layout against a golden file.

use std::collections::HashMap;
use std::path::Path;

use crate::catalog::{answer, context_for, f, rt, sql_rows};
use crate::fixture::{PcapOpts, Rec, Tcp, pcap, tcp, write_temp};

const T0: i64 = 1_700_000_000_000_000_000;
const MS: i64 = 1_000_000;

/// A frame at `ms` milliseconds after T0.
type At = (i64, Vec<u8>);

fn capture(frames: Vec<At>) -> Vec<u8> {
    let recs: Vec<Rec> = frames
        .into_iter()
        .map(|(t, data)| Rec {
            ts_ns: T0 + t * MS,
            wire_len: data.len() as u32,
            data,
            interface: 0,
        })
        .collect();
    pcap(&recs, PcapOpts::default())
}

/// Client 10.0.0.1:`port` → server 10.0.0.2:80 and back.
fn client(port: u16) -> impl Fn(i64, Tcp) -> At {
    move |t, s| (t, tcp("10.0.0.1", port, "10.0.0.2", 80, s))
}
fn server(port: u16) -> impl Fn(i64, Tcp) -> At {
    move |t, s| (t, tcp("10.0.0.2", 80, "10.0.0.1", port, s))
}

/// One complete connection with data both ways, one refused by RST, one left open.
fn three_connections() -> Vec<u8> {
    let (c, sv) = (client(40000), server(40000));
    capture(vec![
        c(0, Tcp::new("S", 1000, 0)),
        sv(10, Tcp::new("SA", 5000, 1001)),
        c(12, Tcp::new("A", 1001, 5001)),
        c(13, Tcp::new("PA", 1001, 5001).data(100)),
        sv(23, Tcp::new("A", 5001, 1101)),
        sv(24, Tcp::new("PA", 5001, 1101).data(300)),
        c(34, Tcp::new("A", 1101, 5301)),
        c(40, Tcp::new("FA", 1101, 5301)),
        sv(50, Tcp::new("FA", 5301, 1102)),
        c(60, Tcp::new("A", 1102, 5302)),
        (
            100,
            tcp("10.0.0.1", 40001, "10.0.0.2", 81, Tcp::new("S", 7, 0)),
        ),
        (
            101,
            tcp("10.0.0.2", 81, "10.0.0.1", 40001, Tcp::new("RA", 0, 8)),
        ),
        (
            200,
            tcp("10.0.0.3", 5555, "10.0.0.2", 80, Tcp::new("S", 70, 0)),
        ),
        (
            210,
            tcp("10.0.0.2", 80, "10.0.0.3", 5555, Tcp::new("SA", 90, 71)),
        ),
        (
            215,
            tcp("10.0.0.3", 5555, "10.0.0.2", 80, Tcp::new("A", 71, 91)),
        ),
    ])
}

fn pcapq_tcp_summary(path: &Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .arg("tcp-summary")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn tcp_summary_matches_the_golden_file() {
    let (_d, path) = write_temp("uvic.pcap", &three_connections());
    let got = pcapq_tcp_summary(&path);
    let golden = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/tcp-summary-uvic.txt"),
    )
    .unwrap();
    if got != golden {
        let diff: Vec<String> = golden
            .lines()
            .zip(got.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("line {}: want {a:?}, got {b:?}", i + 1))
            .collect();
        panic!(
            "tcp-summary differs from the golden file:\n{}\n(lengths {} vs {} lines)\n{got}",
            diff.join("\n"),
            golden.lines().count(),
            got.lines().count()
        );
    }
}

/// Sections B and D and the RTT samples of a capture.
struct Answers {
    connections: Vec<HashMap<String, String>>,
    stats: HashMap<String, HashMap<String, String>>,
    /// (connection, segment, rtt in ms), in capture order.
    samples: Vec<(String, String, f64)>,
}

fn answers(frames: Vec<At>) -> Answers {
    let (_d, path) = write_temp("uvic.pcap", &capture(frames));
    rt().block_on(async {
        let ctx = context_for(&[&path]).await;
        let connections = answer(&ctx, "tcp-connections", &[]).await;
        let stats = answer(&ctx, "tcp-complete-stats", &[])
            .await
            .into_iter()
            .map(|r| (r["metric"].clone(), r))
            .collect();
        let samples = sql_rows(
            &ctx,
            "SELECT connection, segment, rtt_s FROM uvic_rtt_samples ORDER BY sent_ts",
        )
        .await
        .into_iter()
        .map(|r| {
            let ms = (f(&r["rtt_s"]) * 1e3 * 1e6).round() / 1e6;
            (r["connection"].clone(), r["segment"].clone(), ms)
        })
        .collect();
        Answers {
            connections,
            stats,
            samples,
        }
    })
}

fn sample(conn: &str, segment: &str, ms: f64) -> (String, String, f64) {
    (conn.to_string(), segment.to_string(), ms)
}

#[test]
fn a_port_reused_after_a_close_is_one_connection() {
    let (c, sv) = (client(40000), server(40000));
    let a = answers(vec![
        c(0, Tcp::new("S", 100, 0)),
        sv(10, Tcp::new("SA", 500, 101)),
        c(20, Tcp::new("A", 101, 501)),
        c(30, Tcp::new("FA", 101, 501)),
        sv(40, Tcp::new("FA", 501, 102)),
        c(50, Tcp::new("A", 102, 502)),
        // the same 4-tuple opens again with a new initial sequence number
        c(2000, Tcp::new("S", 9000, 0)),
        sv(2015, Tcp::new("SA", 7000, 9001)),
        c(2030, Tcp::new("A", 9001, 7001)),
        c(2040, Tcp::new("FA", 9001, 7001)),
        sv(2060, Tcp::new("FA", 7001, 9002)),
        c(2070, Tcp::new("A", 9002, 7002)),
    ]);
    assert_eq!(a.connections.len(), 1, "{:?}", a.connections);
    let c = &a.connections[0];
    assert_eq!(c["status"], "S4F4");
    assert_eq!(c["flows"], "2", "Zeek's identity splits it in two flows");
    assert_eq!(f(&c["end_s"]), 2.06, "the last FIN");
    assert_eq!(f(&c["duration_s"]), 2.06);
    assert_eq!(
        (
            c["packets_src_to_dst"].as_str(),
            c["packets_dst_to_src"].as_str()
        ),
        ("8", "4")
    );
    assert_eq!(
        a.samples,
        vec![
            sample("1", "SYN", 10.0),
            sample("1", "FIN", 10.0),
            sample("1", "SYN", 15.0),
            sample("1", "FIN", 20.0),
        ]
    );
    assert!((f(&a.stats["rtt_s"]["mean"]) - 0.01375).abs() < 1e-12);
}

#[test]
fn an_rst_after_the_fin_does_not_move_the_end() {
    let (c, sv) = (client(40000), server(40000));
    let a = answers(vec![
        c(0, Tcp::new("S", 100, 0)),
        sv(10, Tcp::new("SA", 500, 101)),
        c(20, Tcp::new("A", 101, 501)),
        c(30, Tcp::new("FA", 101, 501)),
        sv(45, Tcp::new("A", 501, 102)),
        sv(900, Tcp::new("R", 501, 0)),
        c(950, Tcp::new("A", 102, 501)),
    ]);
    assert_eq!(a.connections.len(), 1);
    let c = &a.connections[0];
    assert_eq!(c["status"], "S2F1/R");
    assert_eq!(
        c["complete"], "true",
        "a SYN and a FIN: complete, reset or not"
    );
    assert_eq!(
        f(&c["end_s"]),
        0.03,
        "the FIN, not the RST or the ACK after it"
    );
    assert_eq!(f(&c["duration_s"]), 0.03);
    assert_eq!(
        c["packets_total"], "7",
        "every packet counts, also after the FIN"
    );
    assert_eq!(
        a.samples,
        vec![sample("1", "SYN", 10.0), sample("1", "FIN", 15.0)]
    );
}

#[test]
fn a_retransmitted_syn_gives_a_sample_of_its_own() {
    let (c, sv) = (client(40000), server(40000));
    let a = answers(vec![
        c(0, Tcp::new("S", 100, 0)),
        c(1000, Tcp::new("S", 100, 0)),
        sv(1010, Tcp::new("SA", 500, 101)),
        c(1020, Tcp::new("A", 101, 501)),
        c(1030, Tcp::new("FA", 101, 501)),
        sv(1050, Tcp::new("FA", 501, 102)),
        c(1060, Tcp::new("A", 102, 502)),
    ]);
    let c = &a.connections[0];
    assert_eq!(c["status"], "S3F2");
    assert_eq!(f(&c["start_s"]), 0.0, "from the first SYN");
    assert_eq!(f(&c["end_s"]), 1.05);
    assert_eq!(
        a.samples,
        vec![
            sample("1", "SYN", 1010.0),
            sample("1", "SYN", 10.0),
            sample("1", "FIN", 20.0),
        ]
    );
    let rtt = &a.stats["rtt_s"];
    assert_eq!(
        (f(&rtt["min"]), f(&rtt["max"]), f(&rtt["n"])),
        (0.01, 1.01, 3.0)
    );
}

#[test]
fn a_fin_retransmitted_after_its_ack_ends_the_connection() {
    let (c, sv) = (client(40000), server(40000));
    let a = answers(vec![
        c(0, Tcp::new("S", 100, 0)),
        sv(10, Tcp::new("SA", 500, 101)),
        c(20, Tcp::new("A", 101, 501)),
        sv(30, Tcp::new("FA", 501, 101)),
        c(35, Tcp::new("A", 101, 502)),
        c(40, Tcp::new("FA", 101, 502)),
        sv(50, Tcp::new("A", 502, 102)),
        // the ACK was lost on the way to the client: it sends its FIN again
        c(300, Tcp::new("FA", 101, 502)),
        sv(312, Tcp::new("A", 502, 102)),
    ]);
    let c = &a.connections[0];
    assert_eq!(c["status"], "S2F3");
    assert_eq!(f(&c["end_s"]), 0.3, "the retransmitted FIN is the last FIN");
    assert_eq!(
        a.samples,
        vec![
            sample("1", "SYN", 10.0),
            sample("1", "FIN", 10.0),
            sample("1", "FIN", 12.0),
        ],
        "each FIN is matched to the first ACK after it"
    );
}

#[test]
fn the_source_is_the_sender_of_the_first_packet() {
    // The capture starts mid-connection with the server's data; the client's FIN closes it.
    let (c, sv) = (client(40000), server(40000));
    let a = answers(vec![
        sv(0, Tcp::new("PA", 500, 100).data(10)),
        c(5, Tcp::new("A", 100, 510)),
        c(10, Tcp::new("FA", 100, 510)),
        sv(20, Tcp::new("FA", 510, 101)),
        c(25, Tcp::new("A", 101, 511)),
    ]);
    let c = &a.connections[0];
    assert_eq!(
        (c["source_address"].as_str(), c["source_port"].as_str()),
        ("10.0.0.2", "80")
    );
    assert_eq!(c["status"], "S0F2");
    assert_eq!(c["complete"], "false", "no SYN: not complete");
    assert_eq!(c["end_s"], "", "times only for complete connections");
}

#[test]
fn complete_stats_on_the_three_connections() {
    let (_d, path) = write_temp("uvic.pcap", &three_connections());
    let stats: HashMap<String, HashMap<String, String>> = rt()
        .block_on(async { answer(&context_for(&[&path]).await, "tcp-complete-stats", &[]).await })
        .into_iter()
        .map(|r| (r["metric"].clone(), r))
        .collect();
    // One complete connection: 50 ms from SYN to the last FIN, two 10 ms RTT samples (its
    // SYN and its FIN), 10 packets, every window field 1000.
    let d = &stats["duration_s"];
    assert_eq!((f(&d["min"]), f(&d["max"])), (0.05, 0.05));
    let r = &stats["rtt_s"];
    assert_eq!(
        (f(&r["min"]), f(&r["mean"]), f(&r["max"]), f(&r["n"])),
        (0.01, 0.01, 0.01, 2.0)
    );
    assert_eq!(f(&stats["packets"]["mean"]), 10.0);
    assert_eq!(f(&stats["window_bytes"]["mean"]), 1000.0);
}

/// The tracker's per-flow SYN/FIN RTT summaries (what `tcp-complete-stats` reads) against
/// the `uvic_rtt_samples` view, which matches the same samples from `packets` with SQL:
/// per connection the same count, and the same sum, smallest and largest sample to the
/// nanosecond, on every bundled capture and the fixtures of this file.
#[test]
fn the_tracker_summarises_the_rtt_samples_the_view_lists() {
    let mut captures: Vec<std::path::PathBuf> = crate::support::shared_with(".capinfos.tsv");
    let (_d, fixture) = write_temp("uvic.pcap", &three_connections());
    captures.push(fixture);
    captures.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.pcap"));
    let (mut checked, mut samples) = (0, 0);
    for path in &captures {
        let specs = vec![pcapq::source::InputSpec::File(path.clone())];
        let args = pcapq::cli::TrackArgs::default();
        // A capture that cannot be converted (some of the malformed ones) has no answer.
        let Ok(sink) = pcapq::commands::data::convert_in_memory(specs, &args, None) else {
            continue;
        };
        let (by_view, by_tracker) = rt().block_on(async {
            let ctx = pcapq::query::session::from_memory(sink).await.unwrap();
            let view = sql_rows(
                &ctx,
                "SELECT connection, count(*) AS n, sum(rtt_s) AS sum, min(rtt_s) AS min, \
                 max(rtt_s) AS max FROM uvic_rtt_samples GROUP BY connection",
            )
            .await;
            let tracker = sql_rows(
                &ctx,
                "SELECT connection, rtt_n AS n, rtt_sum_ns / 1e9 AS sum, rtt_min_ns / 1e9 AS min, \
                 rtt_max_ns / 1e9 AS max FROM uvic_connections WHERE rtt_n > 0",
            )
            .await;
            (view, tracker)
        });
        let key = |rows: Vec<HashMap<String, String>>| {
            rows.into_iter()
                .map(|r| (r["connection"].clone(), r))
                .collect::<HashMap<_, _>>()
        };
        let (by_view, by_tracker) = (key(by_view), key(by_tracker));
        let name = path.display();
        assert_eq!(
            by_view.keys().collect::<std::collections::BTreeSet<_>>(),
            by_tracker.keys().collect::<std::collections::BTreeSet<_>>(),
            "{name}: connections with samples"
        );
        for (conn, v) in &by_view {
            let t = &by_tracker[conn];
            assert_eq!(v["n"], t["n"], "{name}: connection {conn}: samples");
            for part in ["sum", "min", "max"] {
                let (a, b) = (f(&v[part]), f(&t[part]));
                assert!(
                    (a - b).abs() <= 1e-9 * (1.0 + a.abs()),
                    "{name}: connection {conn}: {part} {a} (view) against {b} (tracker)"
                );
            }
            samples += f(&v["n"]) as usize;
        }
        checked += 1;
    }
    assert!(
        checked > 20 && samples > 60,
        "{checked} captures, {samples} samples"
    );
    crate::support::record_compared(
        "uvic_rtt_summaries",
        "the uvic_rtt_samples view (SQL over packets)",
        checked,
        samples,
    );
}
