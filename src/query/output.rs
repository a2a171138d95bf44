//! Query results as an aligned table, CSV, JSON or Parquet, on stdout or in a file.
//!
//! CSV, JSON and Parquet are written batch by batch as the engine produces them, so
//! `pcapq sql "SELECT * FROM packets" --format csv` on a capture larger than memory
//! stays within a few batches. The table format holds the first rows to size its
//! columns, then streams too (see [`super::text_table`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use clap::ValueEnum;
use datafusion::arrow::array::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::parquet::arrow::ArrowWriter;
use futures::StreamExt;

use super::text_table::TableWriter;
use crate::error::user_error;

/// Output formats of `pcapq sql` and `pcapq query`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned text table.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects (nulls written as null).
    Json,
    /// A Parquet file (needs -o).
    Parquet,
}

/// Writes a query's result stream to `path` (or stdout) in `format`; `on_error` turns
/// an engine error met while running the query into the error reported to the user.
/// A closed stdout (`| head`) ends the output quietly; a file left half-written by an
/// error is removed.
pub async fn write_stream(
    mut stream: SendableRecordBatchStream,
    format: OutputFormat,
    path: Option<&Path>,
    on_error: fn(DataFusionError) -> anyhow::Error,
) -> Result<()> {
    if format == OutputFormat::Parquet && path.is_none() {
        return Err(user_error(
            "--format parquet writes a file: give it with -o FILE",
        ));
    }
    let stdout_closed = std::cell::Cell::new(false);
    let mut out: Box<dyn Write> = match path {
        Some(_) if format == OutputFormat::Parquet => Box::new(std::io::sink()),
        Some(p) => Box::new(BufWriter::with_capacity(
            1 << 20,
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(BufWriter::with_capacity(
            1 << 16,
            WatchedStdout {
                inner: std::io::stdout().lock(),
                closed: &stdout_closed,
            },
        )),
    };
    let schema = stream.schema();
    let result = async {
        match format {
            OutputFormat::Table => {
                let mut table = TableWriter::new(&mut out, schema.clone());
                while let Some(b) = stream.next().await {
                    table.write(b.map_err(on_error)?)?;
                }
                table.finish()?;
            }
            OutputFormat::Csv => {
                let mut w = datafusion::arrow::csv::WriterBuilder::new()
                    .with_header(true)
                    .build(&mut out);
                let mut rows = 0;
                while let Some(b) = stream.next().await {
                    let b = b.map_err(on_error)?;
                    rows += b.num_rows();
                    w.write(&b)?;
                }
                if rows == 0 {
                    // The header alone.
                    w.write(&RecordBatch::new_empty(schema.clone()))?;
                }
            }
            OutputFormat::Json => {
                let mut w = datafusion::arrow::json::WriterBuilder::new()
                    .with_explicit_nulls(true)
                    .build::<_, datafusion::arrow::json::writer::JsonArray>(&mut out);
                while let Some(b) = stream.next().await {
                    w.write(&b.map_err(on_error)?)?;
                }
                w.finish()?;
                drop(w);
                out.write_all(b"\n")?;
            }
            OutputFormat::Parquet => {
                // `out` is not `Send`, as the writer needs: hand it the file itself.
                let file = File::create(path.expect("checked above"))?;
                let mut w = ArrowWriter::try_new(BufWriter::new(file), schema.clone(), None)?;
                while let Some(b) = stream.next().await {
                    w.write(&b.map_err(on_error)?)?;
                }
                w.close()?;
            }
        }
        out.flush()?;
        anyhow::Ok(())
    }
    .await;
    drop(out);
    match result {
        Err(_) if stdout_closed.get() => Ok(()),
        Err(e) => {
            if let Some(p) = path {
                let _ = std::fs::remove_file(p);
            }
            Err(e)
        }
        Ok(()) => Ok(()),
    }
}

/// Stdout that remembers whether its reader went away, since the CSV and JSON writers
/// turn the I/O error into text.
struct WatchedStdout<'a> {
    inner: std::io::StdoutLock<'a>,
    closed: &'a std::cell::Cell<bool>,
}

impl Write for WatchedStdout<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| self.note(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| self.note(e))
    }
}

impl WatchedStdout<'_> {
    fn note(&self, e: &std::io::Error) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            self.closed.set(true);
        }
    }
}
