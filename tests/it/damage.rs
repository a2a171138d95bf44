//! Bad input: truncated files, lying length fields, frames longer than the snap length,
//! files that are not captures. Never a panic, never a lost frame before the damage.

use std::process::Command;

use crate::fixture::{PcapOpts, Tcp, at, pcap, tcp, udp, write_temp};
use crate::support::convert;

const T0: i64 = 1_600_000_000_000_000_000;

fn pcapq(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn three_frames() -> Vec<u8> {
    pcap(
        &at(
            T0,
            1000,
            vec![
                tcp("10.0.0.1", 1000, "10.0.0.2", 80, Tcp::new("S", 1, 0)),
                udp("10.0.0.1", 53, "10.0.0.2", 53, 20),
                udp("10.0.0.2", 53, "10.0.0.1", 53, 30),
            ],
        ),
        PcapOpts::default(),
    )
}

#[test]
fn truncated_file_keeps_complete_frames() {
    let bytes = three_frames();
    let cut = &bytes[..bytes.len() - 10];
    let (dir, path) = write_temp("cut.pcap", cut);
    let out = convert(&[&path]);
    assert_eq!(out.packets.len(), 2);
    let damage = out.captures.col("damage")[0].clone();
    assert!(damage.starts_with("truncated"), "{damage}");
    let offset: usize = out.captures.col("damage_offset")[0].parse().unwrap();
    assert_eq!(
        offset,
        24 + (16 + 54) + (16 + 62),
        "offset of the third frame's header"
    );

    // The CLI warns once, names the file and the byte, and still writes the dataset.
    let ds = dir.path().join("ds");
    let (code, stderr) = pcapq(&[
        "convert",
        path.to_str().unwrap(),
        "-o",
        ds.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 0);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("cut.pcap") && warnings[0].contains(&format!("byte {offset}")),
        "{stderr}"
    );
    assert!(ds.join("packets.parquet").exists());

    // --strict refuses, writes nothing, exits 2.
    let strict = dir.path().join("strict");
    let (code, stderr) = pcapq(&[
        "convert",
        path.to_str().unwrap(),
        "-o",
        strict.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!strict.exists(), "nothing written under --strict");
    assert!(stderr.contains("cut.pcap"));
}

#[test]
fn a_length_field_claiming_gigabytes_is_damage_not_an_allocation() {
    let mut bytes = three_frames();
    // Third frame's caplen (at its header offset + 8) := 0x7fff_ffff.
    let third = 24 + (16 + 54) + (16 + 62);
    bytes[third + 8..third + 12].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    let (_d, path) = write_temp("liar.pcap", &bytes);
    let out = convert(&[&path]);
    assert_eq!(out.packets.len(), 2);
    let damage = out.captures.col("damage")[0].clone();
    assert!(
        damage.contains("2147483663") && damage.contains("limit"),
        "{damage}"
    );
}

#[test]
fn a_frame_longer_than_the_snap_length_is_kept_whole() {
    let recs = at(T0, 1000, vec![udp("10.0.0.1", 53, "10.0.0.2", 53, 200)]);
    let bytes = pcap(
        &recs,
        PcapOpts {
            snaplen: 64,
            ..PcapOpts::default()
        },
    );
    let (_d, path) = write_temp("over.pcap", &bytes);
    let out = convert(&[&path]);
    assert_eq!(
        out.packets.col("caplen"),
        vec![recs[0].data.len().to_string()]
    );
    assert_eq!(out.captures.col("frames_over_snaplen"), vec!["1"]);
    assert_eq!(out.packets.col("payload_len"), vec!["200"]);
}

#[test]
fn frames_cut_by_the_snap_length_decode_as_far_as_the_bytes_go() {
    let mut recs = at(
        T0,
        1000,
        vec![tcp(
            "10.0.0.1",
            1000,
            "10.0.0.2",
            80,
            Tcp::new("PA", 1, 1).data(500),
        )],
    );
    let wire = recs[0].data.len() as u32;
    recs[0].data.truncate(14 + 20 + 16); // Ethernet + IPv4 + 16 bytes of TCP
    recs[0].wire_len = wire;
    let (_d, path) = write_temp(
        "snap.pcap",
        &pcap(
            &recs,
            PcapOpts {
                snaplen: 50,
                ..PcapOpts::default()
            },
        ),
    );
    let out = convert(&[&path]);
    let row = &out.packets.rows(&[
        "src_port",
        "dst_port",
        "tcp_seq",
        "tcp_ack",
        "tcp_window",
        "payload_len",
        "decode_error",
    ])[0];
    assert_eq!(row["src_port"], "1000");
    assert_eq!(row["tcp_seq"], "1");
    assert_eq!(row["tcp_window"], "1000");
    assert_eq!(
        row["payload_len"], "500",
        "from the IP length, not the captured bytes"
    );
    assert!(
        row["decode_error"].contains("TCP header truncated: 16 of 20"),
        "{row:?}"
    );
}

#[test]
fn a_file_that_is_not_a_capture_fails_with_one_line_and_exit_code_2() {
    let (dir, path) = write_temp("page.html", b"<!DOCTYPE html><html></html>");
    let ds = dir.path().join("ds");
    let (code, stderr) = pcapq(&[
        "convert",
        path.to_str().unwrap(),
        "-o",
        ds.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("page.html")
            && stderr.contains("not a capture")
            && stderr.contains("<!DOCTYP"),
        "{stderr}"
    );
    assert!(!ds.exists());
    let missing = "/nonexistent/x.pcap";
    for args in [
        vec!["info", missing],
        vec!["convert", missing, "-o", "/nonexistent/ds"],
    ] {
        let (code, stderr) = pcapq(&args);
        assert_eq!(code, 2, "{stderr}");
        // The operating system's reason once, not repeated by the error chain.
        assert_eq!(
            stderr.trim_end(),
            "pcapq: error: /nonexistent/x.pcap: No such file or directory (os error 2)"
        );
    }
}

#[test]
fn an_empty_input_is_not_a_capture() {
    let (_d, path) = write_temp("empty.pcap", b"");
    let (code, stderr) = pcapq(&["info", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("empty"), "{stderr}");
}

#[test]
fn corrupt_gzip_keeps_what_decompressed() {
    use std::io::Write;
    let plain = three_frames();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let mut gz = gz.finish().unwrap();
    let n = gz.len();
    gz.truncate(n - 12); // lose the tail and the trailer
    let (_d, path) = write_temp("cut.pcap.gz", &gz);
    let out = convert(&[&path]);
    assert!(out.packets.len() <= 3);
    assert!(!out.captures.col("damage")[0].is_empty(), "damage recorded");
}

#[test]
fn every_malformed_shared_capture_is_read_without_panic() {
    let dir = crate::support::shared_pcaps();
    for entry in std::fs::read_dir(dir.join("malformed")).unwrap().flatten() {
        let p = entry.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".pcap") || name.ends_with(".pcapng")) {
            continue;
        }
        let out = convert(&[&p]);
        let frames: u64 = out.captures.col("frames")[0].parse().unwrap();
        assert_eq!(out.packets.len() as u64, frames, "{name}");
    }
}

#[test]
fn force_replaces_a_dataset_but_never_another_directory() {
    let bytes = three_frames();
    let (dir, path) = write_temp("ok.pcap", &bytes);
    let p = path.to_str().unwrap();
    let ds = dir.path().join("ds");
    let ds_s = ds.to_str().unwrap();
    assert_eq!(pcapq(&["convert", p, "-o", ds_s, "--quiet"]).0, 0);
    let (code, stderr) = pcapq(&["convert", p, "-o", ds_s, "--quiet"]);
    assert_eq!(code, 2, "exists without --force: {stderr}");
    assert_eq!(
        pcapq(&["convert", p, "-o", ds_s, "--quiet", "--force"]).0,
        0
    );
    let precious = dir.path().join("precious");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("thesis.tex"), "do not delete").unwrap();
    let (code, stderr) = pcapq(&["convert", p, "-o", precious.to_str().unwrap(), "--force"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a pcapq dataset"), "{stderr}");
    assert!(precious.join("thesis.tex").exists());
}
