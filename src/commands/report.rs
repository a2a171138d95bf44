//! `pcapq report`: every answer on one page.

use anyhow::{Context, Result};

use crate::cli::{DataArgs, ReportArgs, ReportFormat};
use crate::report::html;

/// Runs `pcapq report`.
pub fn run(args: &ReportArgs) -> Result<()> {
    let data = DataArgs::with_default_tracking(
        args.dataset.clone(),
        args.inputs.clone(),
        args.lookups.clone(),
    );
    let rt = super::data::runtime()?;
    let text = rt.block_on(async {
        let ctx = super::data::open(&data).await?;
        match args.format {
            ReportFormat::Html => html::html(&ctx, &args.title).await,
            ReportFormat::Md => {
                let base = args
                    .output
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(std::path::Path::new("."));
                let stem = args
                    .output
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "report".into());
                html::markdown(&ctx, &args.title, base, &format!("{stem}_files")).await
            }
        }
    })?;
    std::fs::write(&args.output, text)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    Ok(())
}
