//! Capture formats the project writes itself: pcap in both byte orders and resolutions,
//! pcapng with two interfaces of different resolution, gzip, zstd, stdin, and several
//! files whose times interleave.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::fixture::{
    NgInterface, PcapOpts, Rec, Tcp, at, pcap, pcapng_section, tcp, udp, write_temp,
};
use crate::support::convert;

const T0: i64 = 1_700_000_000_123_456_789;

fn sample_frames() -> Vec<Vec<u8>> {
    vec![
        tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp::new("S", 100, 0)),
        tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp::new("SA", 500, 101)),
        udp("10.0.0.1", 5353, "10.0.0.3", 53, 30),
        udp("2001:db8::1", 5353, "2001:db8::2", 53, 40),
    ]
}

#[test]
fn pcap_byte_orders_and_resolutions_read_the_same() {
    let recs = at(T0, 1_000_001, sample_frames());
    let mut seen = Vec::new();
    for big_endian in [false, true] {
        for nanos in [false, true] {
            let bytes = pcap(
                &recs,
                PcapOpts {
                    big_endian,
                    nanos,
                    ..PcapOpts::default()
                },
            );
            let (_d, path) = write_temp("x.pcap", &bytes);
            let out = convert(&[&path]);
            assert_eq!(out.packets.len(), 4);
            let ts = out.packets.ints("ts");
            let want: Vec<i64> = recs
                .iter()
                .map(|r| {
                    if nanos {
                        r.ts_ns
                    } else {
                        r.ts_ns / 1000 * 1000
                    }
                })
                .collect();
            assert_eq!(
                ts.iter().map(|t| t.unwrap()).collect::<Vec<_>>(),
                want,
                "be={big_endian} ns={nanos}"
            );
            assert_eq!(
                out.captures.col("ts_precision"),
                vec![if nanos { "ns" } else { "us" }]
            );
            seen.push(out.packets.col("src_ip"));
        }
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn pcapng_interfaces_keep_their_own_resolution() {
    let ifaces = [
        NgInterface {
            link_type: 1,
            tsresol: 6,
        },
        NgInterface {
            link_type: 1,
            tsresol: 9,
        },
    ];
    let mut recs = at(T0, 1_000, sample_frames());
    recs[1].interface = 1;
    recs[3].interface = 1;
    let (_d, path) = write_temp("x.pcapng", &pcapng_section(&ifaces, &recs));
    let out = convert(&[&path]);
    let ts: Vec<i64> = out
        .packets
        .ints("ts")
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(ts[0], recs[0].ts_ns / 1000 * 1000, "µs interface truncates");
    assert_eq!(ts[1], recs[1].ts_ns, "ns interface keeps nanoseconds");
    assert_eq!(out.packets.col("interface_id"), vec!["0", "1", "0", "1"]);
    assert_eq!(out.captures.col("ts_precision"), vec!["us,ns"]);
    assert_eq!(out.captures.col("interfaces"), vec!["2"]);
}

#[test]
fn pcapng_sections_reset_interfaces() {
    let a = pcapng_section(
        &[NgInterface {
            link_type: 1,
            tsresol: 6,
        }],
        &at(T0, 1000, sample_frames()[..2].to_vec()),
    );
    let mut b_recs = at(
        T0 + 10_000,
        1000,
        vec![udp("10.1.1.1", 1, "10.1.1.2", 2, 4)],
    );
    b_recs[0].data = b_recs[0].data[14..].to_vec(); // raw IP in the second section
    b_recs[0].wire_len = b_recs[0].data.len() as u32;
    let b = pcapng_section(
        &[NgInterface {
            link_type: 101,
            tsresol: 9,
        }],
        &b_recs,
    );
    let (_d, path) = write_temp("two-sections.pcapng", &[a, b].concat());
    let out = convert(&[&path]);
    assert_eq!(out.packets.len(), 3);
    assert_eq!(out.packets.col("src_ip")[2], "10.1.1.1");
    assert_eq!(out.captures.col("link_types"), vec!["ether,rawip"]);
}

#[test]
fn gzip_and_zstd_are_recognised_by_their_bytes() {
    let plain = pcap(&at(T0, 1000, sample_frames()), PcapOpts::default());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let zst = zstd::encode_all(&plain[..], 3).unwrap();
    // Misleading names on purpose: the magic bytes decide.
    for (name, bytes, kind) in [("a.pcap", gz, "gzip"), ("b.pcap.gz", zst, "zstd")] {
        let (_d, path) = write_temp(name, &bytes);
        let out = convert(&[&path]);
        assert_eq!(out.packets.len(), 4, "{kind}");
        assert_eq!(out.captures.col("compression"), vec![kind]);
    }
}

#[test]
fn several_files_are_merged_in_time_order() {
    let frames = sample_frames();
    let a: Vec<Rec> = at(T0, 2_000, frames.clone()); // t0, t0+2, t0+4, t0+6 µs
    let b: Vec<Rec> = at(T0 + 1_000, 2_000, frames); // t0+1, t0+3, …
    let (_d1, pa) = write_temp(
        "a.pcap",
        &pcap(
            &a,
            PcapOpts {
                nanos: true,
                ..PcapOpts::default()
            },
        ),
    );
    let (_d2, pb) = write_temp(
        "b.pcap",
        &pcap(
            &b,
            PcapOpts {
                nanos: true,
                ..PcapOpts::default()
            },
        ),
    );
    let out = convert(&[&pa, &pb]);
    let ts: Vec<i64> = out
        .packets
        .ints("ts")
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "rows in time order");
    assert_eq!(
        out.packets.col("capture_id"),
        vec!["0", "1", "0", "1", "0", "1", "0", "1"]
    );
    assert_eq!(
        out.packets.col("frame"),
        vec!["1", "1", "2", "2", "3", "3", "4", "4"]
    );
    assert_eq!(out.captures.len(), 2);
}

#[test]
fn hourly_files_with_a_gap_read_as_one_capture() {
    let hour = 3_600_000_000_000i64;
    let mk = |h: i64| {
        pcap(
            &at(T0 + h * hour, 1_000_000, sample_frames()),
            PcapOpts::default(),
        )
    };
    // Hours 0, 1 and 3 (hour 2 missing), given out of order.
    let (_d, p3) = write_temp("h3.pcap", &mk(3));
    let (_d0, p0) = write_temp("h0.pcap", &mk(0));
    let (_d1, p1) = write_temp("h1.pcap", &mk(1));
    let out = convert(&[&p3, &p0, &p1]);
    assert_eq!(out.packets.len(), 12);
    assert_eq!(
        &out.packets.col("capture_id")[..5],
        ["1", "1", "1", "1", "2"]
    );
}

#[test]
fn stdin_is_read_when_the_input_is_a_dash() {
    let bytes = pcap(&at(T0, 1000, sample_frames()), PcapOpts::default());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ds");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args(["convert", "-", "-o"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Write in small pieces, as a pipe from tcpdump would.
    let mut stdin = child.stdin.take().unwrap();
    for chunk in bytes.chunks(7) {
        stdin.write_all(chunk).unwrap();
    }
    drop(stdin);
    let result = child.wait_with_output().unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(out.join("packets.parquet").exists());
    let summary = String::from_utf8_lossy(&result.stderr);
    assert!(summary.contains("4 frames"), "summary line: {summary}");
}

#[test]
fn without_flows_the_flow_columns_are_null_and_the_rest_unchanged() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.pcap");
    let with = convert(&[&example]);
    let without = crate::support::convert_with(&[&example], None);
    assert_eq!(without.packets.len(), 902);
    assert_eq!(without.flows.len(), 0);
    for column in [
        "flow_id",
        "from_orig",
        "tcp_retransmission",
        "tcp_dup_ack",
        "tcp_zero_window",
    ] {
        assert!(
            without.packets.col(column).iter().all(|v| v.is_empty()),
            "{column} is null without flows"
        );
        assert!(with.packets.col(column).iter().any(|v| !v.is_empty()));
    }
    for column in [
        "frame",
        "ts",
        "src_ip",
        "dst_ip",
        "tcp_flags_str",
        "payload_len",
    ] {
        assert_eq!(
            with.packets.col(column),
            without.packets.col(column),
            "{column}"
        );
    }
}
