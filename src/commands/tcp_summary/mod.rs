//! `pcapq tcp-summary`: the UVic P2 report (sections A-D), line for line in the layout
//! of the course's sample output, composed from the catalog queries `tcp-connections`,
//! `tcp-general` and `tcp-complete-stats` (over the `uvic_*` views).

mod python_number;
mod rows;

use std::fmt::Write;

use anyhow::Result;
use datafusion::prelude::SessionContext;

use crate::cli::{DataArgs, TcpSummaryArgs};
use crate::query::catalog;
use python_number::round6;
use rows::Rows;

const RULE: &str = "________________________________________________";
const CONNECTION_END: &str = "++++++++++++++++++++++++++++++++";

async fn run_query(ctx: &SessionContext, id: &str) -> Result<Rows> {
    let (schema, batches, _) = catalog::find(id)?.run(ctx, &[]).await?;
    Rows::new(&schema, &batches)
}

/// The report for the tables of `ctx`, in the layout of the course's sample output.
pub async fn report(ctx: &SessionContext) -> Result<String> {
    let conns = run_query(ctx, "tcp-connections").await?;
    let general = run_query(ctx, "tcp-general").await?;
    let stats = run_query(ctx, "tcp-complete-stats").await?;
    let mut out = String::new();
    writeln!(out, "A) Total number of connections: {}", conns.len())?;
    writeln!(out, "{RULE}\n")?;
    writeln!(out, "B) Connection's details\n")?;
    for i in 0..conns.len() {
        connection(&mut out, &conns, i)?;
    }
    writeln!(out, "{RULE}\n")?;
    writeln!(out, "C) General\n")?;
    let count = |column: &str| general.text(0, column);
    writeln!(
        out,
        "Total number of complete TCP connections: {}",
        count("complete")?
    )?;
    writeln!(out, "Number of reset TCP connections: {}", count("reset")?)?;
    writeln!(
        out,
        "Number of TCP connections that were still open when the trace capture ended: {}",
        count("open_at_end")?
    )?;
    writeln!(out, "{RULE}\n")?;
    writeln!(out, "D) Complete TCP connections\n")?;
    let groups = [
        ("duration_s", "time duration", Unit::Seconds),
        ("rtt_s", "RTT value", Unit::Seconds),
        (
            "packets",
            "number of packets including both send/received",
            Unit::Count,
        ),
        (
            "window_bytes",
            "receive window size including both send/received",
            Unit::Bytes,
        ),
    ];
    for (n, (metric, what, unit)) in groups.into_iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let row = stats.metric_row(metric)?;
        for (label, column) in [("Minimum", "min"), ("Mean", "mean"), ("Maximum", "max")] {
            let value = match row {
                Some(r) => stats.float(r, column)?,
                None => None,
            };
            // Minimum and maximum of packets and windows are integers in the course's
            // program (min/max of ints); every mean, time and duration is a float.
            let text = match value {
                None => "n/a".to_string(),
                Some(v) if unit != Unit::Seconds && column != "mean" => format!("{}", v as i64),
                Some(v) => round6(v),
            };
            writeln!(out, "{label} {what}: {text}{}", unit.suffix())?;
        }
    }
    writeln!(out, "{RULE}")?;
    Ok(out)
}

/// What a section D figure measures, and so the unit printed after it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds,
    Bytes,
    Count,
}

impl Unit {
    fn suffix(self) -> &'static str {
        match self {
            Unit::Seconds => " seconds",
            Unit::Bytes => " bytes",
            Unit::Count => "",
        }
    }
}

/// Section B's lines for connection `i`.
fn connection(out: &mut String, conns: &Rows, i: usize) -> Result<()> {
    writeln!(out, "Connection {}:", conns.text(i, "connection")?)?;
    for (label, column) in [
        ("Source Address", "source_address"),
        ("Destination Address", "destination_address"),
        ("Source Port", "source_port"),
        ("Destination Port", "destination_port"),
        ("Status", "status"),
    ] {
        writeln!(out, "{label}: {}", conns.text(i, column)?)?;
    }
    if conns.text(i, "complete")? == "true" {
        let secs = |column: &str| -> Result<String> {
            Ok(conns.float(i, column)?.map_or("n/a".to_string(), round6))
        };
        writeln!(out, "Start time: {} seconds", secs("start_s")?)?;
        writeln!(out, "End Time: {} seconds", secs("end_s")?)?;
        writeln!(out, "Duration: {} seconds", secs("duration_s")?)?;
        for (label, column) in [
            (
                "Number of packets sent from Source to Destination",
                "packets_src_to_dst",
            ),
            (
                "Number of packets sent from Destination to Source",
                "packets_dst_to_src",
            ),
            ("Total number of packets", "packets_total"),
            (
                "Number of data bytes sent from Source to Destination",
                "data_bytes_src_to_dst",
            ),
            (
                "Number of data bytes sent from Destination to Source",
                "data_bytes_dst_to_src",
            ),
            ("Total number of data bytes", "data_bytes_total"),
        ] {
            writeln!(out, "{label}: {}", conns.text(i, column)?)?;
        }
        writeln!(out, "END")?;
    }
    writeln!(out, "{CONNECTION_END}")?;
    Ok(())
}

/// Runs `pcapq tcp-summary`.
pub fn run(args: &TcpSummaryArgs) -> Result<()> {
    let data = DataArgs::with_default_tracking(
        args.dataset.clone(),
        args.inputs.clone(),
        Default::default(),
    );
    let rt = super::data::runtime()?;
    let text = rt.block_on(async {
        let ctx = super::data::open(&data).await?;
        report(&ctx).await
    })?;
    print!("{text}");
    Ok(())
}
