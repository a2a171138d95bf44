//! The application stage's side of tracking: it replays the tracker's [`AppEvent`]s into
//! each flow's [`AppFlow`], attaches what it learnt to the flow's record when the flow ends,
//! and collects the DNS and HTTP rows. It runs on a thread of its own in `convert`, so the
//! protocol parsers cost the tracker only the copy of the payloads they still want.

use std::collections::HashMap;
use std::sync::Arc;

use super::app_feed::{AppBatch, AppEvent, DoneRing};
use super::flow::FlowRecord;
use crate::app::{AppFlow, AppPacket, AppRows, Learnt};

/// Most bytes the application state of all flows may hold between packets (early TCP
/// segments, partial messages, decoders). Each flow's buffers are bounded (16 KiB per
/// direction for reassembly, and so on), but `--max-flows` flows at once could still hold
/// gigabytes; a flow whose packet takes the total past this budget is finished there, with
/// what it learnt so far and `app_note` = `app_memory`.
pub const APP_MEMORY_BUDGET: usize = 256 << 20;

/// A flow's application state, while it is fed and once it is done: one pointer, so that
/// the map of hundreds of thousands of flows stays small.
enum Entry {
    /// Fed.
    Active(Box<Fed>),
    /// Done with: what it learnt, until the flow ends.
    Done(Box<Learnt>),
    /// Briefly, while an active flow is being finished.
    Finishing,
}

/// A flow being fed, and the bytes it held after its last packet.
struct Fed {
    app: AppFlow,
    held: usize,
}

/// Application state of every flow the tracker has opened and not yet finished.
pub struct AppJoin {
    flows: HashMap<u64, Entry, ahash::RandomState>,
    done: Arc<DoneRing>,
    /// Bytes all active flows hold ([`AppFlow::held`]).
    held: usize,
    /// Most bytes they may hold.
    budget: usize,
}

/// What the application stage hands on: finished flows with their columns, and rows.
#[derive(Debug, Default)]
pub struct Joined {
    /// Finished flows, in the tracker's order.
    pub flows: Vec<FlowRecord>,
    /// DNS and HTTP rows, in the order their messages completed.
    pub rows: AppRows,
}

impl AppJoin {
    /// A stage that tells the tracker through `done` which flows it wants no more of.
    pub fn new(done: Arc<DoneRing>) -> Self {
        Self::with_budget(done, APP_MEMORY_BUDGET)
    }

    /// A stage whose flows may hold at most `budget` bytes between packets.
    pub fn with_budget(done: Arc<DoneRing>, budget: usize) -> Self {
        AppJoin {
            flows: HashMap::with_hasher(ahash::RandomState::new()),
            done,
            held: 0,
            budget,
        }
    }

    /// Bytes the active flows hold now.
    pub fn held(&self) -> usize {
        self.held
    }

    /// Replays one batch of events; the batch is left empty.
    pub fn run(&mut self, batch: &mut AppBatch, out: &mut Joined) {
        self.run_handing_on(batch, out, usize::MAX, &mut |_| {});
    }

