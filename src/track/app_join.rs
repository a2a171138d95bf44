//! The application stage's side of tracking: it replays the tracker's [`AppEvent`]s into
//! each flow's [`AppFlow`], attaches what it learnt to the flow's record when the flow ends,
//! and collects the DNS and HTTP rows. It runs on a thread of its own in `convert`, so the
//! protocol parsers cost the tracker only the copy of the payloads they still want.

use std::collections::HashMap;
use std::sync::Arc;

use super::app_feed::{AppBatch, AppEvent, DoneRing};
use super::flow::FlowRecord;
use crate::app::{AppFlow, AppPacket, AppRows, AppSummary};

/// A flow's application state, while it is fed and once it is done.
enum Entry {
    Active(Box<AppFlow>),
    Done(Box<AppSummary>),
    /// Briefly, while an active flow is being finished.
    Finishing,
}

/// Application state of every flow the tracker has opened and not yet finished.
pub struct AppJoin {
    flows: HashMap<u64, Entry, ahash::RandomState>,
    done: Arc<DoneRing>,
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
        AppJoin {
            flows: HashMap::with_hasher(ahash::RandomState::new()),
            done,
        }
    }

    /// Replays one batch of events; the batch is left empty.
    pub fn run(&mut self, batch: &mut AppBatch, out: &mut Joined) {
        let mut records = batch.flows.drain(..);
        for event in batch.events.drain(..) {
            match event {
                AppEvent::Open {
                    flow_id,
                    udp,
                    ports,
                    client,
                    isn,
                } => {
                    let app = AppFlow::new(udp, ports, client, isn);
                    self.flows.insert(flow_id, Entry::Active(Box::new(app)));
                }
                AppEvent::Packet {
                    flow_id,
                    ts,
                    last_ts,
                    side,
                    from_orig,
                    tcp,
                    start,
                    len,
                    wire_len,
                } => {
                    let Some(entry) = self.flows.get_mut(&flow_id) else {
                        continue;
                    };
                    let Entry::Active(app) = entry else {
                        continue;
                    };
                    let packet = AppPacket {
                        ts,
                        side: usize::from(side),
                        from_orig,
                        tcp,
                        bytes: payload(&batch.bytes, start, len),
                        wire_len,
                    };
                    app.packet(&packet, flow_id, &mut out.rows);
                    if !app.wants_more() {
                        let summary = finish(entry, flow_id, last_ts, &mut out.rows);
                        *entry = Entry::Done(summary);
                        self.done.mark(flow_id);
                    }
                }
                AppEvent::Finished => {
                    let Some(mut record) = records.next() else {
                        continue;
                    };
                    if let Some(mut entry) = self.flows.remove(&record.flow_id) {
                        let (id, ts) = (record.flow_id, record.last_ts);
                        record.app = Some(finish(&mut entry, id, ts, &mut out.rows));
                    }
                    out.flows.push(record);
                }
            }
        }
        // A record without its event cannot happen; pass it on all the same.
        out.flows.extend(records);
        batch.bytes.clear();
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
fn finish(entry: &mut Entry, flow_id: u64, ts: i64, rows: &mut AppRows) -> Box<AppSummary> {
    match std::mem::replace(entry, Entry::Finishing) {
        Entry::Active(app) => Box::new(app.finish(flow_id, ts, rows)),
        Entry::Done(summary) => summary,
        Entry::Finishing => Box::default(),
    }
}

/// The bytes of a `Packet` event.
fn payload(bytes: &[u8], start: u32, len: u32) -> &[u8] {
    let (start, len) = (start as usize, len as usize);
    bytes.get(start..start.saturating_add(len)).unwrap_or(&[])
}
