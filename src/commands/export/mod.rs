//! `pcapq export`: the frames a dataset selects, written back to a capture file with their
//! bytes unchanged, read again from the original captures (recognised by the size and
//! fingerprint `captures` recorded; a moved or changed file is refused).
//!
//! The output is pcapng when its name ends in `.pcapng` (one interface per input
//! interface, nanosecond timestamps), else legacy pcap with nanosecond timestamps (every
//! selected frame must then share one link type).

mod selection;
mod writer;

use std::collections::HashSet;
use std::fs::File;
use std::io::BufWriter;

use anyhow::{Context, Result};

use crate::cli::ExportArgs;
use crate::error::user_error;
use crate::source::{InputSpec, MergedSource};
use selection::{Selected, select};
use writer::{Format, FrameWriter};

/// Runs `pcapq export`.
pub fn run(args: &ExportArgs) -> Result<()> {
    let rt = super::data::runtime()?;
    let selected = rt.block_on(select(args))?;
    let format = if args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"))
    {
        Format::Pcapng
    } else {
        Format::Pcap
    };
    let file = File::create(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let mut out = FrameWriter::new(BufWriter::new(file), format);
    let mut written = 0u64;
    let result = write_all(&selected, &mut out, &mut written).and_then(|()| out.finish());
    if let Err(e) = result {
        let _ = std::fs::remove_file(&args.output);
        return Err(e);
    }
    eprintln!(
        "pcapq: {written} frames from {} capture(s) → {}",
        selected.len(),
        args.output.display()
    );
    Ok(())
}

fn write_all(selected: &[Selected], out: &mut FrameWriter, written: &mut u64) -> Result<()> {
    for capture in selected {
        let wanted: HashSet<u64> = capture.frames.iter().copied().collect();
        let mut source = MergedSource::open(vec![InputSpec::File(capture.path.clone())])?;
        let mut found = 0usize;
        while let Some(frame) = source.next_frame() {
            if wanted.contains(&frame.number) {
                out.frame(capture.capture_id, &frame)?;
                found += 1;
                *written += 1;
            }
        }
        if found != wanted.len() {
            return Err(user_error(format!(
                "{}: {} of the {} selected frames are not in the file any more",
                capture.path.display(),
                wanted.len() - found,
                wanted.len()
            )));
        }
    }
    Ok(())
}
