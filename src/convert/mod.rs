//! The conversion pipeline: source → dissect → track → sinks, one streaming pass.
//! Used by `pcapq convert` (Parquet files) and by every command that reads captures
//! directly (tables kept in memory).

pub mod anonymize;
pub mod progress;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use anyhow::Result;
use datafusion::arrow::array::RecordBatch;

use crate::app::{DnsRow, HttpRow};
use crate::dataset::schema::{CAPTURES, DNS, FLOWS, HTTP, PACKETS, TableDef};
use crate::dataset::{
    PacketsBuilder, TableSink, captures_batch, dns_batch, flows_batch, http_batch,
};
use crate::dissect::dissect_with_payload;
use crate::source::{CaptureStats, MergedSource};
use crate::track::{
    AppBatch, AppJoin, FlowRecord, FlowSink, Joined, Learnt, PacketAnnotation, Payloads,
    TrackOptions, TrackOutput, TrackStats, Tracked, Tracker, TrackerState,
};
use anonymize::{AnonymizeOptions, PacketAnonymizer};
use progress::Progress;

/// Rows per record batch handed to the sinks.
pub const BATCH_ROWS: usize = 64 * 1024;
/// Finished flows handed on at a time: a flow record weighs about 700 bytes with its text,
/// ten times a packet's, so that a flood of one-packet flows keeps the queues small.
const FLOW_ROWS: usize = 8 * 1024;
/// Frames dissected before their flows are tracked together.
const TRACK_BATCH: usize = 64;
/// Frames handed to the builder thread at a time.
const SEND_BATCH: usize = 1024;
/// Batches in flight to the builder thread.
const QUEUE_BATCHES: usize = 8;
/// Application events gathered before they are handed to the application thread.
const APP_EVENTS: usize = 4096;
/// Frames between progress updates.
const PROGRESS_EVERY: u64 = 16 * 1024;

/// How to run the pipeline.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Flow tracking settings; `None` leaves `flows` empty and the flow columns null.
    pub track: Option<TrackOptions>,
    /// Prefix-preserving anonymization of every address, and names dropped (`--anonymize`).
    pub anonymize: Option<AnonymizeOptions>,
    /// Set from another thread to stop the run early (the Python package sets it on
    /// Ctrl-C); the run then fails with "interrupted".
    pub cancel: Option<Arc<AtomicBool>>,
}

