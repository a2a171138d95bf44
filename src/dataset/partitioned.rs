//! Tables split by time into hive-style directories (`convert --partition-by hour|day`):
//! `packets/date=2026-11-23/hour=07/part-00000.parquet`, the same for `flows` (by start
//! time), `dns` and `http`; `captures` stays one file. Engines that prune by directory
//! (Spark, Trino, DuckDB with hive partitioning) skip whole hours or days, and pcapq's own
//! queries skip files by their `ts` statistics.

use std::fs::{self, File};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use datafusion::arrow::array::{Array, RecordBatch, TimestampNanosecondArray, UInt32Array};
use datafusion::arrow::compute::take_record_batch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::temporal_conversions::timestamp_ns_to_datetime;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;

use super::schema::TableDef;

/// How a dataset's tables are laid out in files.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Partitioning {
    /// One file per table (`packets.parquet`, …).
    #[default]
    None,
    /// A directory per UTC day: `date=YYYY-MM-DD/`.
    Day,
    /// A directory per UTC hour: `date=YYYY-MM-DD/hour=HH/`.
    Hour,
}

const HOUR_NS: i64 = 3_600_000_000_000;

impl Partitioning {
    /// Length of one partition in nanoseconds, or None when tables are kept whole.
    fn span_ns(self) -> Option<i64> {
        match self {
            Partitioning::None => None,
            Partitioning::Day => Some(24 * HOUR_NS),
            Partitioning::Hour => Some(HOUR_NS),
        }
    }

    /// The directory (relative to the table's) of partition `key` (start time / span).
    fn dir(self, key: i64) -> String {
        let span = self.span_ns().unwrap_or(HOUR_NS);
        let start = key.saturating_mul(span);
        let date = timestamp_ns_to_datetime(start)
            .map(|t| t.date().to_string())
            .unwrap_or_else(|| "unknown".into());
        match self {
            Partitioning::Hour => {
                format!(
                    "date={date}/hour={:02}",
                    start.div_euclid(HOUR_NS).rem_euclid(24)
                )
            }
            _ => format!("date={date}"),
        }
    }
}

/// The time column a table is partitioned by, or None for a table kept in one file.
pub fn time_column(table: &TableDef) -> Option<&'static str> {
    match table.name {
        "packets" | "dns" | "http" => Some("ts"),
        "flows" => Some("first_ts"),
        _ => None,
    }
}

/// Partitions written into at once; an older one is closed (a later row of it starts a
/// new part file), so memory stays bounded when rows come in any time order.
const OPEN_PARTITIONS: usize = 4;

/// How long after a partition's end its rows may still come before its row group is
/// flushed: flows are filed by their start and written when they end, so rows of the past
/// hour keep coming for as long as Zeek's 5-minute TCP inactivity timeout. A partition is
/// flushed once; later rows of it (connections longer than that) gather in one more row
/// group of the same file, ended when the file is closed.
const LATE_NS: i64 = 5 * 60 * 1_000_000_000;

/// A partition's open part file.
struct OpenPart {
    key: i64,
    writer: ArrowWriter<File>,
    /// Whether its row group was ended once the partition was past ([`LATE_NS`]).
    flushed: bool,
}

/// Writes one table as part files under its directory, one file per partition visit.
pub struct PartitionedWriter {
    dir: PathBuf,
    schema: SchemaRef,
    props: WriterProperties,
    time_index: usize,
    partitioning: Partitioning,
    span: i64,
    /// Open files, least recently written first.
    open: Vec<OpenPart>,
    /// Latest time written so far.
    newest: i64,
    /// Start of every file name (`convert --append` names a batch's files after it).
    prefix: String,
    next_part: usize,
}

impl PartitionedWriter {
    /// A writer of `table` into `dir` (created now, so an empty table is an empty folder),
    /// its files named `{prefix}part-NNNNN.parquet`.
    pub fn new(
        dir: PathBuf,
        table: &TableDef,
        props: WriterProperties,
        partitioning: Partitioning,
        prefix: String,
    ) -> Result<Self> {
        let schema = table.schema();
        let column = time_column(table).ok_or_else(|| anyhow!("{} has no time", table.name))?;
        let time_index = schema.index_of(column)?;
        let span = partitioning
            .span_ns()
            .ok_or_else(|| anyhow!("no partitioning"))?;
        fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(PartitionedWriter {
            dir,
            schema,
            props,
            time_index,
            partitioning,
            span,
            open: Vec::new(),
            newest: i64::MIN,
            prefix,
            next_part: 0,
        })
    }

