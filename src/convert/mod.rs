//! The conversion pipeline: source → dissect → track → sinks, one streaming pass.
//! Used by `pcapq convert` (Parquet files) and by every command that reads captures
//! directly (tables kept in memory).

pub mod anonymize;
mod pool;
pub mod progress;
mod tracking;

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
use crate::dissect::defrag::{DefragStats, Defragmenter};
use crate::dissect::{Packet, Tunnels, dissect_frame_into};
use crate::source::{CaptureStats, MergedSource};
use crate::track::{
    AppBatch, AppJoin, DoneRing, FlowRecord, Joined, Learnt, PacketAnnotation, Payloads,
    TrackOptions, TrackOutput, TrackStats, Tracked, Tracker, TrackerState, TunnelEntry,
};
use anonymize::{AnonymizeOptions, PacketAnonymizer};
use pool::VecPool;
use progress::Progress;
use tracking::{Next, TrackerThread};

/// Packet rows per record batch handed to the sinks: about 2 MB of Arrow buffers, of which
/// the builder fills one while the writer holds up to three (its queue and the one it
/// encodes). Larger batches cost memory and gain no measurable speed.
pub const BATCH_ROWS: usize = 16 * 1024;
/// Finished flows handed on at a time: a flow record weighs about 650 bytes, ten times a
/// packet's, so that a flood of one-packet flows keeps the queues small. Every batch in
/// flight or kept for reuse holds this many records' room: 2,048 rather than 4,096 took
/// the 2 GB capture's peak RSS down by about 12 MB, for 0.6% more instructions on the
/// flood (more, smaller batches) and no wall time that could be told from noise.
const FLOW_ROWS: usize = 2 * 1024;
/// Frames handed to the trackers (and on to the builder) at a time.
const SEND_BATCH: usize = 1024;
/// Batches in flight on each queue between the pipeline's threads (to the trackers, the
/// application stage and the builder). Four keep every thread fed on two cores; eight held
/// 8 MB more at the 2 GB capture's peak for no measurable speed.
const QUEUE_BATCHES: usize = 4;
/// Application events gathered before they are handed to the application thread. Fewer
/// means the stage's "done with this flow" reaches the tracker sooner (less payload copied
/// for nothing): 1024 rather than 4096 cut the bytes copied to no use on the payload bench
/// from 45 to 26 MB.
const APP_EVENTS: usize = 1024;
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
    /// Tracker threads the flows are split across (`--threads`; an appended batch uses
    /// one). The tables hold the same rows for any number.
    pub threads: usize,
}

/// A batch added to a dataset by `convert --append`: where the batches before it stopped.
#[derive(Default)]
pub struct Continuation {
    /// Captures already in the dataset: this batch's capture ids start here.
    pub first_capture_id: u32,
    /// Frames already in the dataset: this batch's frames are numbered from here + 1
    /// (flows are numbered by the frame that starts them).
    pub first_frame: u64,
    /// The tracker as the previous batch left it (None: the dataset's first batch).
    pub tracker: Option<TrackerState>,
    /// The IP datagrams whose fragments were still coming when the previous batch ended.
    pub defrag: Option<Defragmenter>,
}

/// Where an appended batch stopped: what the next batch goes on from.
pub struct Suspended {
    /// The flow tracker (None with `--no-flows`).
    pub tracker: Option<TrackerState>,
    /// The IP datagrams whose fragments are still coming.
    pub defrag: Defragmenter,
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
    /// What IP fragment reassembly did.
    pub defrag: DefragStats,
    /// Wall time.
    pub elapsed: Duration,
}

impl PipelineResult {
    /// Inputs that ended early because of damage.
    pub fn damaged(&self) -> impl Iterator<Item = &CaptureStats> {
        self.captures.iter().filter(|c| c.damage.is_some())
    }
}

/// Frames on their way: dissected by the reading thread, annotated by each tracker in
/// turn, then built into rows (and the allocation given back to the reading thread).
struct FrameBatch {
    /// The frames, their headers and (once tracked) their flow annotations.
    tracked: Vec<Tracked>,
    /// Their payloads, for the application stage.
    payloads: Payloads,
    /// The tunnel layers of its tunnelled frames, in frame order (outermost first).
    tunnels: Vec<TunnelEntry>,
}

