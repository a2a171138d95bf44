//! `convert --append`: a dataset built batch by batch equals one conversion of the same
//! captures (same rows in every table, same catalog answers, no flow counted twice), and
//! an append killed half-way leaves the dataset as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::{PcapOpts, at, pcap, udp, write_temp};
use crate::support::{
    assert_same_rows, catalog_answers, pcapq_ok as pcapq, same_csv_line, sql_rows as rows,
};

/// Splits a legacy pcap into `parts` files of consecutive frames (the cut falls inside
/// connections), named `part-N.pcap` in `dir`.
fn split_pcap(capture: &Path, parts: usize, dir: &Path) -> Vec<PathBuf> {
    let bytes = std::fs::read(capture).unwrap();
    let (header, mut rest) = bytes.split_at(24);
    let little = header[..4] == [0xd4, 0xc3, 0xb2, 0xa1] || header[..4] == [0x4d, 0x3c, 0xb2, 0xa1];
    let mut records = Vec::new();
    while rest.len() >= 16 {
        let field = [rest[8], rest[9], rest[10], rest[11]];
        let caplen = if little {
            u32::from_le_bytes(field)
        } else {
            u32::from_be_bytes(field)
        } as usize;
        let (record, tail) = rest.split_at(16 + caplen);
        records.push(record);
        rest = tail;
    }
    let per_part = records.len().div_ceil(parts);
    records
        .chunks(per_part)
        .enumerate()
        .map(|(i, chunk)| {
            let path = dir.join(format!("part-{i}.pcap"));
            let mut out = header.to_vec();
            chunk.iter().for_each(|r| out.extend_from_slice(r));
            std::fs::write(&path, out).unwrap();
            path
        })
        .collect()
}

fn strs(paths: &[PathBuf]) -> Vec<&str> {
    paths.iter().map(|p| p.to_str().unwrap()).collect()
}

/// Appends `parts` one batch at a time into `ds`, then checks every table and catalog
/// answer against `whole`.
fn append_and_compare(parts: &[PathBuf], whole: &Path, ds: &Path, extra: &[&str]) {
    for part in parts {
        let mut args = vec!["convert", "-q", "--append", "-o", ds.to_str().unwrap()];
        args.extend(extra);
        args.push(part.to_str().unwrap());
        pcapq(&args);
    }
    // The one known difference: an HTTP body still coming at the end of a batch is
    // counted up to there (docs/differences.md); every other column is equal.
    let http = "SELECT * EXCLUDE (request_body_len, response_body_len) FROM http";
    let spanning =
        "SELECT flow_id FROM packets GROUP BY flow_id HAVING count(DISTINCT capture_id) > 1";
    let whole_bodies = format!(
        "SELECT flow_id, trans_depth, request_body_len, response_body_len FROM http \
         WHERE flow_id NOT IN ({spanning})"
    );
    for (name, sql) in [
        ("packets", "SELECT * FROM packets"),
        ("flows", "SELECT * FROM flows"),
        ("dns", "SELECT * FROM dns"),
        ("http", http),
        ("http body lengths", whole_bodies.as_str()),
        ("captures", "SELECT * FROM captures"),
    ] {
        assert_same_rows(ds, whole, sql, name);
    }
    let (got, want) = (catalog_answers(ds), catalog_answers(whole));
    // The same difference shows in http-requests' response_body_bytes, its last column.
    let known = |id: &str, lines: &[String]| -> Vec<String> {
        if id != "http-requests" {
            return lines.to_vec();
        }
        assert!(lines.iter().any(|l| l.ends_with(",response_body_bytes")));
        lines
            .iter()
            .map(|l| {
                l.rsplit_once(',')
                    .map_or(l.as_str(), |(head, _)| head)
                    .to_string()
            })
            .collect()
    };
    for (id, want) in &want {
        let (got, want) = (&known(id, &got[id]), &known(id, want));
        let same =
            got.len() == want.len() && got.iter().zip(want).all(|(g, w)| same_csv_line(g, w));
        assert!(same, "{id}: {got:?} against {want:?}");
    }
}

