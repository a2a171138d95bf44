//! `convert --partition-by hour|day`: hive-style folders per UTC hour or day, every row in
//! the folder of its time, and every catalog answer equal to the one-file dataset's.

use std::path::{Path, PathBuf};

use crate::fixture::{PcapOpts, Tcp, at, pcap, tcp, udp, write_temp};

use crate::support::{
    assert_same_rows, catalog_answers, pcapq_ok as pcapq, same_csv_line, sql_rows as rows,
};

fn convert(inputs: &[PathBuf], out: &Path, partition: &str) {
    let mut args = vec![
        "convert",
        "-q",
        "--force",
        "--partition-by",
        partition,
        "-o",
    ];
    args.push(out.to_str().unwrap());
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    pcapq(&args);
}

/// The folders holding a table's part files, relative to the table's folder.
fn partitions(ds: &Path, table: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![ds.join(table)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                let rel = dir.strip_prefix(ds.join(table)).unwrap();
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_answer_equals_the_one_file_datasets() {
    // Captures made years apart, read as one: many days and hours.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/pcaps/app"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    inputs.sort();
    let dir = tempfile::tempdir().unwrap();
    let (whole, hourly, daily) = (
        dir.path().join("whole"),
        dir.path().join("hourly"),
        dir.path().join("daily"),
    );
    convert(&inputs, &whole, "none");
    convert(&inputs, &hourly, "hour");
    convert(&inputs, &daily, "day");
    assert!(whole.join("packets.parquet").is_file());
    let hours = partitions(&hourly, "packets");
    let days = partitions(&daily, "packets");
    assert!(hours.len() > 10 && days.len() > 5, "{hours:?}");
    assert!(
        hours
            .iter()
            .all(|h| h.starts_with("date=") && h.contains("/hour="))
    );
    assert!(
        days.iter()
            .all(|d| d.starts_with("date=") && !d.contains('/'))
    );
    // Every row lies in the folder of its time.
    let placed = rows(
        &hourly,
        "SELECT count(*) FROM packets WHERE to_char(ts, '%Y-%m-%d/%H') IS NULL",
    );
    assert_eq!(placed, vec![r#""count(*)":0"#]);
    for table in ["packets", "flows", "dns", "http", "captures"] {
        let all = format!("SELECT * FROM {table}");
        assert!(rows(&whole, &all).len() > 1, "{table} has rows");
        for ds in [&hourly, &daily] {
            assert_same_rows(ds, &whole, &all, &format!("{table} in {}", ds.display()));
        }
    }
    let (got, want) = (catalog_answers(&hourly), catalog_answers(&whole));
    for (id, want) in &want {
        let got = &got[id];
        let same =
            got.len() == want.len() && got.iter().zip(want).all(|(g, w)| same_csv_line(g, w));
        assert!(same, "{id}: {got:?} against {want:?}");
    }
}

#[test]
fn a_flow_across_midnight_is_filed_by_its_start() {
    // 2026-11-22T23:59:59Z, then one packet a second across midnight.
    let start = 1_795_391_999_000_000_000i64;
    let frames = vec![
        tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp::new("S", 100, 0)),
        tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp::new("SA", 500, 101)),
        tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp::new("A", 101, 501)),
        udp("10.0.0.1", 5353, "10.0.0.9", 9999, 20),
    ];
    let bytes = pcap(&at(start, 1_000_000_000, frames), PcapOpts::default());
    let (dir, cap) = write_temp("midnight.pcap", &bytes);
    let ds = dir.path().join("ds");
    convert(&[cap], &ds, "hour");
    assert_eq!(
        partitions(&ds, "packets"),
        vec!["date=2026-11-22/hour=23", "date=2026-11-23/hour=00"]
    );
    // The TCP flow starts before midnight, the UDP one after.
    assert_eq!(
        partitions(&ds, "flows"),
        vec!["date=2026-11-22/hour=23", "date=2026-11-23/hour=00"]
    );
    assert!(partitions(&ds, "dns").is_empty(), "no DNS: an empty folder");
    assert_eq!(
        rows(&ds, "SELECT count(*) AS n FROM flows"),
        vec![r#""n":2"#]
    );
    // A time filter reads only the part whose times match: the other's statistics rule it
    // out.
    let plan = pcapq(&[
        "sql",
        "-d",
        ds.to_str().unwrap(),
        "--format",
        "csv",
        "EXPLAIN ANALYZE SELECT count(*) FROM packets WHERE ts >= '2026-11-23T00:00:00Z'",
    ]);
    assert!(
        plan.contains("row_groups_pruned_statistics=2 total → 1 matched"),
        "{plan}"
    );
}

/// The part files of a table's partition, with the rows of each of their row groups.
fn row_groups(ds: &Path, table: &str, partition: &str) -> Vec<Vec<i64>> {
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = ds.join(table).join(partition);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let reader = SerializedFileReader::new(std::fs::File::open(f).unwrap()).unwrap();
            let meta = reader.metadata();
            (0..meta.num_row_groups())
                .map(|i| meta.row_group(i).num_rows())
                .collect()
        })
        .collect()
}

