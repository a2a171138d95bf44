//! Opening the tables a query runs over: a dataset directory, or captures converted in
//! memory for the occasion.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Result;
use datafusion::prelude::SessionContext;

use crate::cli::{DataArgs, PipelineArgs, TrackArgs};
use crate::dataset::MemorySink;
use crate::query::session;
use crate::query::udf::Lookups;
use crate::source::InputSpec;

/// A single-use runtime for DataFusion's async API.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The session over the tables the arguments name.
pub async fn open(args: &DataArgs) -> Result<SessionContext> {
    open_cancellable(args, None).await
}

/// [`open`], where captures converted in memory stop early when `cancel` is set.
pub async fn open_cancellable(
    args: &DataArgs,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<SessionContext> {
    let lookups = Lookups::open(args.lookups.geoip.as_ref(), &args.lookups.asn)?;
    let ctx = if args.inputs.is_empty() {
        let dir = session::resolve_dir(args.dataset.as_deref())?;
        session::open_dir(&dir).await?
    } else {
        let specs = super::input_specs(&args.inputs)?;
        let sink = convert_in_memory(specs, &args.track, cancel)?;
        session::from_memory(sink).await?
    };
    lookups.register(&ctx);
    Ok(ctx)
}

/// Converts captures into tables kept in memory with these tracking settings, printing
/// damage warnings; stops early (with an error) when `cancel` is set.
pub fn convert_in_memory(
    inputs: Vec<InputSpec>,
    track: &TrackArgs,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<MemorySink> {
    let args = PipelineArgs {
        track: track.clone(),
        ..PipelineArgs::default()
    };
    super::convert::convert_to_memory(inputs, &args, cancel)
}
