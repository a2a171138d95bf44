//! `pcapq tcp-summary`: the UVic P2 report (sections A-D), line for line in the
//! assignment's layout, composed from the catalog queries `tcp-connections`,
//! `tcp-general` and `tcp-complete-stats`.

use std::fmt::Write;

use anyhow::{Result, anyhow};
use datafusion::arrow::array::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::prelude::SessionContext;

use crate::cli::{DataArgs, TcpSummaryArgs};
use crate::query::catalog;

const RULE: &str = "________________________________________________";
const CONNECTION_END: &str = "++++++++++++++++++++++++++++++++";

/// Rows of a query result, read by column name.
struct Rows {
    batches: Vec<RecordBatch>,
}

impl Rows {
    fn len(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    fn get(&self, row: usize, column: &str) -> Result<ScalarValue> {
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

    fn text(&self, row: usize, column: &str) -> Result<String> {
        let v = self.get(row, column)?;
        Ok(if v.is_null() {
            "n/a".to_string()
        } else {
            v.to_string()
        })
    }

    fn float(&self, row: usize, column: &str) -> Result<Option<f64>> {
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

    fn secs(&self, row: usize, column: &str) -> Result<String> {
        Ok(self
            .float(row, column)?
            .map_or("n/a".to_string(), |v| format!("{v:.6}")))
    }

    fn whole(&self, row: usize, column: &str) -> Result<String> {
        Ok(self
            .float(row, column)?
            .map_or("n/a".to_string(), |v| format!("{}", v.round() as i64)))
    }

    /// The row whose `metric` column equals `metric`.
    fn metric_row(&self, metric: &str) -> Result<Option<usize>> {
        for i in 0..self.len() {
            if self.get(i, "metric")?.to_string() == metric {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }
}

async fn run_query(ctx: &SessionContext, id: &str) -> Result<Rows> {
    let (_, batches, _) = catalog::find(id)?.run(ctx, &[]).await?;
    Ok(Rows { batches })
}

/// The report for the tables of `ctx`.
pub async fn report(ctx: &SessionContext) -> Result<String> {
    let conns = run_query(ctx, "tcp-connections").await?;
    let general = run_query(ctx, "tcp-general").await?;
    let stats = run_query(ctx, "tcp-complete-stats").await?;
    let mut out = String::new();
    writeln!(out, "A) Total number of connections: {}", conns.len())?;
    writeln!(out, "{RULE}\n")?;
    writeln!(out, "B) Connections' details:\n")?;
    for i in 0..conns.len() {
        writeln!(out, "Connection {}:", conns.text(i, "connection")?)?;
        writeln!(out, "Source Address: {}", conns.text(i, "source_address")?)?;
        writeln!(
            out,
            "Destination address: {}",
            conns.text(i, "destination_address")?
        )?;
        writeln!(out, "Source Port: {}", conns.text(i, "source_port")?)?;
        writeln!(
            out,
            "Destination Port: {}",
            conns.text(i, "destination_port")?
        )?;
        writeln!(out, "Status: {}", conns.text(i, "status")?)?;
        if conns.text(i, "complete")? == "true" {
            writeln!(out, "Start time: {}", conns.secs(i, "start_s")?)?;
            writeln!(out, "End Time: {}", conns.secs(i, "end_s")?)?;
            writeln!(out, "Duration: {}", conns.secs(i, "duration_s")?)?;
            writeln!(
                out,
                "Number of packets sent from Source to Destination: {}",
                conns.text(i, "packets_src_to_dst")?
            )?;
            writeln!(
                out,
                "Number of packets sent from Destination to Source: {}",
                conns.text(i, "packets_dst_to_src")?
            )?;
            writeln!(
                out,
                "Total number of packets: {}",
                conns.text(i, "packets_total")?
            )?;
            writeln!(
                out,
                "Number of data bytes sent from Source to Destination: {}",
                conns.text(i, "data_bytes_src_to_dst")?
            )?;
            writeln!(
                out,
                "Number of data bytes sent from Destination to Source: {}",
                conns.text(i, "data_bytes_dst_to_src")?
            )?;
            writeln!(
                out,
                "Total number of data bytes: {}",
                conns.text(i, "data_bytes_total")?
            )?;
        }
        writeln!(out, "END")?;
        writeln!(out, "{CONNECTION_END}")?;
    }
    writeln!(out, "{RULE}\n")?;
    writeln!(out, "C) General\n")?;
    writeln!(
        out,
        "Total number of complete TCP connections: {}",
        general.text(0, "complete")?
    )?;
    writeln!(
        out,
        "Number of reset TCP connections: {}",
        general.text(0, "reset")?
    )?;
    writeln!(
        out,
        "Number of TCP connections that were still open when the trace capture ended: {}",
        general.text(0, "open_at_end")?
    )?;
    writeln!(out, "{RULE}\n")?;
    writeln!(out, "D) Complete TCP connections:\n")?;
    let block = |out: &mut String, metric: &str, what: &str, integer_ends: bool| -> Result<()> {
        let row = stats.metric_row(metric)?;
        let value = |col: &str, whole: bool| -> Result<String> {
            match row {
                Some(r) if whole => stats.whole(r, col),
                Some(r) => stats.secs(r, col),
                None => Ok("n/a".to_string()),
            }
        };
        writeln!(out, "Minimum {what}: {}", value("min", integer_ends)?)?;
        writeln!(out, "Mean {what}: {}", value("mean", false)?)?;
        writeln!(out, "Maximum {what}: {}", value("max", integer_ends)?)?;
        Ok(())
    };
    block(&mut out, "duration_s", "time duration", false)?;
    writeln!(out)?;
    block(&mut out, "rtt_s", "RTT value", false)?;
    writeln!(out)?;
    block(
        &mut out,
        "packets",
        "number of packets including both send/received",
        true,
    )?;
    writeln!(out)?;
    block(
        &mut out,
        "window_bytes",
        "receive window size including both send/received",
        true,
    )?;
    writeln!(out, "{RULE}")?;
    Ok(out)
}

/// Runs `pcapq tcp-summary`.
pub fn run(args: &TcpSummaryArgs) -> Result<()> {
    let data = DataArgs::with_default_tracking(args.dataset.clone(), args.inputs.clone());
    let rt = super::data::runtime()?;
    let text = rt.block_on(async {
        let ctx = super::data::open(&data).await?;
        report(&ctx).await
    })?;
    print!("{text}");
    Ok(())
}
