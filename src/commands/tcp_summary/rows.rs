//! A query result read by row and column name, as section text needs it.

use anyhow::{Result, anyhow};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::ScalarValue;

/// Rows of a query result, read by column name.
pub struct Rows {
    /// The result as one batch, so that a row is found without walking the batches.
    batch: RecordBatch,
}

impl Rows {
    /// The rows of a result's batches (`schema`: the result's, used when there is none).
    pub fn new(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<Rows> {
        // The batches' own schema: DataFusion's planned types can differ from what a
        // UNION's branches produce (an integer sum comes out as a decimal).
        let schema = batches
            .first()
            .map_or_else(|| schema.clone(), |b| b.schema());
        Ok(Rows {
            batch: concat_batches(&schema, batches)?,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// The value at `row` in `column`.
    pub fn get(&self, row: usize, column: &str) -> Result<ScalarValue> {
        if row >= self.len() {
            return Err(anyhow!("no row {row}"));
        }
        let col = self
            .batch
            .column_by_name(column)
            .ok_or_else(|| anyhow!("no column {column}"))?;
        Ok(ScalarValue::try_from_array(col, row)?)
    }

    /// The value as text (`n/a` for null).
    pub fn text(&self, row: usize, column: &str) -> Result<String> {
        let v = self.get(row, column)?;
        Ok(if v.is_null() {
            "n/a".to_string()
        } else {
            v.to_string()
        })
    }

    /// The value as a float (None for null or a non-number).
    pub fn float(&self, row: usize, column: &str) -> Result<Option<f64>> {
        let v = self.get(row, column)?;
        if v.is_null() {
            return Ok(None);
        }
        Ok(Some(
            match v.cast_to(&datafusion::arrow::datatypes::DataType::Float64)? {
                ScalarValue::Float64(Some(f)) => f,
                _ => return Ok(None),
            },
        ))
    }

    /// The row whose `metric` column equals `metric`.
    pub fn metric_row(&self, metric: &str) -> Result<Option<usize>> {
        for i in 0..self.len() {
            if self.get(i, "metric")?.to_string() == metric {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }
}