/// What the pipeline thread hands to the thread that builds Arrow batches.
enum Rows {
    /// Tracked packets, in capture order.
    Packets(FrameBatch),
    /// Finished flows.
    Flows(Vec<FlowRecord>),
    /// DNS messages.
    Dns(Vec<DnsRow>),
    /// HTTP transactions.
    Http(Vec<HttpRow>),
    /// A batch already built (the captures table).
    Batch(&'static TableDef, RecordBatch),
}

/// The row vectors the builder hands back to the threads that fill them.
#[derive(Clone)]
struct RowPools {
    flows: VecPool<FlowRecord>,
    dns: VecPool<DnsRow>,
    http: VecPool<HttpRow>,
}

impl RowPools {
    fn new() -> Self {
        RowPools {
            flows: VecPool::new(FLOW_ROWS),
            dns: VecPool::new(FLOW_ROWS),
            http: VecPool::new(FLOW_ROWS),
        }
    }
}

/// Reads every frame of `source` and writes the three tables into `sink`.
///
/// Threads share the work: this one reads, dissects and tracks; another runs the
/// application stage (protocol parsers, DNS and HTTP rows) on the payloads tracking hands
/// it; another turns the rows into Arrow batches and hands them to the sink (whose Parquet
/// writers encode each table on a thread of its own), so every core stays busy on a long capture.
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
) -> Result<(PipelineResult, Option<Suspended>)> {
    let started = Instant::now();
    let suspend = continuation.is_some();
    let Continuation {
        first_capture_id,
        first_frame,
        tracker: resumed,
        defrag: resumed_defrag,
    } = continuation.unwrap_or_default();
    let done_ring = Arc::new(DoneRing::default());
    let trackers = match opts.track {
        None => Vec::new(),
        // An appended batch goes on from one suspended tracker.
        Some(t) if suspend => vec![
            match resumed {
                Some(state) => Tracker::resume(t, state),
                None => Tracker::new(t),
            }
            .with_done_ring(Arc::clone(&done_ring)),
        ],
        Some(t) => {
            let n = opts.threads.max(1);
            let share = TrackOptions {
                max_flows: t.max_flows.div_ceil(n),
                ..t
            };
            (0..n)
                .map(|k| Tracker::sharded(share, k, n, Arc::clone(&done_ring)))
                .collect()
        }
    };
    let mut decode_errors = vec![0u64; source.input_count()];
    let (mut frames, mut wire_bytes) = (0u64, 0u64);
    let (to_builder, from_pipeline) = mpsc::sync_channel::<Rows>(QUEUE_BATCHES);
    let (recycle, recycled) = mpsc::channel::<FrameBatch>();
    let with_flows = !trackers.is_empty();
    let with_app = opts.track.is_some_and(|t| t.app);
    let mut anonymizer = opts.anonymize.as_ref().map(PacketAnonymizer::new);
    let pools = RowPools::new();
    std::thread::scope(|scope| -> Result<(PipelineResult, Option<Suspended>)> {
        let builder_pools = pools.clone();
        let builder = std::thread::Builder::new()
            .name("arrow-builder".into())
            .spawn_scoped(scope, move || {
                build_rows(
                    from_pipeline,
                    recycle,
                    &builder_pools,
                    sink,
                    with_flows,
                    suspend,
                )
            })?;
        // The application stage, and one channel per tracker on which it gives batches back.
        let mut app_ends = Vec::new();
        let app_thread = if with_app {
            let join = AppJoin::new(Arc::clone(&done_ring));
            let (to_app, from_tracker) = mpsc::sync_channel::<AppBatch>(QUEUE_BATCHES);
            let mut give_back = Vec::new();
            for _ in &trackers {
                let (app_recycle, app_recycled) = mpsc::channel::<AppBatch>();
                give_back.push(app_recycle);
                app_ends.push(Some((to_app.clone(), app_recycled)));
            }
            let rows_out = to_builder.clone();
            let scrub = opts.anonymize.clone();
            let app_pools = pools.clone();
            let handle = std::thread::Builder::new()
                .name("app-stage".into())
                .spawn_scoped(scope, move || {
                    run_app_stage(join, from_tracker, give_back, rows_out, &app_pools, scrub)
                })?;
            Some(handle)
        } else {
            app_ends.resize_with(trackers.len(), || None);
            None
        };
        // The chain of trackers, built from its end.
        let mut next = None;
        let mut tracker_threads = Vec::new();
        for (position, (tracker, app)) in trackers.into_iter().zip(app_ends).enumerate().rev() {
            let (to_tracker, batches) = mpsc::sync_channel::<FrameBatch>(QUEUE_BATCHES);
            let thread = TrackerThread {
                tracker,
                position,
                batches,
                next: match next.take() {
                    Some(to) => Next::Tracker(to),
                    None => Next::Builder(to_builder.clone()),
                },
                rows: to_builder.clone(),
                flow_rows: pools.flows.clone(),
                app,
                suspend,
            };
            next = Some(to_tracker);
            tracker_threads.push(
                std::thread::Builder::new()
                    .name(format!("tracker-{position}"))
                    .spawn_scoped(scope, move || thread.run())?,
            );
        }
        let to_first_tracker = next;
        let send = |rows: Rows| -> bool { to_builder.send(rows).is_ok() };
        let mut exhausted = false;
        let mut interrupted = false;
        let mut tunnels = Tunnels::default();
        let mut defrag = resumed_defrag.unwrap_or_default();
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
            let mut batch = recycled.try_recv().unwrap_or_else(|_| FrameBatch {
                tracked: Vec::with_capacity(SEND_BATCH),
                payloads: Payloads::default(),
                tunnels: Vec::new(),
            });
            batch.tracked.clear();
            batch.payloads.clear();
            batch.tunnels.clear();
            while batch.tracked.len() < SEND_BATCH {
                let Some((frame, block)) = source.next_frame_in_block() else {
                    exhausted = true;
                    break;
                };
                // The row is made first and decoded into where it lies (no copy of the
                // Packet per frame).
                let row = batch.tracked.len();
                let mut meta = frame.meta();
                meta.capture_id += first_capture_id;
                meta.index = first_frame + frames + row as u64 + 1;
                batch.tracked.push(Tracked {
                    meta,
                    packet: Packet::default(),
                    annotation: PacketAnnotation::default(),
                });
                let packet = &mut batch.tracked[row].packet;
                let payload = dissect_frame_into(&frame, &mut tunnels, &mut defrag, packet);
                if let Some(a) = anonymizer.as_mut() {
                    a.packet(packet);
                }
                if packet.error.is_some() {
                    decode_errors[frame.capture_id as usize] += 1;
                }
                for layer in tunnels.iter() {
                    let mut layer = *layer;
                    if let Some(a) = anonymizer.as_mut() {
                        a.ip(&mut layer.ip);
                    }
                    batch.tunnels.push(TunnelEntry {
                        frame: row as u32,
                        layer,
                        flow_id: None,
                    });
                }
                if with_app {
                    batch.payloads.push(payload, block);
                }
                wire_bytes += u64::from(frame.wire_len);
            }
            frames += batch.tracked.len() as u64;
            if batch.tracked.is_empty() {
                continue;
            }
            let passed = match &to_first_tracker {
                Some(to) => to.send(batch).is_ok(),
                None => send(Rows::Packets(batch)),
            };
            if !passed {
                break;
            }
        }
        let input_bytes = source.bytes_read();
        progress.update(input_bytes, frames);
        // An appended batch keeps the datagrams still waiting for the next one.
        if !suspend {
            defrag.finish();
        }
        drop(to_first_tracker);
        let mut track = TrackStats::default();
        let mut state = None;
        for handle in tracker_threads {
            let (stats, suspended) = handle
                .join()
                .map_err(|_| anyhow::anyhow!("a tracker thread panicked"))?;
            track.flows += stats.flows;
            track.evicted += stats.evicted;
            track.peak_active += stats.peak_active;
            state = state.or(suspended);
        }
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
            defrag: defrag.stats(),
            elapsed: started.elapsed(),
        };
        let suspended = suspend.then_some(Suspended {
            tracker: state,
            defrag,
        });
        Ok((result, suspended))
    })
}