    /// Writes `batch`, each run of rows in the same partition as one slice. Rows out of
    /// time order (flows end in another order than they start) are first grouped by
    /// partition, keeping their order within it: a write costs about the same for one row
    /// as for thousands, per column.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let times = self.times(batch)?;
        let newest = times.iter().copied().max().unwrap_or(i64::MIN);
        let keys: Vec<i64> = times.iter().map(|t| t.div_euclid(self.span)).collect();
        if keys.is_sorted() {
            self.write_runs(batch)?;
        } else {
            let mut order: Vec<u32> = (0..batch.num_rows() as u32).collect();
            order.sort_by_key(|&i| keys[i as usize]);
            let grouped = take_record_batch(batch, &UInt32Array::from(order))?;
            self.write_runs(&grouped)?;
        }
        self.newest = self.newest.max(newest);
        self.flush_past()
    }

    /// Ends the row group of every open partition that ended [`LATE_NS`] before the latest
    /// time written: an encoded row group is held in memory until it ends, with a
    /// compression context per column, and an hour's rows have stopped coming by then.
    fn flush_past(&mut self) -> Result<()> {
        for part in self.open.iter_mut().filter(|p| !p.flushed) {
            let end = part.key.saturating_add(1).saturating_mul(self.span);
            if end.saturating_add(LATE_NS) <= self.newest {
                part.writer.flush()?;
                part.flushed = true;
            }
        }
        Ok(())
    }

    fn times<'b>(&self, batch: &'b RecordBatch) -> Result<&'b [i64]> {
        let times = batch
            .column(self.time_index)
            .as_any()
            .downcast_ref::<TimestampNanosecondArray>()
            .ok_or_else(|| anyhow!("the time column is not a nanosecond timestamp"))?;
        Ok(times.values())
    }

    /// Writes each run of consecutive rows in the same partition as one slice.
    fn write_runs(&mut self, batch: &RecordBatch) -> Result<()> {
        let times = self.times(batch)?;
        let mut start = 0;
        while start < times.len() {
            let k = times[start].div_euclid(self.span);
            // The partition's time range; the run ends at the first row outside it.
            let first = k.saturating_mul(self.span);
            let range = first..first.saturating_add(self.span);
            let end = (start + 1..times.len())
                .find(|&i| !range.contains(&times[i]))
                .unwrap_or(times.len());
            self.writer(k)?.write(&batch.slice(start, end - start))?;
            start = end;
        }
        Ok(())
    }

    /// The open file of partition `key`, opening it (and closing the oldest) if needed.
    fn writer(&mut self, key: i64) -> Result<&mut ArrowWriter<File>> {
        if let Some(at) = self.open.iter().position(|p| p.key == key) {
            let entry = self.open.remove(at);
            self.open.push(entry);
        } else {
            if self.open.len() == OPEN_PARTITIONS {
                self.open.remove(0).writer.close()?;
            }
            let dir = self.dir.join(self.partitioning.dir(key));
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join(format!("{}part-{:05}.parquet", self.prefix, self.next_part));
            self.next_part += 1;
            let file =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            let writer = ArrowWriter::try_new(file, self.schema.clone(), Some(self.props.clone()))?;
            self.open.push(OpenPart {
                key,
                writer,
                flushed: false,
            });
        }
        self.open
            .last_mut()
            .map(|p| &mut p.writer)
            .ok_or_else(|| anyhow!("no open partition"))
    }

    /// Finishes every open file.
    pub fn close(self) -> Result<()> {
        for part in self.open {
            part.writer.close()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_directories_are_utc_days_and_hours() {
        // 2025-11-23T07:15:00Z
        let ns = 1_763_882_100_000_000_000i64;
        assert_eq!(
            Partitioning::Hour.dir(ns / HOUR_NS),
            "date=2025-11-23/hour=07"
        );
        assert_eq!(
            Partitioning::Day.dir(ns / (24 * HOUR_NS)),
            "date=2025-11-23"
        );
        // Before 1970 the keys are negative and still name the right hour.
        assert_eq!(
            Partitioning::Hour.dir((-1i64).div_euclid(HOUR_NS)),
            "date=1969-12-31/hour=23"
        );
    }
}
