//! `convert --threads N`: the flows split across N tracker threads by address pair give the
//! same rows in every table as one thread (the order of `flows`, `dns` and `http` rows
//! may differ), on every capture of tests/pcaps and the bundled example read as one run.

use std::path::{Path, PathBuf};

use crate::support::{assert_same_rows, pcapq_env, pcapq_ok as pcapq, sql_rows as rows};

/// Every capture of tests/pcaps and the example.
fn captures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = vec![root.join("examples/example.pcap")];
    let mut stack = vec![root.join("tests/pcaps")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if [".pcap", ".pcapng", ".pcap.gz", ".cap"]
                .iter()
                .any(|e| name.ends_with(e))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_table_is_the_same_for_any_number_of_threads() {
    let inputs = captures();
    assert!(inputs.len() > 40, "{} captures", inputs.len());
    let dir = tempfile::tempdir().unwrap();
    let convert = |threads: &str| {
        let ds = dir.path().join(format!("t{threads}"));
        let mut args = vec![
            "convert",
            "-q",
            "--threads",
            threads,
            "-o",
            ds.to_str().unwrap(),
        ];
        args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        pcapq(&args);
        ds
    };
    let one = convert("1");
    let flows = rows(&one, "SELECT count(*) AS n FROM flows");
    assert_ne!(flows, vec![r#""n":0"#]);
    for threads in ["2", "4"] {
        let many = convert(threads);
        for table in ["packets", "flows", "dns", "http", "captures"] {
            let all = format!("SELECT * FROM {table}");
            assert_same_rows(
                &many,
                &one,
                &all,
                &format!("{table} with {threads} threads"),
            );
        }
    }
}

#[test]
fn reading_inputs_ahead_on_threads_changes_nothing() {
    // Every test capture (damaged ones included) read as one run, each input on a thread
    // of its own, against the same run read on the merging thread.
    let inputs = captures();
    let dir = tempfile::tempdir().unwrap();
    let convert = |ahead: &str| {
        let ds = dir.path().join(format!("ahead{ahead}"));
        let mut args = vec!["convert", "-q", "-o", ds.to_str().unwrap()];
        args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        let (_, warnings) = pcapq_env(&args, &[("PCAPQ_READ_AHEAD", ahead)]);
        (ds, warnings)
    };
    let ((here, warned_here), (ahead, warned_ahead)) = (convert("0"), convert("1"));
    // The same damage warnings, in the same order.
    assert_eq!(warned_ahead, warned_here);
    // `dns` and `http` too: their payloads are kept from the read-ahead batches' blocks.
    for table in ["packets", "flows", "dns", "http", "captures"] {
        let all = format!("SELECT * FROM {table}");
        assert_eq!(rows(&ahead, &all), rows(&here, &all), "{table}");
    }
}
