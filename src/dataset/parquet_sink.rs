//! Writing the tables as Parquet files, each on a thread of its own, into a directory that
//! appears complete or not at all: files are written in a hidden sibling directory and
//! renamed into place only when every one of them is closed.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use anyhow::{Context, Result, anyhow};

use crate::error::user_error;
use datafusion::arrow::array::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, Encoding, ZstdLevel};
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
use datafusion::parquet::schema::types::ColumnPath;

use super::TableSink;
use super::partitioned::{PartitionedWriter, Partitioning, time_column};
use super::schema::{ColType, FLOWS, TABLES, TableDef};

/// Rows per Parquet row group of `packets`: large enough for fast scans (DuckDB's own
/// groups are 122,880 rows), small enough to bound memory, since a row group is held in
/// memory, encoded, until it is complete (about 12 MB at this size).
pub const ROW_GROUP_ROWS: usize = 1 << 19;
/// Rows per row group of the wide tables (`flows`, `dns`, `http`): a row group is held in
/// memory, encoded, until it is complete, and a flow row is ten times a packet row. Four
/// times as many made a SYN flood 1 to 4% faster (fewer zstd contexts) but took the 2 GB
/// capture's peak RSS from 285-290 MB to 304-316 MB, over its 300 MB goal.
const WIDE_ROW_GROUP_ROWS: usize = 1 << 16;

fn row_group_rows(table: &TableDef) -> usize {
    if table.name == "packets" {
        ROW_GROUP_ROWS
    } else {
        WIDE_ROW_GROUP_ROWS
    }
}

/// Batches allowed in flight between the pipeline and each table's writer thread. The
/// writers are the busiest threads, so these queues are usually full: two batches keep one
/// fed, and every batch more is memory held for nothing.
const QUEUE_DEPTH: usize = 2;

/// Most bytes of one data page before compression. zstd sizes a column's compression
/// context to the largest page it has compressed, and every column of every open row group
/// keeps its own (about 40 MB in all with 160 KB pages of 20,000 `u64`s); 64 KiB pages cut
/// that for datasets 0.5% larger (measured on the 2 GB capture).
const DATA_PAGE_BYTES: usize = 64 * 1024;

/// Columns that grow steadily, by table: delta encoding stores them in a few bits per row.
/// `flows` rows come out roughly in the order flows end, so their ids and times are close
/// to the row before (a SYN flood's `flows.parquet` is 9% smaller with them delta encoded,
/// and zstd has 3% less of the conversion's work); `dns` and `http` rows are in no such
/// order, and their files grew by 3 to 6% with it.
fn delta_encoded(table: &TableDef, column: &str) -> bool {
    match table.name {
        "packets" => matches!(column, "ts" | "frame" | "flow_id"),
        "flows" => matches!(column, "flow_id" | "first_ts" | "last_ts"),
        _ => false,
    }
}

/// Most bytes of a column chunk's dictionary before its values are written plain. The wide
/// tables have one row per flow: a column whose values are all distinct there (the
/// addresses of a scan or a flood) fills a dictionary of 1 MiB (parquet-rs's default) with
/// every row group and gains nothing by it, while the few addresses, states and names of
/// ordinary traffic fit in 64 KiB.
fn dictionary_bytes(table: &TableDef) -> usize {
    if table.name == "packets" {
        1024 * 1024
    } else {
        64 * 1024
    }
}

/// Text columns keep dictionary encoding (few distinct addresses, flags, states, errors);
/// numeric columns are written plain and left to zstd, which compresses them almost as
/// well at a fraction of the cost of hashing every value into a dictionary.
fn writer_properties(table: &TableDef) -> WriterProperties {
    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap_or_default()))
        .set_dictionary_enabled(false)
        .set_max_row_group_row_count(Some(row_group_rows(table)))
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_data_page_size_limit(DATA_PAGE_BYTES)
        .set_dictionary_page_size_limit(dictionary_bytes(table))
        .set_created_by(format!("pcapq {}", env!("CARGO_PKG_VERSION")));
    for c in table.columns {
        let path = ColumnPath::from(c.name);
        if c.ty == ColType::Str && c.name != "community_id" {
            props = props.set_column_dictionary_enabled(path.clone(), true);
        }
        // Min and max of the wide tables' text (addresses, names, states) would prune no
        // row group (each holds 65,536 flows) and cost 3% of a flood's conversion; their
        // times and numbers keep theirs.
        if c.ty == ColType::Str && table.name != "packets" {
            props = props.set_column_statistics_enabled(path.clone(), EnabledStatistics::None);
        }
        if delta_encoded(table, c.name) {
            props = props.set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
        }
    }
    props.build()
}

