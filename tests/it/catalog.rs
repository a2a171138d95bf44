//! Catalog queries against independent answers: capinfos (summary), numbers computed here
//! from tshark's field export (packet sizes), tshark's conversation tables (host pairs),
//! tcptrace (TCP connection counts), and hand-checked fixtures. The UVic report has its
//! own module (`uvic.rs`).

use std::collections::HashMap;
use std::path::Path;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::prelude::SessionContext;
use pcapq::cli::TrackArgs;
use pcapq::dataset::MemorySink;
use pcapq::query::{catalog, session};
use pcapq::source::InputSpec;

use crate::support::{read_tsv, shared_with, sibling};

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub async fn context_for(paths: &[&Path]) -> SessionContext {
    let specs = paths
        .iter()
        .map(|p| InputSpec::File(p.to_path_buf()))
        .collect();
    let sink: MemorySink =
        pcapq::commands::data::convert_in_memory(specs, &TrackArgs::default(), None).unwrap();
    session::from_memory(sink).await.unwrap()
}

/// The rows of any SQL statement, as maps of display strings ("" for null).
pub async fn sql_rows(ctx: &SessionContext, sql: &str) -> Vec<HashMap<String, String>> {
    let df = ctx.sql(sql).await.unwrap();
    let names: Vec<String> = df
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    rows(&names, &df.collect().await.unwrap())
}

/// A query's rows as maps of display strings ("" for null).
pub async fn answer(
    ctx: &SessionContext,
    id: &str,
    params: &[(&str, &str)],
) -> Vec<HashMap<String, String>> {
    let given: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (schema, batches, _) = catalog::find(id).unwrap().run(ctx, &given).await.unwrap();
    rows(
        &schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect::<Vec<_>>(),
        &batches,
    )
}

pub fn rows(names: &[String], batches: &[RecordBatch]) -> Vec<HashMap<String, String>> {
    let mut out = Vec::new();
    for b in batches {
        for i in 0..b.num_rows() {
            out.push(
                names
                    .iter()
                    .map(|n| {
                        let a = b.column_by_name(n).unwrap();
                        let v = if a.is_null(i) {
                            String::new()
                        } else {
                            array_value_to_string(a, i).unwrap()
                        };
                        (n.clone(), v)
                    })
                    .collect(),
            );
        }
    }
    out
}

pub fn f(v: &str) -> f64 {
    v.parse().unwrap_or_else(|_| panic!("not a number: {v:?}"))
}

#[test]
fn summary_matches_capinfos() {
    let rt = rt();
    for cap in shared_with(".capinfos.tsv") {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let c = &read_tsv(&sibling(&cap, ".capinfos.tsv"))[0];
        let s = rt
            .block_on(async { answer(&context_for(&[&cap]).await, "summary", &[]).await })
            .remove(0);
        assert_eq!(s["packets"], c["Number of packets"], "{name}: packets");
        assert_eq!(s["bytes"], c["Data size (bytes)"], "{name}: bytes");
        if c["Capture duration (seconds)"] != "n/a" {
            let d = f(&s["duration_s"]);
            assert!(
                (d - f(&c["Capture duration (seconds)"])).abs() < 1e-6,
                "{name}: duration {d}"
            );
            for (ours, theirs) in [
                ("bytes_per_s", "Data byte rate (bytes/sec)"),
                ("bits_per_s", "Data bit rate (bits/sec)"),
                ("packets_per_s", "Average packet rate (packets/sec)"),
                ("mean_packet_bytes", "Average packet size (bytes)"),
            ] {
                // capinfos takes the duration as the difference of two doubles of seconds
                // since 1970, whose spacing is ~1.2e-7 s today: its rates carry a relative
                // error of up to 2.4e-7 s / duration. pcapq subtracts nanoseconds exactly.
                let (a, b) = (f(&s[ours]), f(&c[theirs]));
                let rel = if ours == "mean_packet_bytes" || d == 0.0 {
                    0.0
                } else {
                    2.4e-7 / d
                };
                assert!(
                    (a - b).abs() <= 0.011 + b * rel,
                    "{name}: {ours} {a} vs capinfos {b}"
                );
            }
        }
    }
}

