//! A [`TableSink`] that keeps the batches in memory, for queries straight from captures.

use std::collections::BTreeMap;

use anyhow::Result;
use datafusion::arrow::array::RecordBatch;

use super::TableSink;
use super::schema::TableDef;

/// Batches of every table, kept in memory.
#[derive(Default)]
pub struct MemorySink {
    /// Batches by table name.
    pub tables: BTreeMap<&'static str, Vec<RecordBatch>>,
}

impl TableSink for MemorySink {
    fn write(&mut self, table: &TableDef, batch: RecordBatch) -> Result<()> {
        self.tables.entry(table.name).or_default().push(batch);
        Ok(())
    }
}
