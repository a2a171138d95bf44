//! The tracker threads. Flows are split across them by address pair
//! ([`crate::track::shard_of`]); each thread owns its share of the flow table, with no lock
//! and nothing shared but the application stage's [`DoneRing`].
//!
//! Every batch of frames visits the trackers in turn, as a chain: tracker 0 annotates the
//! packets of its flows and hands the batch to tracker 1, and so on; the last hands it to
//! the builder. Batches keep capture order without a reorder buffer, and while tracker 1
//! works on a batch tracker 0 works on the next, so N trackers keep N cores busy. Each
//! tracker sends the flows it ends straight to the builder (or through the application
//! stage), so `flows` holds the same rows whatever the number of trackers (their order
//! differs), as do `dns` and `http`.

use std::sync::mpsc::{Receiver, SyncSender};

use super::pool::VecPool;
use super::{APP_EVENTS, FLOW_ROWS, FrameBatch, Rows, flush_tracked};

use crate::track::{
    AppBatch, FlowRecord, FlowSink, MAX_HELD_BYTES, TrackOutput, TrackStats, Tracker, TrackerState,
};

/// Where a tracker hands a batch it is done with.
pub(super) enum Next {
    /// The next tracker of the chain.
    Tracker(SyncSender<FrameBatch>),
    /// The builder (the chain's last tracker).
    Builder(SyncSender<Rows>),
}

/// One tracker thread's ends: where its batches come from and go, where its flows go.
pub(super) struct TrackerThread {
    /// Its share of the flows.
    pub tracker: Tracker,
    /// Its position in the chain (it tags the application batches it sends with it).
    pub position: usize,
    /// Batches in.
    pub batches: Receiver<FrameBatch>,
    /// Batches out.
    pub next: Next,
    /// Finished flows out.
    pub rows: SyncSender<Rows>,
    /// The vectors finished flows are handed on in.
    pub flow_rows: VecPool<FlowRecord>,
    /// The application stage's input, and the batches it gives back.
    pub app: Option<(SyncSender<AppBatch>, Receiver<AppBatch>)>,
    /// End with [`Tracker::suspend`] (an appended batch) rather than [`Tracker::finish`].
    pub suspend: bool,
}

impl TrackerThread {
    /// Tracks every batch until the chain before it closes, then ends its flows.
    pub fn run(self) -> (TrackStats, Option<TrackerState>) {
        let TrackerThread {
            mut tracker,
            position,
            batches,
            next,
            rows,
            flow_rows,
            app,
            suspend,
        } = self;
        let send = |r: Rows| rows.send(r).is_ok();
        // Events gathered so far go to the application thread once they are worth a wake-up,
        // or once they hold half the blocks a batch may: the next frame batch's payloads
        // then still fit, and are passed on rather than copied.
        let send_app = |out: &mut TrackOutput, at_least: usize| -> bool {
            let Some((to_app, recycled)) = &app else {
                return true;
            };
            let events = out.app.events.len();
            let blocks_full = out.app.payloads.held_bytes() >= MAX_HELD_BYTES / 2;
            if out.app.is_empty() || (events < at_least && !blocks_full) {
                return true;
            }
            let mut next = recycled.try_recv().unwrap_or_default();
            next.clear();
            next.origin = position;
            to_app.send(std::mem::replace(&mut out.app, next)).is_ok()
        };
        let mut out = TrackOutput::default();
        out.app.origin = position;
        for mut batch in batches {
            let batch_tunnels = &mut batch.tunnels;
            tracker.observe_batch(&mut batch.tracked, batch_tunnels, &batch.payloads, &mut out);
            let passed = match &next {
                Next::Tracker(to) => to.send(batch).is_ok(),
                Next::Builder(to) => {
                    // The builder needs no payload: the reader's blocks are free for reuse.
                    batch.payloads.clear();
                    to.send(Rows::Packets(batch)).is_ok()
                }
            };
            if !passed
                || !flush_tracked(&mut out, FLOW_ROWS, &flow_rows, &send)
                || !send_app(&mut out, APP_EVENTS)
            {
                break;
            }
        }
        // The next tracker can end its flows while this one does.
        drop(next);
        // Every flow still active ends now: handed on as they come, so that a table of
        // half a million flows is never held as records all at once.
        let mut flush = |out: &mut TrackOutput| {
            flush_tracked(out, FLOW_ROWS, &flow_rows, &send);
            send_app(out, APP_EVENTS);
        };
        let mut ending = Draining {
            out: &mut out,
            flush: &mut flush,
        };
        let ended = if suspend {
            let (stats, state) = tracker.suspend(&mut ending);
            (stats, Some(state))
        } else {
            (tracker.finish(&mut ending), None)
        };
        flush_tracked(&mut out, 1, &flow_rows, &send);
        send_app(&mut out, 1);
        ended
    }
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