#[test]
fn packet_size_stats_match_tshark_frame_lengths() {
    let rt = rt();
    for cap in shared_with(".tshark-packets.tsv") {
        let mut sizes: Vec<f64> = read_tsv(&sibling(&cap, ".tshark-packets.tsv"))
            .iter()
            .map(|r| f(&r["frame.len"]))
            .collect();
        if sizes.is_empty() {
            continue;
        }
        sizes.sort_by(|a, b| a.partial_cmp(b).unwrap());
        // Linear interpolation between closest ranks (numpy's default, SQL's percentile_cont).
        let q = |p: f64| {
            let pos = p * (sizes.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            sizes[lo] + (sizes[hi] - sizes[lo]) * (pos - lo as f64)
        };
        let mean = sizes.iter().sum::<f64>() / sizes.len() as f64;
        let s = rt
            .block_on(async { answer(&context_for(&[&cap]).await, "packet-size-stats", &[]).await })
            .remove(0);
        let name = cap.display();
        assert_eq!(f(&s["min_bytes"]), sizes[0], "{name}");
        assert_eq!(f(&s["max_bytes"]), *sizes.last().unwrap(), "{name}");
        assert!((f(&s["mean_bytes"]) - mean).abs() < 1e-9, "{name}");
        assert!(
            (f(&s["median_bytes"]) - q(0.5)).abs() < 1e-9,
            "{name}: median"
        );
        assert!(
            (f(&s["p90_bytes"]) - q(0.9)).abs() < 1e-9,
            "{name}: p90 {} vs {}",
            s["p90_bytes"],
            q(0.9)
        );
        assert!((f(&s["q1_bytes"]) - q(0.25)).abs() < 1e-9, "{name}: q1");
    }
}

/// tshark's `frame.time_epoch` ("1700000000.123456000") as integer nanoseconds.
fn epoch_ns(text: &str) -> i64 {
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<9}");
    secs.parse::<i64>().unwrap() * 1_000_000_000 + frac[..9].parse::<i64>().unwrap()
}