    /// [`run`](Self::run), calling `hand_on` whenever `out` holds `full` finished flows, so
    /// that a batch ending many flows never grows `out` past that.
    pub fn run_handing_on(
        &mut self,
        batch: &mut AppBatch,
        out: &mut Joined,
        full: usize,
        hand_on: &mut dyn FnMut(&mut Joined),
    ) {
        let mut records = batch.flows.drain(..);
        for event in batch.events.drain(..) {
            match event {
                AppEvent::Open {
                    flow_id,
                    udp,
                    ports,
                    client,
                    isn,
                    partial,
                } => {
                    let app = AppFlow::new(udp, ports, client, isn, partial);
                    let fed = Fed { app, held: 0 };
                    self.flows.insert(flow_id, Entry::Active(Box::new(fed)));
                }
                AppEvent::Packet {
                    flow_id,
                    ts,
                    last_ts,
                    side,
                    from_orig,
                    tcp,
                    payload,
                    wire_len,
                } => {
                    let Some(entry) = self.flows.get_mut(&flow_id) else {
                        continue;
                    };
                    let Entry::Active(fed) = entry else {
                        continue;
                    };
                    let Fed { app, held } = &mut **fed;
                    let packet = AppPacket {
                        ts,
                        side: usize::from(side),
                        from_orig,
                        tcp,
                        bytes: batch.payloads.get(payload as usize),
                        wire_len,
                    };
                    app.packet(&packet, flow_id, &mut out.rows);
                    let now = app.held();
                    self.held = self.held - *held + now;
                    *held = now;
                    let over_budget = self.held > self.budget;
                    if over_budget {
                        app.cut_short_by_memory();
                    }
                    if over_budget || !app.wants_more() {
                        self.held -= now;
                        let learnt = finish(entry, flow_id, last_ts, &mut out.rows);
                        *entry = Entry::Done(Box::new(learnt));
                        self.done.mark(flow_id);
                    }
                }
                AppEvent::Finished => {
                    let Some(mut record) = records.next() else {
                        continue;
                    };
                    if let Some(mut entry) = self.flows.remove(&record.flow_id) {
                        if let Entry::Active(fed) = &entry {
                            self.held -= fed.held;
                        }
                        let (id, ts) = (record.flow_id, record.last_ts);
                        record.app_done = matches!(entry, Entry::Done(_));
                        let learnt = finish(&mut entry, id, ts, &mut out.rows).into_summary();
                        // A flow resumed by `convert --append` carries what was learnt before.
                        match record.app.as_mut() {
                            Some(before) => before.continue_with(learnt),
                            None => record.app = Some(Box::new(learnt)),
                        }
                    }
                    out.flows.push(record);
                    if out.flows.len() >= full {
                        hand_on(out);
                    }
                }
            }
        }
        // A record without its event cannot happen; pass it on all the same.
        out.flows.extend(records);
        batch.payloads.clear();
    }

    /// Flows still held (none once the tracker has finished every flow).
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// Whether no flow is held.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }
}

/// Ends an entry's parsing (if still active) and takes its summary.
fn finish(entry: &mut Entry, flow_id: u64, ts: i64, rows: &mut AppRows) -> Learnt {
    match std::mem::replace(entry, Entry::Finishing) {
        Entry::Active(fed) => fed.app.finish(flow_id, ts, rows),
        Entry::Done(learnt) => *learnt,
        Entry::Finishing => Learnt::default(),
    }
}

/// The bytes of a `Packet` event.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::TcpSegment;

    /// Ten HTTP connections whose first client segment arrives 5,000 bytes early, so each
    /// holds 8,000 bytes waiting for the hole to fill.
    fn early_segments(batch: &mut AppBatch) {
        let segment = vec![b'x'; 8000];
        for flow_id in 1..=10u64 {
            batch.events.push(AppEvent::Open {
                flow_id,
                udp: false,
                ports: [40000 + flow_id as u16, 80],
                client: 0,
                isn: [Some(1000), Some(9000)],
                partial: false,
            });
            let event = AppEvent::Packet {
                flow_id,
                ts: flow_id as i64,
                last_ts: flow_id as i64,
                side: 0,
                from_orig: true,
                tcp: Some(TcpSegment {
                    seq: 1001 + 5000,
                    syn: false,
                }),
                payload: 0,
                wire_len: 8000,
            };
            batch.packet(event, segment[..].into());
        }
    }

    #[test]
    fn flows_past_the_memory_budget_are_finished_with_a_note() {
        let mut join = AppJoin::with_budget(Arc::new(DoneRing::default()), 40_000);
        let mut batch = AppBatch::default();
        early_segments(&mut batch);
        let mut out = Joined::default();
        join.run(&mut batch, &mut out);
        assert!(join.held() <= 40_000, "{} bytes held", join.held());
        let note = |id: u64| match join.flows.get(&id) {
            Some(Entry::Done(learnt)) => learnt.note_text(),
            _ => None,
        };
        // Four flows fit (8,000 bytes and their bookkeeping each); the fifth and later do not.
        for id in 1..=4 {
            assert!(matches!(join.flows[&id], Entry::Active(..)), "flow {id}");
        }
        for id in 5..=10 {
            assert_eq!(note(id), Some("app_memory"), "flow {id}");
        }
        assert_eq!(join.held(), 4 * (8000 + 64));
    }

    #[test]
    fn without_pressure_nothing_is_cut() {
        let mut join = AppJoin::new(Arc::new(DoneRing::default()));
        let mut batch = AppBatch::default();
        early_segments(&mut batch);
        join.run(&mut batch, &mut Joined::default());
        assert_eq!(join.held(), 10 * (8000 + 64));
        assert!(join.flows.values().all(|e| matches!(e, Entry::Active(..))));
    }
}
