//! A DataFusion session over a pcapq dataset: the three tables registered (from Parquet
//! files or from memory), the `connections` view, and pcapq's SQL functions.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use datafusion::datasource::MemTable;
use datafusion::execution::config::SessionConfig;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use super::udf;
use crate::dataset::MemorySink;
use crate::dataset::schema::TABLES;
use crate::error::user_error;

/// Views every session defines on top of the tables, in dependency order: `connections`
/// (the TCP flows), and the UVic P2 connection semantics (one connection per 4-tuple over
/// the whole trace) from `queries/views/` (docs/tcp-summary.md).
pub const VIEWS: [(&str, &str); 4] = [
    ("connections", "SELECT * FROM flows WHERE proto = 'tcp'"),
    (
        "uvic_flows",
        include_str!("../../queries/views/uvic_flows.sql"),
    ),
    (
        "uvic_connections",
        include_str!("../../queries/views/uvic_connections.sql"),
    ),
    (
        "uvic_rtt_samples",
        include_str!("../../queries/views/uvic_rtt_samples.sql"),
    ),
];

fn context() -> SessionContext {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let config = SessionConfig::new()
        .with_target_partitions(threads)
        .with_information_schema(true)
        .with_default_catalog_and_schema("pcapq", "public")
        // Partitioned tables keep their files in date=…/hour=… folders.
        .set_bool(
            "datafusion.execution.listing_table_ignore_subdirectory",
            false,
        );
    let ctx = SessionContext::new_with_config(config);
    udf::register(&ctx);
    ctx
}

async fn add_views(ctx: &SessionContext) -> Result<()> {
    for (name, sql) in VIEWS {
        ctx.sql(&format!("CREATE VIEW {name} AS {sql}")).await?;
    }
    Ok(())
}

/// The dataset directory to use: the one given, else `./ds` when it holds a dataset.
pub fn resolve_dir(dir: Option<&Path>) -> Result<PathBuf> {
    match dir {
        Some(d) => Ok(d.to_path_buf()),
        None if crate::dataset::is_dataset(Path::new("ds")) => Ok(PathBuf::from("ds")),
        None => Err(user_error(
            "no dataset: give one with -d DIR (made by `pcapq convert`), or captures with -i FILE",
        )),
    }
}

/// A session over the Parquet files of a dataset directory.
pub async fn open_dir(dir: &Path) -> Result<SessionContext> {
    // An append interrupted while it moved its files in is finished first.
    crate::dataset::append::recover(dir)?;
    let ctx = context();
    for table in TABLES {
        let folder = dir.join(table.name);
        if folder.is_dir() {
            // Partitioned (`convert --partition-by`): every part file below the folder, with
            // the table's schema (an empty table is an empty folder).
            let url = format!(
                "{}/",
                folder
                    .to_str()
                    .with_context(|| format!("{} is not valid UTF-8", folder.display()))?
            );
            let schema = table.schema();
            let options = ParquetReadOptions::default().schema(&schema);
            ctx.register_parquet(table.name, &url, options)
                .await
                .with_context(|| format!("cannot read {}", folder.display()))?;
            continue;
        }
        let path = dir.join(table.file_name());
        if !path.is_file() && table.optional {
            // A dataset written before this table existed: it reads as empty.
            let mem = MemTable::try_new(table.schema(), vec![vec![]])?;
            ctx.register_table(table.name, Arc::new(mem))?;
            continue;
        }
        if !path.is_file() {
            return Err(user_error(format!(
                "{} is not a pcapq dataset: {} is missing (make one with `pcapq convert`)",
                dir.display(),
                table.file_name()
            )));
        }
        let path_str = path
            .to_str()
            .with_context(|| format!("{} is not valid UTF-8", path.display()))?;
        // Read with the table's schema: a column added since the file was written (the
        // tunnel columns, say) reads as null.
        let schema = table.schema();
        let options = ParquetReadOptions::default().schema(&schema);
        ctx.register_parquet(table.name, path_str, options)
            .await
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    add_views(&ctx).await?;
    Ok(ctx)
}

/// A session over tables converted in memory.
pub async fn from_memory(mut sink: MemorySink) -> Result<SessionContext> {
    let ctx = context();
    for table in TABLES {
        let batches = sink.tables.remove(table.name).unwrap_or_default();
        let mem = MemTable::try_new(table.schema(), vec![batches])?;
        ctx.register_table(table.name, Arc::new(mem))?;
    }
    add_views(&ctx).await?;
    Ok(ctx)
}
