//! A tracker stopped between two `convert --append` batches and started again where it
//! stopped: every active flow, its TCP and RTT state and the expiry order are kept, so a
//! flow that goes on in the next batch is one flow, exactly as if both batches had been one
//! run.
//!
//! The application stage's parsers are not kept. A flow the stage had finished with stays
//! finished (its columns are carried); a flow it was still reading is picked up mid-stream
//! by a new parser at its next payload, its earlier columns carried and completed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::app_feed::AppFeed;
use super::expiry::ExpiryQueue;
use super::flow::{EndReason, Flow};
use super::index::FlowIndex;
use super::table::{Tracker, emit_record};
use super::{FlowSink, TrackOptions, TrackStats};
use crate::app::AppSummary;

/// What a suspended tracker keeps: enough to resume it exactly.
#[derive(Clone, Serialize, Deserialize)]
pub struct TrackerState {
    /// Occupied slots and their flows.
    flows: Vec<(u32, Flow)>,
    /// Generation of every slot allocated, occupied or free (stale expiry entries are told
    /// by it).
    generations: Vec<u32>,
    /// Free slots, in the order they are reused.
    free: Vec<u32>,
    /// Expiry queue entries: (time, slot, generation).
    expiry: Vec<(i64, u32, u32)>,
}

/// What the application stage had learnt about a suspended flow when its provisional row
/// was written.
#[derive(Debug, Clone, Default)]
pub struct Learnt {
    /// The flow's application columns so far.
    pub app: Option<Box<AppSummary>>,
    /// Whether the stage had finished with the flow.
    pub done: bool,
}

impl TrackerState {
    /// Hands each kept flow what the application stage learnt about it (from the records
    /// written for the suspended flows, by flow id).
    pub fn attach(&mut self, mut learnt: HashMap<u64, Learnt>) {
        for (_, flow) in &mut self.flows {
            let Learnt { app, done } = learnt.remove(&flow.id).unwrap_or_default();
            flow.carried_app = app;
            let was_read = flow.app != AppFeed::Idle;
            flow.app = if done { AppFeed::Done } else { AppFeed::Idle };
            flow.app_midstream = was_read && !done;
        }
    }
}

impl Tracker {
    /// Stops at the end of a batch: every active flow's provisional record goes into `out`
    /// (marked suspended, in flow-id order, as [`Tracker::finish`] would end them), and
    /// the flows themselves are kept in the returned state.
    pub fn suspend(mut self, out: &mut dyn FlowSink) -> (TrackStats, TrackerState) {
        let mut flows: Vec<(u32, Flow)> = Vec::with_capacity(self.index.len());
        for (slot, flow) in self.slots.iter_mut().enumerate() {
            if let Some(flow) = flow.take() {
                flows.push((slot as u32, flow));
            }
        }
        flows.sort_by_key(|(_, f)| f.id);
        for (_, flow) in &mut flows {
            let mut copy = flow.clone();
            emit_record(&mut copy, EndReason::Eof, true, out);
        }
        let state = TrackerState {
            flows,
            generations: self.generations,
            free: self.free,
            expiry: self.expiry.into_entries(),
        };
        (self.stats, state)
    }

    /// A tracker that goes on from `state` with `opts` (the options it was suspended with).
    pub fn resume(opts: TrackOptions, state: TrackerState) -> Self {
        let mut t = Tracker::new(opts);
        t.slots = state.generations.iter().map(|_| None).collect();
        t.generations = state.generations;
        t.free = state.free;
        t.expiry = ExpiryQueue::from_entries(state.expiry);
        let mut index = FlowIndex::new();
        for (slot, mut flow) in state.flows {
            let Some(place) = t.slots.get_mut(slot as usize) else {
                continue;
            };
            // The index's hash is seeded per process: computed again.
            flow.index_hash = index.hash(&flow.key);
            index.insert(flow.index_hash, slot);
            *place = Some(flow);
        }
        t.stats.peak_active = index.len();
        t.index = index;
        t
    }
}
