//! `pcapq convert`: captures → a dataset directory of Parquet files.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use crate::anon::CryptoPan;
use crate::cli::{ConvertArgs, PipelineArgs};
use crate::convert::anonymize::AnonymizeOptions;
use crate::convert::progress::{Progress, human_bytes, human_count};
use crate::convert::{Continuation, PipelineOptions, PipelineResult, Suspended, run_batch};
use crate::dataset::append::Appender;
use crate::dataset::{MemorySink, ParquetDirSink, TableSink};
use crate::error::user_error;
use crate::source::{InputSpec, MergedSource};

/// Runs `pcapq convert`.
pub fn run(args: &ConvertArgs) -> Result<()> {
    let (result, dir) = convert_to_dataset(args, None)?;
    if !args.pipeline.quiet {
        eprintln!("{}", summary_line(&result, &dir.display().to_string()));
    }
    Ok(())
}

/// Converts the inputs into the dataset directory `args.output`. Returns what the run did
/// and the directory written; on an error (or when `cancel` is set) nothing is left behind.
pub fn convert_to_dataset(
    args: &ConvertArgs,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<(PipelineResult, PathBuf)> {
    // The key is read before anything else is opened: a bad key writes nothing.
    let mut opts = pipeline_options(&args.pipeline)?;
    opts.cancel = cancel;
    let specs = super::input_specs(&args.inputs)?;
    if args.append {
        return append_to_dataset(args, &opts, specs);
    }
    let source = open_inputs(specs)?;
    let partitioning = args.partition_by.unwrap_or_default();
    let mut sink = ParquetDirSink::create(&args.output, args.force, partitioning)?;
    // On an error the sink is dropped, which removes the partial dataset.
    let result = convert_into(source, &opts, &args.pipeline, &mut sink)?;
    let dir = sink.commit()?;
    Ok((result, dir))
}

/// `convert --append`: the inputs become the dataset's next batch, committed whole or not
/// at all.
fn append_to_dataset(
    args: &ConvertArgs,
    opts: &PipelineOptions,
    specs: Vec<InputSpec>,
) -> Result<(PipelineResult, PathBuf)> {
    let anonymized = opts.anonymize.as_ref().map(|a| {
        // Where two fixed addresses go tells one key from another without storing it.
        let probe = |text: &str| text.parse().map(|ip| a.pan.anonymize(ip).to_string());
        let mapped = [probe("192.0.2.1"), probe("2001:db8::1")];
        let fingerprint = mapped.into_iter().flatten().collect::<Vec<_>>().join(" ");
        (fingerprint, a.keep_names)
    });
    let mut appender = Appender::open(&args.output, args.partition_by, opts.track, anonymized)?;
    let source = open_inputs(specs)?;
    // On an error the sink is dropped, which removes the batch's staging directory.
    let mut sink = appender.sink()?;
    let continuation = Some(appender.continuation());
    let (result, suspended) = convert_batch(source, opts, &args.pipeline, &mut sink, continuation)?;
    let dir = appender.commit(sink, &result, suspended)?;
    Ok((result, dir))
}

/// Converts `inputs` into tables kept in memory; stops early (with an error) when `cancel`
/// is set.
pub fn convert_to_memory(
    inputs: Vec<InputSpec>,
    args: &PipelineArgs,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<MemorySink> {
    let mut opts = pipeline_options(args)?;
    opts.cancel = cancel;
    let source = open_inputs(inputs)?;
    let mut sink = MemorySink::default();
    convert_into(source, &opts, args, &mut sink)?;
    Ok(sink)
}

/// The pipeline's settings from the command line's (or the Python package's) arguments.
/// Reads the anonymization key, so a bad key fails before anything is opened.
pub fn pipeline_options(args: &PipelineArgs) -> Result<PipelineOptions> {
    let track = super::track_options(&args.track)?;
    let anonymize = match &args.anonymize {
        Some(path) => Some(AnonymizeOptions {
            pan: CryptoPan::from_file(path).map_err(|e| user_error(format!("--anonymize: {e}")))?,
            keep_names: args.keep_names,
        }),
        None => None,
    };
    let threads = match args.threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    Ok(PipelineOptions {
        track,
        anonymize,
        cancel: None,
        threads,
    })
}

/// Opens the inputs as one time-ordered source whose damage is reported on stderr as soon
/// as it is found.
pub fn open_inputs(inputs: Vec<InputSpec>) -> Result<MergedSource> {
    let mut source = MergedSource::open(inputs)?;
    source.read_ahead(read_ahead());
    source.on_finished(Box::new(|stats| {
        if let Some(w) = stats.damage_warning() {
            eprintln!("pcapq: warning: {w}");
        }
    }));
    Ok(source)
}

/// Cores below which inputs are not read ahead on threads of their own: reading, one
/// tracker, the builder and the Parquet writer already fill them (on 2 cores reading ahead
/// measured 0-10% slower, BENCHMARKS.md).
const READ_AHEAD_CORES: usize = 4;

/// Whether inputs are read ahead on threads of their own: with cores to spare, or as
/// `PCAPQ_READ_AHEAD=1` / `0` says (for measuring).
fn read_ahead() -> bool {
    match std::env::var("PCAPQ_READ_AHEAD").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => std::thread::available_parallelism().is_ok_and(|n| n.get() >= READ_AHEAD_CORES),
    }
}

/// Converts `source` into `sink`, with a progress bar on a terminal unless `quiet`. With
/// `strict`, a damaged input is an error (the caller drops what the sink holds).
pub fn convert_into(
    source: MergedSource,
    opts: &PipelineOptions,
    args: &PipelineArgs,
    sink: &mut (dyn TableSink + Send),
) -> Result<PipelineResult> {
    convert_batch(source, opts, args, sink, None).map(|(result, _)| result)
}

/// [`convert_into`], for one batch of `convert --append` when `continuation` is given
/// (see [`run_batch`]): also returns where an appended batch stopped, for the next batch.
fn convert_batch(
    source: MergedSource,
    opts: &PipelineOptions,
    args: &PipelineArgs,
    sink: &mut (dyn TableSink + Send),
    continuation: Option<Continuation>,
) -> Result<(PipelineResult, Option<Suspended>)> {
    let progress = Progress::new(source.total_file_bytes(), args.quiet);
    let (result, suspended) = run_batch(source, opts, sink, &progress, continuation)?;
    progress.finish();
    if args.strict
        && let Some(damaged) = result.damaged().next()
    {
        return Err(user_error(format!(
            "{} (--strict: nothing written)",
            damaged.damage_warning().unwrap_or_default()
        )));
    }
    Ok((result, suspended))
}

/// The one-line summary printed after a conversion.
pub fn summary_line(r: &PipelineResult, dest: &str) -> String {
    let secs = r.elapsed.as_secs_f64().max(1e-9);
    let mut line = format!(
        "pcapq: {} frames ({}) from {} input{} in {:.2} s ({} frames/s, {}/s) → {dest}: {} flows (at most {} active)",
        r.frames,
        human_bytes(r.wire_bytes),
        r.captures.len(),
        if r.captures.len() == 1 { "" } else { "s" },
        secs,
        human_count((r.frames as f64 / secs) as u64),
        human_bytes((r.input_bytes as f64 / secs) as u64),
        r.flows,
        r.track.peak_active,
    );
    let decode_errors: u64 = r.captures.iter().map(|c| c.decode_errors).sum();
    if decode_errors > 0 {
        line.push_str(&format!(", {decode_errors} frames with decode errors"));
    }
    let damaged = r.damaged().count();
    if damaged > 0 {
        line.push_str(&format!(
            ", {damaged} damaged input{}",
            if damaged == 1 { "" } else { "s" }
        ));
    }
    if r.track.evicted > 0 {
        line.push_str(&format!(
            ", {} flows ended early by --max-flows",
            r.track.evicted
        ));
    }
    let d = r.defrag;
    if d.fragments > 0 {
        line.push_str(&format!(
            ", {} IP datagrams reassembled from fragments",
            d.reassembled
        ));
        if d.incomplete > 0 {
            line.push_str(&format!(
                " ({} fragments never completed: no flow counts them)",
                d.incomplete
            ));
        }
    }
    line
}