/// Sends the finished flows that reached `at_least` rows (in a vector of `pool`'s). Returns
/// false when the builder thread has stopped.
fn flush_tracked(
    out: &mut TrackOutput,
    at_least: usize,
    pool: &VecPool<FlowRecord>,
    send: &dyn Fn(Rows) -> bool,
) -> bool {
    out.flows.len() < at_least || send(Rows::Flows(pool.swap_out(&mut out.flows)))
}

/// The application thread: replays the tracker's events into the protocol parsers and
/// sends finished flows (with their application columns) and DNS/HTTP rows on to the
/// builder, in the tracker's order.
fn run_app_stage(
    mut join: AppJoin,
    batches: Receiver<AppBatch>,
    recycle: Vec<Sender<AppBatch>>,
    to_builder: mpsc::SyncSender<Rows>,
    pools: &RowPools,
    scrub: Option<AnonymizeOptions>,
) {
    let mut out = Joined::default();
    let send = |rows: Rows| -> bool { to_builder.send(rows).is_ok() };
    // Rows before these positions are scrubbed already (with `--anonymize`).
    let mut scrubbed = (0, 0, 0);
    let mut hand_on = |out: &mut Joined, at_least: usize| -> bool {
        if let Some(opts) = &scrub {
            let (flows, dns, http) = scrubbed;
            let rows = &mut out.rows;
            let (dns, http) = (&mut rows.dns[dns..], &mut rows.http[http..]);
            anonymize::scrub(opts, &mut out.flows[flows..], dns, http);
        }
        let alive = flush_joined(out, at_least, pools, &send);
        scrubbed = (out.flows.len(), out.rows.dns.len(), out.rows.http.len());
        alive
    };
    let mut alive = true;
    for mut batch in batches {
        // Flows are handed on as soon as they fill a vector of the pool's, never grown.
        join.run_handing_on(&mut batch, &mut out, FLOW_ROWS, &mut |out| {
            alive &= hand_on(out, FLOW_ROWS);
        });
        if let Some(back) = recycle.get(batch.origin) {
            let _ = back.send(batch);
        }
        if !alive || !hand_on(&mut out, FLOW_ROWS) {
            return;
        }
    }
    hand_on(&mut out, 1);
}