/// A [`TableSink`] that writes `<dir>/<table>.parquet` for every table (or a folder per
/// table, split by time), or one `convert --append` batch's files.
pub struct ParquetDirSink {
    /// One queue per table writer, by writer index (empty once closed).
    senders: Vec<SyncSender<RecordBatch>>,
    /// The writer threads, by writer index.
    threads: Vec<JoinHandle<Result<()>>>,
    staging: PathBuf,
    target: PathBuf,
    /// Whether provisional flow rows have a writer of their own (an appended batch).
    suspended_apart: bool,
}

impl ParquetDirSink {
    /// Starts writing into a staging directory next to `target`. `replace` allows an existing
    /// `target` to be replaced when the new dataset is complete.
    pub fn create(target: &Path, replace: bool, partitioning: Partitioning) -> Result<Self> {
        if target.exists() {
            if !replace {
                return Err(user_error(format!(
                    "{} already exists (use --force to replace it, or --append to add to it)",
                    target.display()
                )));
            }
            // --force replaces a dataset, never an arbitrary directory.
            let is_dataset = super::is_dataset(target)
                || std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none());
            if !is_dataset {
                return Err(user_error(format!(
                    "{} exists and is not a pcapq dataset (no packets.parquet): refusing to replace it",
                    target.display()
                )));
            }
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ds".into());
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a staging directory in {}", parent.display()))?
            .keep();
        let mut writers = Vec::new();
        for table in TABLES {
            let props = writer_properties(table);
            if partitioning != Partitioning::None && time_column(table).is_some() {
                let dir = staging.join(table.name);
                let writer =
                    PartitionedWriter::new(dir, table, props, partitioning, String::new())?;
                writers.push(TableWriter::Split(writer));
                continue;
            }
            writers.push(whole_file(&staging.join(table.file_name()), table, props)?);
        }
        Self::start(writers, staging, target.to_path_buf(), false)
    }