#[test]
fn interarrival_cdf_is_the_empirical_cdf_of_tshark_frame_times() {
    let rt = rt();
    let points = 20i64;
    let mut checked = 0;
    for cap in shared_with(".tshark-packets.tsv") {
        let mut times: Vec<i64> = read_tsv(&sibling(&cap, ".tshark-packets.tsv"))
            .iter()
            .map(|r| epoch_ns(&r["frame.time_epoch"]))
            .collect();
        if times.len() < 2 {
            continue;
        }
        times.sort();
        let mut gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.sort();
        let n = gaps.len() as i64;
        let at_most = |g: i64| gaps.partition_point(|&x| x <= g) as i64;
        // Every distinct gap where the count of gaps up to it passes a multiple of
        // n / points, and the smallest and largest.
        let step = (n / points).max(1);
        let mut expected = Vec::new();
        let mut distinct = gaps.clone();
        distinct.dedup();
        for (i, &g) in distinct.iter().enumerate() {
            let cum = at_most(g);
            let before = if i == 0 { 0 } else { at_most(distinct[i - 1]) };
            if i == 0 || cum == n || cum / step != before / step {
                expected.push((g, cum as f64 / n as f64));
            }
        }
        let got = rt.block_on(async {
            answer(
                &context_for(&[&cap]).await,
                "interarrival-cdf",
                &[("points", &points.to_string())],
            )
            .await
        });
        let name = cap.display();
        assert_eq!(got.len(), expected.len(), "{name}: rows");
        for (row, (gap, cdf)) in got.iter().zip(&expected) {
            // Seconds as a double: exact to the nanosecond up to ~100 days.
            let got_gap = f(&row["interarrival_s"]) * 1e9;
            let tolerance = 0.5 + *gap as f64 * 1e-15;
            assert!(
                (got_gap - *gap as f64).abs() <= tolerance,
                "{name}: gap {got_gap} vs {gap}"
            );
            assert!(
                (f(&row["cdf"]) - cdf).abs() < 1e-12,
                "{name}: cdf at {gap} ns"
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} captures checked");
    crate::support::record_compared(
        "interarrival_cdf_vs_tshark",
        "tshark frame times",
        checked,
        checked,
    );
}

#[test]
fn host_pairs_count_tshark_conversations() {
    let rt = rt();
    let mut compared = 0;
    for cap in shared_with(".tshark-conv.txt") {
        let text = std::fs::read_to_string(sibling(&cap, ".tshark-conv.txt")).unwrap();
        // Conversations per unordered address pair, from the TCP and UDP tables.
        let mut conv: HashMap<(String, String), u64> = HashMap::new();
        let mut section = "";
        for line in text.lines() {
            if line.ends_with("Conversations") {
                section = if line.starts_with("TCP") || line.starts_with("UDP") {
                    "l4"
                } else {
                    ""
                };
            } else if section == "l4" && line.contains("<->") {
                let t: Vec<&str> = line.split_whitespace().collect();
                let a = t[0].rsplit_once(':').unwrap().0.to_string();
                let b = t[2].rsplit_once(':').unwrap().0.to_string();
                let key = if a <= b { (a, b) } else { (b, a) };
                *conv.entry(key).or_default() += 1;
            }
        }
        let (pairs, protos, split_tuples) = rt.block_on(async {
            let ctx = context_for(&[&cap]).await;
            let p = answer(&ctx, "top-pairs-by-flows", &[("n", "1000")]).await;
            let df = ctx
                .sql("SELECT DISTINCT proto FROM flows")
                .await
                .unwrap()
                .collect()
                .await
                .unwrap();
            let protos = rows(&["proto".to_string()], &df)
                .into_iter()
                .map(|r| r["proto"].clone())
                .collect::<Vec<_>>();
            // 5-tuples that pcapq split into several flows (an idle timeout, a reused port).
            let df = ctx
                .sql(
                    "SELECT count(*) - count(DISTINCT proto || least(orig_ip || ' ' || \
                     CAST(orig_port AS VARCHAR), resp_ip || ' ' || CAST(resp_port AS VARCHAR)) \
                     || greatest(orig_ip || ' ' || CAST(orig_port AS VARCHAR), resp_ip || ' ' \
                     || CAST(resp_port AS VARCHAR))) AS split FROM flows",
                )
                .await
                .unwrap()
                .collect()
                .await
                .unwrap();
            let split = rows(&["split".to_string()], &df)[0]["split"].clone();
            (p, protos, split != "0")
        });
        // tshark's conversations never end: a 5-tuple that pcapq split into two flows (an
        // idle timeout, a new SYN on a closed connection's ports) is one conversation there.
        if split_tuples {
            eprintln!(
                "{}: a 5-tuple spans several flows (timeout or reuse); tshark counts one conversation",
                cap.display()
            );
            continue;
        }
        // Only captures whose flows are all TCP/UDP: tshark's tables hold no ICMP.
        if protos.iter().any(|p| p != "tcp" && p != "udp") {
            continue;
        }
        for r in &pairs {
            let (a, b) = (r["host_a"].clone(), r["host_b"].clone());
            let key = if a <= b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            };
            if let Some(n) = conv.get(&key) {
                assert_eq!(f(&r["flows"]) as u64, *n, "{}: {a} - {b}", cap.display());
                compared += 1;
            }
        }
    }
    assert!(compared >= 5, "only {compared} pairs compared");
}

#[test]
fn tcp_general_agrees_with_tcptrace() {
    let rt = rt();
    for cap in shared_with(".tcptrace.txt") {
        let text = std::fs::read_to_string(sibling(&cap, ".tcptrace.txt")).unwrap();
        if let Some(error) = crate::support::tcptrace_error(&text) {
            eprintln!("{}: tcptrace could not read it ({error})", cap.display());
            continue;
        }
        let traced: u64 = text
            .lines()
            .find(|l| l.contains("TCP connection") && l.contains("traced"))
            .and_then(|l| l.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        let resets = text.matches("complete conn: RESET").count() as f64;
        let g = rt
            .block_on(async { answer(&context_for(&[&cap]).await, "tcp-general", &[]).await })
            .remove(0);
        let name = cap.display();
        // A TCP header with a bogus length belongs to no connection (see flows_vs_tools);
        // tcptrace does not decode MPLS, so it misses the labelled connection.
        if name.to_string().contains("heapoverflow-tcp_print") || name.to_string().contains("mpls")
        {
            continue;
        }
        assert_eq!(f(&g["connections"]) as u64, traced, "{name}: connections");
        assert_eq!(f(&g["reset"]), resets, "{name}: reset connections");
        assert_eq!(
            f(&g["open_at_end"]),
            f(&g["connections"]) - f(&g["complete"]),
            "{name}"
        );
    }
}

#[test]
fn traffic_over_time_shows_gaps_as_zero() {
    use crate::fixture::{PcapOpts, at, pcap, udp};
    let t0 = 1_700_000_000_000_000_000i64 / 3_600_000_000_000 * 3_600_000_000_000;
    let hour = 3_600_000_000_000i64;
    let mk = |h: i64| {
        pcap(
            &at(
                t0 + h * hour,
                1_000_000,
                vec![udp("10.0.0.1", 1, "10.0.0.2", 2, 10); 3],
            ),
            PcapOpts::default(),
        )
    };
    let (_a, h0) = crate::fixture::write_temp("h0.pcap", &mk(0));
    let (_b, h3) = crate::fixture::write_temp("h3.pcap", &mk(3));
    let rt = rt();
    let r = rt.block_on(async {
        answer(
            &context_for(&[&h0, &h3]).await,
            "traffic-over-time",
            &[("bucket", "hour")],
        )
        .await
    });
    let packets: Vec<String> = r.iter().map(|r| r["packets"].clone()).collect();
    assert_eq!(packets, vec!["3", "0", "0", "3"]);
}

/// The `protocols` query's stacks of flows carried in tunnels name the tunnel's layers as
/// tshark's `frame.protocols` names them. Expected stacks are tshark 4's own for these
/// traces (`tshark -T fields -e frame.protocols`, less its trailing `data`).
#[test]
fn tunnelled_stacks_name_their_tunnels_as_tshark_does() {
    for (trace, stacks) in [
        (
            "tunnel-gre.pcap",
            &[
                "eth:ethertype:ip:gre:ip:tcp:ssh",
                "eth:ethertype:ip:gre:ip:udp:ntp",
            ][..],
        ),
        (
            "tunnel-vxlan.pcap",
            &["eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp"],
        ),
        (
            "tunnel-gtp-inner-ipv6.pcap",
            &["eth:ethertype:ip:udp:gtp:ipv6:icmpv6"],
        ),
        (
            "tunnel-ayiya.pcap",
            &["eth:ethertype:ip:udp:ayiya:ipv6:tcp:http"],
        ),
    ] {
        let cap = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/pcaps/zeek-baselines")
            .join(trace);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pcapq"))
            .args([
                "query",
                "-i",
                cap.to_str().unwrap(),
                "protocols",
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for stack in stacks {
            assert!(
                text.lines()
                    .any(|l| l.starts_with("stack,") && l.contains(&format!(",{stack},"))),
                "{trace}: no stack {stack} in\n{text}"
            );
        }
    }
}
