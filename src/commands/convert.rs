//! `pcapq convert`: captures → a dataset directory of Parquet files.

use anyhow::Result;

use crate::anon::CryptoPan;
use crate::cli::ConvertArgs;
use crate::convert::anonymize::AnonymizeOptions;
use crate::convert::progress::{Progress, human_bytes, human_count};
use crate::convert::{PipelineOptions, PipelineResult, run_pipeline};
use crate::dataset::ParquetDirSink;
use crate::error::user_error;
use crate::source::MergedSource;

/// Runs `pcapq convert`.
pub fn run(args: &ConvertArgs) -> Result<()> {
    let specs = super::input_specs(&args.inputs)?;
    let track = super::track_options(&args.track)?;
    // The key is read before anything else is opened: a bad key writes nothing.
    let anonymize = match &args.anonymize {
        Some(path) => Some(AnonymizeOptions {
            pan: CryptoPan::from_file(path).map_err(|e| user_error(format!("--anonymize: {e}")))?,
            keep_names: args.keep_names,
        }),
        None => None,
    };
    let mut source = MergedSource::open(specs)?;
    let progress = Progress::new(source.total_file_bytes(), args.quiet);
    // Damage is reported as soon as it is found, --quiet or not.
    source.on_finished(Box::new(|stats| {
        if let Some(w) = stats.damage_warning() {
            eprintln!("pcapq: warning: {w}");
        }
    }));
    let mut sink = ParquetDirSink::create(&args.output, args.force)?;
    let result = run_pipeline(
        source,
        &PipelineOptions { track, anonymize },
        &mut sink,
        &progress,
    )?;
    progress.finish();
    if args.strict
        && let Some(damaged) = result.damaged().next()
    {
        // Dropping the sink removes the partial dataset.
        drop(sink);
        return Err(user_error(format!(
            "{} (--strict: nothing written)",
            damaged.damage_warning().unwrap_or_default()
        )));
    }
    let dir = sink.commit()?;
    if !args.quiet {
        eprintln!("{}", summary_line(&result, &dir.display().to_string()));
    }
    Ok(())
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
    line
}