/// A batch added to a dataset by `convert --append`: where the batches before it stopped.
#[derive(Default)]
pub struct Continuation {
    /// Captures already in the dataset: this batch's capture ids start here.
    pub first_capture_id: u32,
    /// The tracker as the previous batch left it (None: the dataset's first batch).
    pub tracker: Option<TrackerState>,
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

/// What the pipeline thread hands to the thread that builds Arrow batches.
enum Rows {
    /// Tracked packets, in capture order.
    Packets(Vec<Tracked>),
    /// Finished flows.
    Flows(Vec<FlowRecord>),
    /// DNS messages.
    Dns(Vec<DnsRow>),
    /// HTTP transactions.
    Http(Vec<HttpRow>),
    /// A batch already built (the captures table).
    Batch(&'static TableDef, RecordBatch),
}

/// Reads every frame of `source` and writes the three tables into `sink`.
///
/// Threads share the work: this one reads, dissects and tracks; another runs the
/// application stage (protocol parsers, DNS and HTTP rows) on the payloads tracking hands
/// it; another turns the rows into Arrow batches and hands them to the sink (whose Parquet
/// writer encodes on yet another), so every core stays busy on a long capture.
pub fn run_pipeline(
    source: MergedSource,
    opts: &PipelineOptions,
    sink: &mut (dyn TableSink + Send),
    progress: &Progress,
) -> Result<PipelineResult> {
    run_batch(source, opts, sink, progress, None).map(|(result, _)| result)
}

/// [`run_pipeline`] for one batch of `convert --append` when `continuation` is given: the
/// tracker resumes from the previous batch's state, capture ids follow the dataset's, the
/// flows still active at the end are written as provisional rows
/// ([`TableSink::write_suspended_flows`]), and the tracker's state is returned for the
/// next batch.
pub fn run_batch(
    mut source: MergedSource,
    opts: &PipelineOptions,
    sink: &mut (dyn TableSink + Send),
    progress: &Progress,
    continuation: Option<Continuation>,
) -> Result<(PipelineResult, Option<TrackerState>)> {
    let started = Instant::now();
    let suspend = continuation.is_some();
    let Continuation {
        first_capture_id,
        tracker: resumed,
    } = continuation.unwrap_or_default();
    let mut tracker = opts.track.map(|t| match resumed {
        Some(state) => Tracker::resume(t, state),
        None => Tracker::new(t),
    });
    let mut decode_errors = vec![0u64; source.input_count()];
    let (mut frames, mut wire_bytes) = (0u64, 0u64);
    let (to_builder, from_pipeline) = mpsc::sync_channel::<Rows>(QUEUE_BATCHES);
    let (recycle, recycled) = mpsc::channel::<Vec<Tracked>>();
    let with_flows = tracker.is_some();
    let with_app = opts.track.is_some_and(|t| t.app);
    let mut payloads = Payloads::default();
    let mut anonymizer = opts.anonymize.as_ref().map(PacketAnonymizer::new);
    std::thread::scope(|scope| -> Result<(PipelineResult, Option<TrackerState>)> {
        let builder = std::thread::Builder::new()
            .name("arrow-builder".into())
            .spawn_scoped(scope, move || {
                build_rows(from_pipeline, recycle, sink, with_flows, suspend)
            })?;
        let (to_app, app_thread) = if with_app {
            let join = AppJoin::new(
                tracker
                    .as_ref()
                    .map(Tracker::app_done_ring)
                    .unwrap_or_default(),
            );
            let (to_app, from_tracker) = mpsc::sync_channel::<AppBatch>(QUEUE_BATCHES);
            let (app_recycle, app_recycled) = mpsc::channel::<AppBatch>();
            let rows_out = to_builder.clone();
            let scrub = opts.anonymize.clone();
            let handle = std::thread::Builder::new()
                .name("app-stage".into())
                .spawn_scoped(scope, move || {
                    run_app_stage(join, from_tracker, app_recycle, rows_out, scrub)
                })?;
            (Some((to_app, app_recycled)), Some(handle))
        } else {
            (None, None)
        };
        let send = |rows: Rows| -> bool { to_builder.send(rows).is_ok() };
        // Events gathered so far go to the application thread once they are worth a wake-up.
        let send_app = |out: &mut TrackOutput, at_least: usize| -> bool {
            let Some((to_app, recycled)) = &to_app else {
                return true;
            };
            if out.app.is_empty() || out.app.events.len() < at_least {
                return true;
            }
            let mut next = recycled.try_recv().unwrap_or_default();
            next.clear();
            to_app.send(std::mem::replace(&mut out.app, next)).is_ok()
        };
        let mut out = TrackOutput::default();
        let mut exhausted = false;
        let mut interrupted = false;
        while !exhausted {
            if frames % PROGRESS_EVERY < SEND_BATCH as u64 {
                progress.update(source.bytes_read(), frames);
                if opts
                    .cancel
                    .as_ref()
                    .is_some_and(|c| c.load(Ordering::Relaxed))
                {
                    interrupted = true;
                    break;
                }
            }
            let mut batch = recycled
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(SEND_BATCH));
            batch.clear();
            while batch.len() < SEND_BATCH && !exhausted {
                // Dissect a small group, then track it together: tracking fetches the flows
                // of the next packets into the cache while it works on the current one.
                let start = batch.len();
                payloads.clear();
                while batch.len() < start + TRACK_BATCH {
                    let Some(frame) = source.next_frame() else {
                        exhausted = true;
                        break;
                    };
                    let (mut packet, payload) = dissect_with_payload(&frame);
                    if let Some(a) = anonymizer.as_mut() {
                        a.packet(&mut packet);
                    }
                    if with_app {
                        payloads.push(payload);
                    }
                    if packet.error.is_some() {
                        decode_errors[frame.capture_id as usize] += 1;
                    }
                    wire_bytes += u64::from(frame.wire_len);
                    let mut meta = frame.meta();
                    meta.capture_id += first_capture_id;
                    batch.push(Tracked {
                        meta,
                        packet,
                        annotation: PacketAnnotation::default(),
                    });
                }
                if let Some(t) = tracker.as_mut() {
                    t.observe_batch(&mut batch[start..], &payloads, &mut out);
                }
            }
            frames += batch.len() as u64;
            if !batch.is_empty() && !send(Rows::Packets(batch)) {
                break;
            }
            if !flush_tracked(&mut out, FLOW_ROWS, &send) || !send_app(&mut out, APP_EVENTS) {
                break;
            }
        }
        let input_bytes = source.bytes_read();
        progress.update(input_bytes, frames);
        // Every flow still active ends now: handed on as they come, so that a table of
        // half a million flows is never held as records all at once.
        let mut flush = |out: &mut TrackOutput| {
            flush_tracked(out, FLOW_ROWS, &send);
            send_app(out, APP_EVENTS);
        };
        let mut ending = Draining {
            out: &mut out,
            flush: &mut flush,
        };
        let (track, mut state) = match tracker.take() {
            Some(t) if suspend => {
                let (stats, state) = t.suspend(&mut ending);
                (stats, Some(state))
            }
            Some(t) => (t.finish(&mut ending), None),
            None => (TrackStats::default(), None),
        };
        flush_tracked(&mut out, 1, &send);
        send_app(&mut out, 1);
        drop(to_app);
        if let Some(handle) = app_thread {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("the application-stage thread panicked"))?;
        }
        let mut captures = source.finish();
        for c in &mut captures {
            c.decode_errors = decode_errors
                .get(c.capture_id as usize)
                .copied()
                .unwrap_or(0);
            c.capture_id += first_capture_id;
        }
        send(Rows::Batch(&CAPTURES, captures_batch(&captures)?));
        drop(to_builder);
        let (flows_written, learnt) = builder
            .join()
            .map_err(|_| anyhow::anyhow!("the Arrow builder thread panicked"))??;
        if let Some(state) = state.as_mut() {
            state.attach(learnt);
        }
        if interrupted {
            return Err(crate::error::user_error(format!(
                "interrupted after {frames} frames: nothing kept"
            )));
        }
        let result = PipelineResult {
            captures,
            frames,
            wire_bytes,
            input_bytes,
            flows: flows_written,
            track,
            elapsed: started.elapsed(),
        };
        Ok((result, state))
    })
}