#[test]
fn appending_batches_equals_one_conversion() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let parts = split_pcap(&root.join("examples/example.pcap"), 3, dir.path());
    let whole = dir.path().join("whole");
    let mut args = vec!["convert", "-q", "-o", whole.to_str().unwrap()];
    args.extend(strs(&parts));
    pcapq(&args);
    // Connections go on across the cuts: the test is about them.
    let spanning = rows(
        &whole,
        "SELECT count(*) AS n FROM (SELECT flow_id FROM packets GROUP BY flow_id \
         HAVING count(DISTINCT capture_id) > 1)",
    );
    assert_ne!(spanning, vec![r#""n":0"#], "no flow spans two parts");

    let ds = dir.path().join("appended");
    append_and_compare(&parts, &whole, &ds, &[]);
    // Nothing provisional is left but the last batch's.
    let open: Vec<_> = std::fs::read_dir(ds.join("flows"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("open-"))
        .collect();
    assert_eq!(open, vec!["open-b000003.parquet"]);
}

/// A DNS answer in IPv6 fragments cut by the end of a batch: the fragments still waiting are
/// kept with the dataset, and the next batch puts the datagram together as one conversion
/// does (the same `reassembled` row, DNS answer and flow).
#[test]
fn a_datagram_cut_between_batches_is_reassembled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    // Eight frames in three parts: frames 6 | 7 and 8, the fragments of one answer, apart.
    let parts = split_pcap(
        &root.join("tests/pcaps/zeek/ipv6-fragmented-dns.pcap"),
        3,
        dir.path(),
    );
    assert_eq!(parts.len(), 3);
    let whole = dir.path().join("whole");
    let mut args = vec!["convert", "-q", "-o", whole.to_str().unwrap()];
    args.extend(strs(&parts));
    pcapq(&args);
    assert_eq!(
        rows(
            &whole,
            "SELECT capture_id, frame FROM packets WHERE fragment = 'reassembled'"
        ),
        vec![r#""capture_id":2,"frame":2"#]
    );
    let ds = dir.path().join("appended");
    append_and_compare(&parts, &whole, &ds, &[]);
}

#[test]
fn appending_partitioned_batches_equals_one_conversion() {
    // The application captures, years apart, each split in two (inside HTTP, DNS and TLS
    // conversations), appended in time order into an hourly dataset.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut captures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/pcaps/app"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    captures.sort();
    let mut parts = Vec::new();
    for (i, capture) in captures.iter().enumerate() {
        let sub = dir.path().join(format!("c{i}"));
        std::fs::create_dir(&sub).unwrap();
        parts.extend(split_pcap(capture, 2, &sub));
    }
    // In time order, as rotating captures arrive.
    let first_ts = |p: &PathBuf| {
        let b = std::fs::read(p).unwrap();
        b.get(24..28)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    };
    parts.sort_by_key(first_ts);
    let whole = dir.path().join("whole");
    let mut args = vec![
        "convert",
        "-q",
        "--partition-by",
        "hour",
        "-o",
        whole.to_str().unwrap(),
    ];
    args.extend(strs(&parts));
    pcapq(&args);
    let ds = dir.path().join("appended");
    append_and_compare(&parts, &whole, &ds, &["--partition-by", "hour"]);
}

/// A capture of `n` UDP packets between many hosts, one every microsecond.
fn many_packets(n: usize) -> Vec<u8> {
    let frames = (0..n)
        .map(|i| {
            let src = format!("10.{}.{}.{}", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
            udp(&src, 40000, "192.0.2.1", 53, 40)
        })
        .collect();
    pcap(
        &at(1_795_391_999_000_000_000, 1_000, frames),
        PcapOpts::default(),
    )
}

/// Every file below `dir` (pcapq's lock and leftover staging aside) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            let name = rel.to_string_lossy();
            if name.contains("staging-") || name.ends_with("lock") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// `pcapq convert -q --append -o ds capture`, as a command not yet run.
fn append_command(ds: &Path, capture: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pcapq"));
    command
        .args(["convert", "-q", "--append", "-o"])
        .arg(ds)
        .arg(capture);
    command
}

#[test]
fn a_killed_append_leaves_the_dataset_as_it_was() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let run = |mut c: Command| assert!(c.status().unwrap().success());
    run(append_command(&ds, &root.join("examples/example.pcap")));
    let before = snapshot(&ds);
    let summary = || rows(&ds, "SELECT * FROM captures");
    let answer = summary();

    let (_keep, big) = write_temp("big.pcap", &many_packets(1_500_000));
    let mut child = append_command(&ds, &big)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once it has started writing its batch.
    let staging = ds.join("_pcapq/staging-b000002");
    let started = Instant::now();
    while !staging.join("packets").is_dir() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the append finished before it was killed"
    );
    assert_eq!(
        snapshot(&ds),
        before,
        "the killed append changed the dataset"
    );
    assert_eq!(summary(), answer);

    // The next append cleans up and works.
    run(append_command(&ds, &big));
    assert!(!staging.exists());
    let frames = rows(&ds, "SELECT sum(frames) AS n FROM captures");
    assert_eq!(rows(&ds, "SELECT count(*) AS n FROM packets"), frames);
    assert_eq!(
        rows(&ds, "SELECT count(*) AS n FROM captures"),
        vec![r#""n":2"#]
    );
}

/// The one-line error of a failing pcapq run.
fn pcapq_err(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success(), "pcapq {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

#[test]
fn an_append_must_match_the_dataset() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let capture = root.join("examples/example.pcap");
    let capture = capture.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let ds = ds.to_str().unwrap();
    pcapq(&[
        "convert",
        "-q",
        "--append",
        "--partition-by",
        "hour",
        "-o",
        ds,
        capture,
    ]);
    let err = pcapq_err(&[
        "convert",
        "-q",
        "--append",
        "--partition-by",
        "day",
        "-o",
        ds,
        capture,
    ]);
    assert!(
        err.ends_with(
            "was converted with --partition-by hour (this run: day): append with the same options"
        ),
        "{err}"
    );
    let err = pcapq_err(&[
        "convert",
        "-q",
        "--append",
        "--tcp-timeout",
        "10",
        "-o",
        ds,
        capture,
    ]);
    assert!(
        err.contains("was converted with the tracking options --tcp-timeout 300"),
        "{err}"
    );
    // Without --partition-by, an append takes the dataset's.
    pcapq(&["convert", "-q", "--append", "-o", ds, capture]);
    assert!(Path::new(ds).join("_pcapq/state").is_file());

    let plain = dir.path().join("plain");
    let plain = plain.to_str().unwrap();
    pcapq(&["convert", "-q", "-o", plain, capture]);
    let err = pcapq_err(&["convert", "-q", "--append", "-o", plain, capture]);
    assert!(err.ends_with("was made without --append: convert its captures again with --append to be able to add to it"), "{err}");
    let err = pcapq_err(&["convert", "-q", "--append", "--force", "-o", plain, capture]);
    assert!(err.contains("cannot be used with"), "{err}");
}
