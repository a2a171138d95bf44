//! A dataset written by an earlier pcapq, before some columns existed, still reads: the
//! missing columns are null, and every catalog answer is the same.

use std::fs::File;
use std::path::Path;

use datafusion::arrow::array::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::support::{pcapq_ok as pcapq, sql_rows};

/// Rewrites `file` without the columns `drop`, as a pcapq from before them wrote it.
fn without_columns(file: &Path, drop: &[&str]) {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(file).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    let keep: Vec<usize> = (0..batches[0].num_columns())
        .filter(|&i| !drop.contains(&batches[0].schema().field(i).name().as_str()))
        .collect();
    let schema = batches[0].schema().project(&keep).unwrap();
    let mut w = ArrowWriter::try_new(File::create(file).unwrap(), schema.into(), None).unwrap();
    for b in &batches {
        w.write(&b.project(&keep).unwrap()).unwrap();
    }
    w.close().unwrap();
}

#[test]
fn a_dataset_from_before_the_tunnel_columns_reads_them_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let cap = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.pcap");
    pcapq(&[
        "convert",
        cap.to_str().unwrap(),
        "-o",
        ds.to_str().unwrap(),
        "-q",
    ]);
    let answers = |ds: &Path| {
        ["summary", "protocols", "tcp-general", "top-hosts-by-bytes"]
            .map(|q| pcapq(&["query", "-d", ds.to_str().unwrap(), q]))
    };
    let before = answers(&ds);
    without_columns(&ds.join("packets.parquet"), &["tunnel", "tunnel_flow_id"]);
    without_columns(&ds.join("flows.parquet"), &["tunnel_parents"]);
    let q = "SELECT count(tunnel) AS t, count(tunnel_flow_id) AS f, \
             (SELECT count(tunnel_parents) FROM flows) AS p, count(*) AS n FROM packets";
    let rows = sql_rows(&ds, q);
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].starts_with(r#""t":0,"f":0,"p":0,"n":"#),
        "{}",
        rows[0]
    );
    assert_eq!(answers(&ds), before);
}