/// A [`FlowSink`] that hands on what `out` holds (with `flush`) before taking more.
struct Draining<'a> {
    out: &'a mut TrackOutput,
    flush: &'a mut dyn FnMut(&mut TrackOutput),
}

impl FlowSink for Draining<'_> {
    fn push(&mut self, flow: FlowRecord) {
        (self.flush)(self.out);
        self.out.push(flow);
    }

    fn app(&mut self) -> &mut AppBatch {
        (self.flush)(self.out);
        self.out.app()
    }
}

/// Sends the finished flows that reached `at_least` rows. Returns false when the builder
/// thread has stopped.
fn flush_tracked(out: &mut TrackOutput, at_least: usize, send: &dyn Fn(Rows) -> bool) -> bool {
    out.flows.len() < at_least || send(Rows::Flows(std::mem::take(&mut out.flows)))
}

/// The application thread: replays the tracker's events into the protocol parsers and
/// sends finished flows (with their application columns) and DNS/HTTP rows on to the
/// builder, in the tracker's order.
fn run_app_stage(
    mut join: AppJoin,
    batches: Receiver<AppBatch>,
    recycle: Sender<AppBatch>,
    to_builder: mpsc::SyncSender<Rows>,
    scrub: Option<AnonymizeOptions>,
) {
    let mut out = Joined::default();
    let send = |rows: Rows| -> bool { to_builder.send(rows).is_ok() };
    for mut batch in batches {
        let (flows, dns, http) = (out.flows.len(), out.rows.dns.len(), out.rows.http.len());
        join.run(&mut batch, &mut out);
        if let Some(opts) = &scrub {
            // Only what this batch added: the rest was scrubbed already.
            let rows = &mut out.rows;
            let (dns, http) = (&mut rows.dns[dns..], &mut rows.http[http..]);
            anonymize::scrub(opts, &mut out.flows[flows..], dns, http);
        }
        let _ = recycle.send(batch);
        if !flush_joined(&mut out, FLOW_ROWS, &send) {
            return;
        }
    }
    flush_joined(&mut out, 1, &send);
}

