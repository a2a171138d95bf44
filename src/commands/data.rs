//! Opening the tables a query runs over: a dataset directory, or captures converted in
//! memory for the occasion.

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
    let lookups = Lookups::open(args.lookups.geoip.as_ref(), &args.lookups.asn)?;
    let ctx = if args.inputs.is_empty() {
        let dir = session::resolve_dir(args.dataset.as_deref())?;
        session::open_dir(&dir).await?
    } else {
        let sink = convert_in_memory(super::input_specs(&args.inputs)?, &args.track)?;
        session::from_memory(sink).await?
    };
    lookups.register(&ctx);
    Ok(ctx)
}

/// Converts captures into tables kept in memory, printing damage warnings.
pub fn convert_in_memory(inputs: Vec<InputSpec>, track: &TrackArgs) -> Result<MemorySink> {
    let args = PipelineArgs {
        track: track.clone(),
        ..PipelineArgs::default()
    };
    let opts = super::convert::pipeline_options(&args)?;
    let source = super::convert::open_inputs(inputs)?;
    let mut sink = MemorySink::default();
    super::convert::convert_into(source, &opts, &args, &mut sink)?;
    Ok(sink)
}
