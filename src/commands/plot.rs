//! `pcapq plot`: a catalog answer drawn as a chart.

use anyhow::Result;

use crate::cli::PlotArgs;
use crate::error::user_error;
use crate::query::catalog;
use crate::report::chart::{self, Spec};
use crate::report::draw;

/// Runs `pcapq plot`.
pub fn run(args: &PlotArgs) -> Result<()> {
    let q = catalog::find(&args.id)?;
    let Some(spec) = &q.chart else {
        return Err(user_error(format!(
            "{} is a table, not a picture: `pcapq query {}` shows it (plot-worthy ids have a chart: line in `pcapq query --show-sql`)",
            q.id, q.id
        )));
    };
    let mut spec = Spec::parse(spec)?;
    spec.log_x |= args.log_x;
    spec.log_y |= args.log_y;
    let ext = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("svg" | "png")) {
        return Err(user_error(format!(
            "{}: the chart is written as .svg or .png",
            args.output.display()
        )));
    }
    let rt = super::data::runtime()?;
    let batches = rt.block_on(async {
        let ctx = super::data::open(&args.data).await?;
        q.run(&ctx, &args.params).await.map(|(_, b, _)| b)
    })?;
    let chart = chart::build(&q.question, &spec, &batches)?;
    match ext.as_deref() {
        Some("png") => draw::png(&chart, &args.output)?,
        _ => std::fs::write(&args.output, draw::svg(&chart)?)?,
    }
    Ok(())
}
