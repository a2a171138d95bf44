//! Opening the tables a query runs over: a dataset directory, or captures converted in
//! memory for the occasion.

use anyhow::Result;
use datafusion::prelude::SessionContext;

use crate::cli::DataArgs;
use crate::convert::progress::Progress;
use crate::convert::{PipelineOptions, run_pipeline};
use crate::dataset::MemorySink;
use crate::query::session;
use crate::query::udf::Lookups;
use crate::source::MergedSource;

/// A single-use runtime for DataFusion's async API.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The session over the tables the arguments name.
pub async fn open(args: &DataArgs) -> Result<SessionContext> {
    let lookups = Lookups::open(args.lookups.geoip.as_ref(), &args.lookups.asn)?;
    let ctx = if args.inputs.is_empty() {
        let dir = session::resolve_dir(args.dataset.as_deref())?;
        session::open_dir(&dir).await?
    } else {
        let specs = super::input_specs(&args.inputs)?;
        let track = super::track_options(&args.track)?;
        let sink = convert_in_memory(specs, track)?;
        session::from_memory(sink).await?
    };
    lookups.register(&ctx);
    Ok(ctx)
}

/// Converts captures into tables kept in memory, printing damage warnings.
pub fn convert_in_memory(
    specs: Vec<crate::source::InputSpec>,
    track: Option<crate::track::TrackOptions>,
) -> Result<MemorySink> {
    let mut source = MergedSource::open(specs)?;
    source.on_finished(Box::new(|stats| {
        if let Some(w) = stats.damage_warning() {
            eprintln!("pcapq: warning: {w}");
        }
    }));
    let progress = Progress::new(source.total_file_bytes(), false);
    let mut sink = MemorySink::default();
    run_pipeline(
        source,
        &PipelineOptions {
            track,
            anonymize: None,
        },
        &mut sink,
        &progress,
    )?;
    progress.finish();
    Ok(sink)
}