    /// Starts writing batch number `batch` of an appendable dataset into `staging`: a
    /// folder per table, files named after the batch (`packets/b000002.parquet`, or
    /// `packets/date=…/hour=…/b000002-part-00000.parquet` when split by time), and the
    /// provisional rows of flows still active at the end in `flows/open-b000002…`.
    /// [`ParquetDirSink::close_batch`] closes the files; moving them into the dataset is
    /// the caller's.
    pub fn create_batch(staging: &Path, batch: u32, partitioning: Partitioning) -> Result<Self> {
        fs::create_dir_all(staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        let name = format!("b{batch:06}");
        let writer_of = |table: &TableDef, prefix: &str| -> Result<TableWriter> {
            let props = writer_properties(table);
            let dir = staging.join(table.name);
            if partitioning != Partitioning::None && time_column(table).is_some() {
                let prefix = format!("{prefix}{name}-");
                let writer = PartitionedWriter::new(dir, table, props, partitioning, prefix)?;
                return Ok(TableWriter::Split(writer));
            }
            fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            whole_file(&dir.join(format!("{prefix}{name}.parquet")), table, props)
        };
        let mut writers = TABLES
            .iter()
            .map(|t| writer_of(t, ""))
            .collect::<Result<Vec<_>>>()?;
        writers.push(writer_of(&FLOWS, "open-")?);
        Self::start(writers, staging.to_path_buf(), PathBuf::new(), true)
    }

    fn start(
        writers: Vec<TableWriter>,
        staging: PathBuf,
        target: PathBuf,
        suspended_apart: bool,
    ) -> Result<Self> {
        // A thread per table: a flood's `packets` and `flows` are encoded side by side
        // rather than one after the other.
        let mut senders = Vec::with_capacity(writers.len());
        let mut threads = Vec::with_capacity(writers.len());
        for (index, writer) in writers.into_iter().enumerate() {
            let (sender, receiver) = mpsc::sync_channel(QUEUE_DEPTH);
            let thread = std::thread::Builder::new()
                .name(format!("parquet-{}", table_name(index)))
                .spawn(move || write_loop(index, receiver, writer))?;
            senders.push(sender);
            threads.push(thread);
        }
        Ok(ParquetDirSink {
            senders,
            threads,
            staging,
            target,
            suspended_apart,
        })
    }

    fn send(&mut self, table: usize, batch: RecordBatch) -> Result<()> {
        let sender = self
            .senders
            .get(table)
            .ok_or_else(|| anyhow!("the Parquet writer is closed"))?;
        if sender.send(batch).is_err() {
            // The writer stopped early: its error says why.
            return Err(self
                .join()
                .err()
                .unwrap_or_else(|| anyhow!("the Parquet writer stopped")));
        }
        Ok(())
    }

    fn join(&mut self) -> Result<()> {
        self.senders.clear();
        let mut first_error = None;
        for thread in self.threads.drain(..) {
            let ended = thread
                .join()
                .map_err(|_| anyhow!("the Parquet writer thread panicked"))
                .and_then(|r| r);
            if let Err(e) = ended {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Closes every file and moves the finished dataset into place.
    pub fn commit(mut self) -> Result<PathBuf> {
        self.join()?;
        let target = self.target.clone();
        if target.exists() {
            let old = self.staging.with_extension("old");
            fs::rename(&target, &old)
                .with_context(|| format!("cannot move the old {} aside", target.display()))?;
            fs::rename(&self.staging, &target)
                .with_context(|| format!("cannot create {}", target.display()))?;
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&self.staging, &target)
                .with_context(|| format!("cannot create {}", target.display()))?;
        }
        self.staging = PathBuf::new();
        Ok(target)
    }

    /// Closes every file of a batch started with [`ParquetDirSink::create_batch`] and
    /// returns its staging directory, which is then the caller's to move or remove.
    pub fn close_batch(mut self) -> Result<PathBuf> {
        self.join()?;
        Ok(std::mem::take(&mut self.staging))
    }
}

fn whole_file(path: &Path, table: &TableDef, props: WriterProperties) -> Result<TableWriter> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(TableWriter::Whole(ArrowWriter::try_new(
        file,
        table.schema(),
        Some(props),
    )?))
}

impl Drop for ParquetDirSink {
    fn drop(&mut self) {
        // Not committed: leave nothing behind.
        let _ = self.join();
        if !self.staging.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn table_index(name: &str) -> usize {
    TABLES.iter().position(|t| t.name == name).unwrap_or(0)
}

impl TableSink for ParquetDirSink {
    fn write(&mut self, table: &TableDef, batch: RecordBatch) -> Result<()> {
        self.send(table_index(table.name), batch)
    }

    fn write_suspended_flows(&mut self, batch: RecordBatch) -> Result<()> {
        // The writer after the tables' own, when there is one.
        let index = if self.suspended_apart {
            TABLES.len()
        } else {
            table_index(FLOWS.name)
        };
        self.send(index, batch)
    }
}

/// Where one table's batches go: one file, or part files by time.
enum TableWriter {
    Whole(ArrowWriter<File>),
    Split(PartitionedWriter),
}

/// The name of writer `index`'s table (the one after the tables' is `flows`'s provisional rows).
fn table_name(index: usize) -> &'static str {
    TABLES.get(index).map_or(FLOWS.name, |t| t.name)
}

/// Writes every batch writer `index` receives, then closes its file(s).
fn write_loop(
    index: usize,
    receiver: Receiver<RecordBatch>,
    mut writer: TableWriter,
) -> Result<()> {
    let table = table_name(index);
    for batch in receiver {
        let written = match &mut writer {
            TableWriter::Whole(w) => w.write(&batch).map_err(anyhow::Error::from),
            TableWriter::Split(w) => w.write(&batch),
        };
        written.with_context(|| format!("writing the {table} table"))?;
    }
    let closed = match writer {
        TableWriter::Whole(w) => w.close().map(drop).map_err(anyhow::Error::from),
        TableWriter::Split(w) => w.close(),
    };
    closed.with_context(|| format!("closing the {table} table"))
}