#[test]
fn a_past_hour_is_flushed_and_its_late_flows_join_its_file() {
    // 2026-11-22T23:58:00Z: connection A (ends 00:20 with FIN, never idle 5 min) and
    // datagram B, then 5,000 one-datagram flows from 00:06. They end at 00:09, more than
    // 5 minutes into the next hour, so the 23:00 partition's row group is ended then; A,
    // ending later, is a second row group of the same file.
    let start = 1_795_391_880_000_000_000i64;
    let min = 60_000_000_000i64;
    let (a, b) = (("10.0.0.1", 40000), ("10.0.0.2", 80));
    let seg = |from_a: bool, flags: &'static str, seq: u32, ack: u32, data: usize| {
        let (s, d) = if from_a { (a, b) } else { (b, a) };
        tcp(s.0, s.1, d.0, d.1, Tcp::new(flags, seq, ack).data(data))
    };
    let mut recs = at(
        start,
        1_000_000,
        vec![
            seg(true, "S", 100, 0, 0),
            seg(false, "SA", 500, 101, 0),
            seg(true, "A", 101, 501, 0),
        ],
    );
    recs.extend(at(
        start + 10_000_000_000,
        1,
        vec![udp("10.0.0.3", 5000, "10.0.0.4", 6000, 8)],
    ));
    let keepalive =
        |at_min: i64, seq: u32| at(start + at_min * min, 1, vec![seg(true, "PA", seq, 501, 10)]);
    recs.extend(keepalive(4, 101));
    recs.extend(keepalive(7, 111));
    let many: Vec<Vec<u8>> = (0..5000u32)
        .map(|i| {
            udp(
                &format!("10.2.{}.{}", i / 250, i % 250 + 1),
                7000,
                "10.0.0.9",
                9,
                8,
            )
        })
        .collect();
    recs.extend(at(start + 8 * min, 1_000_000, many));
    recs.extend(keepalive(11, 121));
    // More than a frame batch (1,024 frames) of one flow, so A ends in a later batch.
    let filler = (0..1100).map(|_| udp("10.0.0.5", 5000, "10.0.0.6", 6000, 8));
    recs.extend(at(start + 13 * min, 1_000_000, filler.collect()));
    recs.extend(keepalive(15, 131));
    recs.extend(keepalive(19, 141));
    recs.extend(at(
        start + 22 * min,
        1_000_000,
        vec![
            seg(true, "FA", 151, 501, 0),
            seg(false, "FA", 501, 152, 0),
            seg(true, "A", 152, 502, 0),
        ],
    ));
    let (dir, cap) = write_temp("late.pcap", &pcap(&recs, PcapOpts::default()));
    let ds = dir.path().join("ds");
    pcapq(&[
        "convert",
        "-q",
        "--threads",
        "1",
        "--partition-by",
        "hour",
        "-o",
        ds.to_str().unwrap(),
        cap.to_str().unwrap(),
    ]);
    assert_eq!(
        partitions(&ds, "flows"),
        vec!["date=2026-11-22/hour=23", "date=2026-11-23/hour=00"]
    );
    assert_eq!(
        row_groups(&ds, "flows", "date=2026-11-22/hour=23"),
        vec![vec![1, 1]],
        "one file: B's row group, ended at 00:09, then A's"
    );
    assert_eq!(
        rows(
            &ds,
            "SELECT count(*) AS n, sum(CASE WHEN conn_state = 'SF' THEN 1 ELSE 0 END) AS sf FROM flows"
        ),
        vec![r#""n":5003,"sf":1"#]
    );
}
