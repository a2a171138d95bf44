//! The `dataset` stage: table definitions, Arrow builders, and the sinks that store the
//! batches (Parquet files on disk, or memory for `pcapq sql -i`).

mod app_tables;
pub mod append;
mod c_stream;
mod captures;
mod flow_fill;
mod flows;
mod lists;
mod memory_sink;
mod packets;
mod parquet_sink;
mod partitioned;
pub mod schema;

pub use app_tables::{dns_batch, http_batch};
pub use c_stream::c_stream;
pub use captures::captures_batch;
pub use flows::flows_batch;

pub use memory_sink::MemorySink;
pub use packets::PacketsBuilder;
pub use parquet_sink::{ParquetDirSink, ROW_GROUP_ROWS};
pub use partitioned::Partitioning;

use anyhow::Result;
use datafusion::arrow::array::RecordBatch;

use schema::TableDef;

/// Whether `dir` holds a pcapq dataset: a `packets` table as one file or as a
/// partitioned folder.
pub fn is_dataset(dir: &std::path::Path) -> bool {
    dir.join("packets.parquet").is_file() || dir.join("packets").is_dir()
}

/// Where finished record batches go. The pipeline does not know whether that is a file.
pub trait TableSink {
    /// Stores one batch of `table`.
    fn write(&mut self, table: &TableDef, batch: RecordBatch) -> Result<()>;

    /// Stores provisional `flows` rows: flows still active at the end of a
    /// `convert --append` batch, which the next batch replaces. Where batches are not
    /// appended they are ordinary rows.
    fn write_suspended_flows(&mut self, batch: RecordBatch) -> Result<()> {
        self.write(&schema::FLOWS, batch)
    }
}
