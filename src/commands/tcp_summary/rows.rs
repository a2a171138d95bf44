//! A query result read by row and column name, as section text needs it.

use anyhow::{Result, anyhow};
use datafusion::arrow::array::RecordBatch;
use datafusion::common::ScalarValue;

/// Rows of a query result, read by column name.
pub struct Rows {
    /// The result batches, in order.
    pub batches: Vec<RecordBatch>,
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The value at `row` in `column`.
    pub fn get(&self, row: usize, column: &str) -> Result<ScalarValue> {
        let mut r = row;
        for b in &self.batches {
            if r < b.num_rows() {
                let col = b
                    .column_by_name(column)
                    .ok_or_else(|| anyhow!("no column {column}"))?;
                return Ok(ScalarValue::try_from_array(col, r)?);
            }
            r -= b.num_rows();
        }
        Err(anyhow!("no row {row}"))
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
