//! `pcapq sql` output as a user runs it: every format, results larger than a pipe's
//! buffer, and a reader that stops early (`| head`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.pcap")
}

fn sql(query: &str, extra: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args(["sql", "-i"])
        .arg(example())
        .arg(query)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_format_carries_every_row() {
    let q = "SELECT frame, src_ip, tcp_flags_str FROM packets ORDER BY frame";
    let (ok, table, err) = sql(q, &[]);
    assert!(ok, "{err}");
    // 902 rows, a header and three rules.
    assert_eq!(table.lines().count(), 902 + 4, "{}", &table[..200]);
    assert!(table.starts_with("+-------+"), "{}", &table[..200]);
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("| frame | src_ip")
    );

    let (ok, csv, err) = sql(q, &["--format", "csv"]);
    assert!(ok, "{err}");
    assert_eq!(csv.lines().count(), 903);
    assert_eq!(csv.lines().next().unwrap(), "frame,src_ip,tcp_flags_str");
    assert!(csv.lines().nth(1).unwrap().starts_with("1,"));

    let (ok, json, err) = sql(q, &["--format", "json"]);
    assert!(ok, "{err}");
    assert!(
        json.starts_with("[{\"frame\":1,") && json.ends_with("}]\n"),
        "{json:.200}"
    );
    assert_eq!(json.matches("{\"frame\":").count(), 902);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rows.parquet");
    let (ok, _, err) = sql(q, &["--format", "parquet", "-o", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let reader = datafusion::parquet::file::reader::SerializedFileReader::new(
        std::fs::File::open(&file).unwrap(),
    )
    .unwrap();
    use datafusion::parquet::file::reader::FileReader;
    assert_eq!(reader.metadata().file_metadata().num_rows(), 902);
}

#[test]
fn empty_results_still_name_their_columns() {
    let q = "SELECT frame, ts FROM packets WHERE frame < 0";
    assert_eq!(sql(q, &[]).1, "frame | ts\n(0 rows)\n");
    assert_eq!(sql(q, &["--format", "csv"]).1, "frame,ts\n");
    assert_eq!(sql(q, &["--format", "json"]).1, "[]\n");
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    for format in ["table", "csv", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pcapq"))
            .args(["sql", "-i"])
            .arg(example())
            .args(["SELECT * FROM packets", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        // stdout is closed here, with most of the ~1 MB result unread.
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_failed_query_leaves_no_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    // Fails while running (not while planning): the cast of a non-numeric string.
    let (ok, _, err) = sql(
        "SELECT CAST(CASE WHEN frame > 900 THEN 'x' ELSE '1' END AS INT) AS v FROM packets",
        &["--format", "csv", "-o", file.to_str().unwrap()],
    );
    assert!(!ok);
    assert!(err.contains("error"), "{err}");
    assert!(!file.exists(), "partial output removed");
}

#[test]
fn bad_sql_is_one_line_with_its_position_and_exit_code_2() {
    let run = |query: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_pcapq"))
            .args(["sql", "-i"])
            .arg(example())
            .arg(query)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{query}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{query}: {err}");
        err
    };
    assert!(run("SELECT count(* FROM packets").contains("Line: 1, Column: 16"));
    assert!(run("SELECT nosuch FROM packets").contains("No field named nosuch"));
    let err = run("SELECT * FROM packet");
    assert!(err.contains("'pcapq.public.packet' not found"), "{err}");
    assert!(
        err.contains("the tables are packets, flows, dns, http, captures"),
        "{err}"
    );
}