/// Sends the joined flows and application rows that reached `at_least` rows. Returns
/// false when the builder thread has stopped.
fn flush_joined(
    out: &mut Joined,
    at_least: usize,
    pools: &RowPools,
    send: &dyn Fn(Rows) -> bool,
) -> bool {
    if out.flows.len() >= at_least && !send(Rows::Flows(pools.flows.swap_out(&mut out.flows))) {
        return false;
    }
    let rows = &mut out.rows;
    if rows.dns.len() >= at_least && !send(Rows::Dns(pools.dns.swap_out(&mut rows.dns))) {
        return false;
    }
    if rows.http.len() >= at_least && !send(Rows::Http(pools.http.swap_out(&mut rows.http))) {
        return false;
    }
    true
}

/// The builder thread: rows in, Arrow batches out to the sink. Returns the flows written
/// and, when the batch is `suspend`ed, what the application stage had learnt about each
/// suspended flow (their records are written apart, as provisional rows).
fn build_rows(
    rows: Receiver<Rows>,
    recycle: Sender<FrameBatch>,
    pools: &RowPools,
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
                let mut layers = batch.tunnels.as_slice();
                for (i, t) in batch.tracked.iter().enumerate() {
                    packets.append(&t.meta, &t.packet, &t.annotation);
                    let here = layers.iter().take_while(|e| e.frame as usize == i).count();
                    if here > 0 {
                        packets.tunnelled(&layers[..here]);
                        layers = &layers[here..];
                    }
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
                    pools.flows.give(records);
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
            Rows::Dns(rows) => {
                sink.write(&DNS, dns_batch(&rows)?)?;
                pools.dns.give(rows);
            }
            Rows::Http(rows) => {
                sink.write(&HTTP, http_batch(&rows)?)?;
                pools.http.give(rows);
            }
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