/// Sends the joined flows and application rows that reached `at_least` rows. Returns
/// false when the builder thread has stopped.
fn flush_joined(out: &mut Joined, at_least: usize, send: &dyn Fn(Rows) -> bool) -> bool {
    if out.flows.len() >= at_least && !send(Rows::Flows(std::mem::take(&mut out.flows))) {
        return false;
    }
    if out.rows.dns.len() >= at_least && !send(Rows::Dns(std::mem::take(&mut out.rows.dns))) {
        return false;
    }
    if out.rows.http.len() >= at_least && !send(Rows::Http(std::mem::take(&mut out.rows.http))) {
        return false;
    }
    true
}

/// The builder thread: rows in, Arrow batches out to the sink. Returns the flows written
/// and, when the batch is `suspend`ed, what the application stage had learnt about each
/// suspended flow (their records are written apart, as provisional rows).
fn build_rows(
    rows: Receiver<Rows>,
    recycle: Sender<Vec<Tracked>>,
    sink: &mut (dyn TableSink + Send),
    with_flows: bool,
    suspend: bool,
) -> Result<(u64, HashMap<u64, Learnt>)> {
    let mut packets = PacketsBuilder::new(BATCH_ROWS, with_flows);
    let mut flows_written = 0u64;
    let mut learnt = HashMap::new();
    for message in rows {
        match message {
            Rows::Packets(batch) => {
                for t in &batch {
                    packets.append(&t.meta, &t.packet, &t.annotation);
                    if packets.len() >= BATCH_ROWS {
                        sink.write(&PACKETS, packets.finish()?)?;
                    }
                }
                let _ = recycle.send(batch);
            }
            Rows::Flows(records) => {
                flows_written += records.len() as u64;
                if !suspend {
                    sink.write(&FLOWS, flows_batch(&records)?)?;
                    continue;
                }
                let (held, ended): (Vec<_>, Vec<_>) =
                    records.into_iter().partition(|r| r.suspended);
                if !ended.is_empty() {
                    sink.write(&FLOWS, flows_batch(&ended)?)?;
                }
                if !held.is_empty() {
                    sink.write_suspended_flows(flows_batch(&held)?)?;
                }
                for r in held {
                    let done = r.app_done;
                    learnt.insert(r.flow_id, Learnt { app: r.app, done });
                }
            }
            Rows::Dns(rows) => sink.write(&DNS, dns_batch(&rows)?)?,
            Rows::Http(rows) => sink.write(&HTTP, http_batch(&rows)?)?,
            Rows::Batch(table, batch) => {
                if !packets.is_empty() {
                    sink.write(&PACKETS, packets.finish()?)?;
                }
                sink.write(table, batch)?;
            }
        }
    }
    if !packets.is_empty() {
        sink.write(&PACKETS, packets.finish()?)?;
    }
    Ok((flows_written, learnt))
}
