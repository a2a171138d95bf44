//! `pcapq info` against `capinfos -T` on every shared capture (`X.capinfos.tsv`).

use pcapq::commands::info::{TSV_HEADER, inspect, values};
use pcapq::source::InputSpec;

use crate::support::{read_tsv, shared_with, sibling};

/// Rates are compared to 0.01 (capinfos prints two decimals).
const RATE_COLUMNS: [&str; 4] = [
    "Data byte rate (bytes/sec)",
    "Data bit rate (bits/sec)",
    "Average packet size (bytes)",
    "Average packet rate (packets/sec)",
];

#[test]
fn info_matches_capinfos() {
    let captures = shared_with(".capinfos.tsv");
    for cap in &captures {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let expected = &read_tsv(&sibling(cap, ".capinfos.tsv"))[0];
        let info = inspect(&InputSpec::File(cap.clone()), 0).unwrap();
        for (column, ours) in TSV_HEADER.iter().zip(values(&info)) {
            let theirs = &expected[*column];
            if RATE_COLUMNS.contains(column) {
                let (a, b): (f64, f64) = (ours.parse().unwrap(), theirs.parse().unwrap());
                assert!(
                    (a - b).abs() <= 0.011 + b.abs() * 1e-9,
                    "{name}: {column}: pcapq {ours}, capinfos {theirs}"
                );
            } else if *column == "File encapsulation" && theirs == "linux-atm-clip" {
                // pcapq names link types it does not decode by number.
                assert_eq!(ours, "linktype-106");
            } else {
                assert_eq!(&ours, theirs, "{name}: {column}");
            }
        }
    }
    assert!(
        captures.len() >= 40,
        "only {} captures with capinfos output",
        captures.len()
    );
    crate::support::record_compared(
        "info_matches_capinfos",
        "capinfos",
        captures.len(),
        captures.len() * TSV_HEADER.len(),
    );
}
