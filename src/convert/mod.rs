//! The conversion pipeline: source → dissect → track → sinks, one streaming pass.
//! Used by `pcapq convert` (Parquet files) and by every command that reads captures
//! directly (tables kept in memory).

pub mod progress;

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::dataset::schema::{CAPTURES, FLOWS, PACKETS};
use crate::dataset::{FlowsBuilder, PacketsBuilder, TableSink, captures_batch};
use crate::dissect::dissect;
use crate::source::{CaptureStats, MergedSource};
use crate::track::{PacketAnnotation, TrackOptions, TrackStats, Tracker};
use progress::Progress;

/// Rows per record batch handed to the sinks.
pub const BATCH_ROWS: usize = 64 * 1024;
/// Frames between progress updates.
const PROGRESS_EVERY: u64 = 16 * 1024;

/// How to run the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct PipelineOptions {
    /// Flow tracking settings; `None` leaves `flows` empty and the flow columns null.
    pub track: Option<TrackOptions>,
}

/// What a pipeline run did.
#[derive(Debug, Clone)]
pub struct PipelineResult {
    /// One entry per input, by capture id.
    pub captures: Vec<CaptureStats>,
    /// Frames read.
    pub frames: u64,
    /// Sum of wire lengths.
    pub wire_bytes: u64,
    /// Raw input bytes read.
    pub input_bytes: u64,
    /// Flows written.
    pub flows: u64,
    /// Tracking counters.
    pub track: TrackStats,
    /// Wall time.
    pub elapsed: Duration,
}

impl PipelineResult {
    /// Inputs that ended early because of damage.
    pub fn damaged(&self) -> impl Iterator<Item = &CaptureStats> {
        self.captures.iter().filter(|c| c.damage.is_some())
    }
}

/// Reads every frame of `source` and writes the three tables into `sink`.
pub fn run_pipeline(
    mut source: MergedSource,
    opts: &PipelineOptions,
    sink: &mut dyn TableSink,
    progress: &Progress,
) -> Result<PipelineResult> {
    let started = Instant::now();
    let mut packets = PacketsBuilder::new(BATCH_ROWS);
    let mut flows = FlowsBuilder::new();
    let mut tracker = opts.track.map(Tracker::new);
    let mut decode_errors = vec![0u64; source.input_count()];
    let (mut frames, mut wire_bytes, mut flows_written) = (0u64, 0u64, 0u64);
    loop {
        if frames % PROGRESS_EVERY == 0 {
            progress.update(source.bytes_read(), frames);
        }
        let Some(frame) = source.next_frame() else {
            break;
        };
        let packet = dissect(&frame);
        if packet.error.is_some() {
            decode_errors[frame.capture_id as usize] += 1;
        }
        let annotation = match tracker.as_mut() {
            Some(t) => t.observe(&frame, &packet, &mut flows),
            None => PacketAnnotation::default(),
        };
        packets.append(&frame, &packet, &annotation);
        frames += 1;
        wire_bytes += u64::from(frame.wire_len);
        if packets.len() >= BATCH_ROWS {
            sink.write(&PACKETS, packets.finish()?)?;
        }
        if flows.len() >= BATCH_ROWS {
            flows_written += flows.len() as u64;
            sink.write(&FLOWS, flows.finish()?)?;
        }
    }
    let input_bytes = source.bytes_read();
    progress.update(input_bytes, frames);
    let track = match tracker {
        Some(t) => t.finish(&mut flows),
        None => TrackStats::default(),
    };
    if !packets.is_empty() {
        sink.write(&PACKETS, packets.finish()?)?;
    }
    if !flows.is_empty() {
        flows_written += flows.len() as u64;
        sink.write(&FLOWS, flows.finish()?)?;
    }
    let mut captures = source.finish();
    for c in &mut captures {
        c.decode_errors = decode_errors
            .get(c.capture_id as usize)
            .copied()
            .unwrap_or(0);
    }
    sink.write(&CAPTURES, captures_batch(&captures)?)?;
    Ok(PipelineResult {
        captures,
        frames,
        wire_bytes,
        input_bytes,
        flows: flows_written,
        track,
        elapsed: started.elapsed(),
    })
}
