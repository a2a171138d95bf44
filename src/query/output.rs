//! Query results as an aligned table, CSV, JSON or Parquet, on stdout or in a file.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::ValueEnum;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::parquet::arrow::ArrowWriter;

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

/// Renders batches in a text format.
pub fn render(
    batches: &[RecordBatch],
    schema: &SchemaRef,
    format: OutputFormat,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        OutputFormat::Table => {
            if batches.iter().all(|b| b.num_rows() == 0) {
                let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                writeln!(out, "{}\n(0 rows)", names.join(" | "))?;
            } else {
                writeln!(out, "{}", pretty_format_batches(batches)?)?;
            }
        }
        OutputFormat::Csv => {
            let mut w = datafusion::arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut out);
            if batches.is_empty() {
                w.write(&RecordBatch::new_empty(schema.clone()))?;
            }
            for b in batches {
                w.write(b)?;
            }
        }
        OutputFormat::Json => {
            let mut w = datafusion::arrow::json::WriterBuilder::new()
                .with_explicit_nulls(true)
                .build::<_, datafusion::arrow::json::writer::JsonArray>(&mut out);
            let refs: Vec<&RecordBatch> = batches.iter().collect();
            w.write_batches(&refs)?;
            w.finish()?;
            drop(w);
            if out.is_empty() {
                out.extend_from_slice(b"[]");
            }
            out.push(b'\n');
        }
        OutputFormat::Parquet => {
            return Err(user_error(
                "--format parquet writes a file: give it with -o FILE",
            ));
        }
    }
    Ok(out)
}

/// Writes batches to `path` (or stdout) in `format`.
pub fn write(
    batches: &[RecordBatch],
    schema: &SchemaRef,
    format: OutputFormat,
    path: Option<&Path>,
) -> Result<()> {
    if format == OutputFormat::Parquet {
        let path =
            path.ok_or_else(|| user_error("--format parquet writes a file: give it with -o FILE"))?;
        let file =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = ArrowWriter::try_new(file, schema.clone(), None)?;
        for b in batches {
            w.write(b)?;
        }
        w.close()?;
        return Ok(());
    }
    let bytes = render(batches, schema, format)?;
    match path {
        Some(p) => {
            std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            if let Err(e) = stdout.write_all(&bytes).and_then(|_| stdout.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    Ok(())
}
