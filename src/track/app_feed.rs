//! What the tracker hands to the application stage, which runs on a thread of its own:
//! events in capture order (a flow's first payload, each payload after it, each finished
//! flow) with the payload bytes they need, batched so that one message carries many packets.
//!
//! The application stage says when a flow wants no more payload through a [`DoneRing`]; the
//! tracker then stops passing that flow's packets on. The ring is lossy on purpose: a flow it
//! forgot is only fed packets the stage ignores.

use std::sync::atomic::{AtomicU64, Ordering};

use super::FlowSink;
use super::flow::{Flow, FlowRecord};
use super::payloads::{Captured, Payloads};
use crate::app::TcpSegment;
use crate::dissect::transport::proto;
use crate::dissect::{Packet, tcp_flag};

/// Where a flow stands with the application stage (a byte on the tracker's side).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AppFeed {
    /// No payload seen yet: the stage does not know the flow.
    #[default]
    Idle,
    /// The stage has the flow and is fed its packets.
    Feeding,
    /// The stage wants no more of the flow's payload.
    Done,
}

/// One step of the application stage's input.
#[derive(Debug, Clone, Copy)]
pub enum AppEvent {
    /// A flow's first packet with payload: the stage creates the flow's state.
    Open {
        /// The flow.
        flow_id: u64,
        /// UDP (datagrams) rather than TCP (a stream per side).
        udp: bool,
        /// Ports by flow-key side.
        ports: [u16; 2],
        /// Flow-key side acting as the client.
        client: usize,
        /// Each side's initial sequence number, when its SYN was seen.
        isn: [Option<u32>; 2],
        /// A TCP connection whose responder's SYN was not seen (the capture began inside
        /// it): Zeek's stream analyzers leave such a "partial" connection alone.
        partial: bool,
    },
    /// A packet of a flow the stage knows; its bytes are the batch's `payload`-th.
    Packet {
        /// The flow.
        flow_id: u64,
        /// Capture time, ns.
        ts: i64,
        /// The flow's last time so far, ns (what the stage ends the flow with, if it stops here).
        last_ts: i64,
        /// Flow-key side that sent it.
        side: u8,
        /// Whether that side is, for now, the originator.
        from_orig: bool,
        /// TCP sequence number and SYN flag (None for UDP).
        tcp: Option<TcpSegment>,
        /// Position of its captured payload in [`AppBatch::payloads`].
        payload: u32,
        /// Payload length on the wire.
        wire_len: u32,
    },
    /// The next record of [`AppBatch::flows`] is finished: the stage attaches its columns.
    Finished,
}

/// A batch of application events with the bytes and flow records they refer to.
#[derive(Debug, Default)]
pub struct AppBatch {
    /// Events, in capture order.
    pub events: Vec<AppEvent>,
    /// Payloads of the `Packet` events, in their order (kept from the reader's blocks).
    pub payloads: Payloads,
    /// Finished flows, one per `Finished` event, in the same order.
    pub flows: Vec<FlowRecord>,
    /// The tracker that sent it (its position in the chain), to which it goes back empty.
    pub origin: usize,
}

impl AppBatch {
    /// Whether the batch holds nothing.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Empties the batch, keeping its allocations.
    pub fn clear(&mut self) {
        self.events.clear();
        self.payloads.clear();
        self.flows.clear();
    }

    /// Adds a packet's payload and its event.
    pub(super) fn packet(&mut self, mut event: AppEvent, captured: Captured<'_>) {
        if let AppEvent::Packet { payload, .. } = &mut event {
            *payload = self.payloads.len() as u32;
            self.payloads.push(captured.bytes, captured.block);
        }
        self.events.push(event);
    }

    /// Adds a finished flow.
    pub(super) fn finished(&mut self, record: FlowRecord) {
        self.flows.push(record);
        self.events.push(AppEvent::Finished);
    }
}

/// Slots in the [`DoneRing`].
const RING_SLOTS: usize = 1 << 16;

/// Flows the application stage is done with, by flow id modulo the ring's size: the newest
/// id written to a slot wins. Shared by the tracker (reads) and the stage (writes).
#[derive(Debug)]
pub struct DoneRing {
    ids: Box<[AtomicU64]>,
}

impl Default for DoneRing {
    fn default() -> Self {
        DoneRing {
            ids: (0..RING_SLOTS).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl DoneRing {
    /// Records that flow `id` (never 0) wants no more payload.
    pub fn mark(&self, id: u64) {
        self.ids[id as usize % RING_SLOTS].store(id, Ordering::Relaxed);
    }

    /// Whether flow `id` is known to want no more payload.
    pub fn is_done(&self, id: u64) -> bool {
        self.ids[id as usize % RING_SLOTS].load(Ordering::Relaxed) == id
    }
}

/// Hands a packet of a TCP or UDP flow to the application stage: from its first packet with
/// payload, for as long as the stage wants more. Packets that carry nothing for it (no
/// payload, no SYN) are not sent.
pub(super) fn feed_app(
    flow: &mut Flow,
    p: &Packet,
    payload: Captured<'_>,
    side: usize,
    ts: i64,
    done: &DoneRing,
    out: &mut dyn FlowSink,
) {
    let wire_len = p.payload_len.unwrap_or(0);
    let syn = p.tcp.is_some_and(|t| t.flags & tcp_flag::SYN != 0);
    match flow.app {
        AppFeed::Done => return,
        AppFeed::Idle if wire_len == 0 => return,
        AppFeed::Idle => {
            let tcp = flow.key.proto == proto::TCP;
            let (client, isn) = if !tcp {
                (side, [None, None])
            } else if flow.app_midstream {
                // Resumed mid-stream: the stage takes the stream from where it is now.
                (flow.orig_side, [None, None])
            } else {
                (flow.orig_side, flow.isn())
            };
            // Zeek's TCPSessionAdapter::SetPartialStatus: partial unless the responder
            // answered with a SYN (after the originator's SYN, or as the first packet seen),
            // or has sent nothing yet after the originator's SYN (a capture of the client's
            // side alone: Zeek decides from each side's first packet, when it comes).
            let resp = 1 - flow.orig_side;
            let silent_resp = isn[flow.orig_side].is_some() && flow.dirs[resp].pkts == 0;
            let partial = tcp && !flow.app_midstream && isn[resp].is_none() && !silent_resp;
            out.app().events.push(AppEvent::Open {
                flow_id: flow.id,
                udp: !tcp,
                ports: [flow.key.port0, flow.key.port1],
                client,
                isn,
                partial,
            });
            flow.app = AppFeed::Feeding;
        }
        AppFeed::Feeding if done.is_done(flow.id) => {
            flow.app = AppFeed::Done;
            return;
        }
        AppFeed::Feeding if wire_len == 0 && !syn => return,
        AppFeed::Feeding => {}
    }
    let event = AppEvent::Packet {
        flow_id: flow.id,
        ts,
        last_ts: flow.last_ts,
        side: side as u8,
        from_orig: side == flow.orig_side,
        tcp: p.tcp.map(|t| TcpSegment { seq: t.seq, syn }),
        payload: 0,
        wire_len,
    };
    out.app().packet(event, payload);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_remembers_the_newest_flow_of_a_slot() {
        let ring = DoneRing::default();
        assert!(!ring.is_done(7));
        ring.mark(7);
        assert!(ring.is_done(7));
        let same_slot = 7 + RING_SLOTS as u64;
        assert!(!ring.is_done(same_slot));
        ring.mark(same_slot);
        assert!(ring.is_done(same_slot));
        // Forgetting flow 7 only costs copies the stage ignores; it never says done wrongly.
        assert!(!ring.is_done(7));
    }

    #[test]
    fn a_batch_keeps_payloads_and_records_in_event_order() {
        let mut batch = AppBatch::default();
        let packet = |flow_id| AppEvent::Packet {
            flow_id,
            ts: 0,
            last_ts: 0,
            side: 0,
            from_orig: true,
            tcp: None,
            payload: 0,
            wire_len: 3,
        };
        batch.packet(packet(1), b"abc"[..].into());
        batch.packet(packet(2), b"de"[..].into());
        let positions: Vec<u32> = batch
            .events
            .iter()
            .filter_map(|e| match e {
                AppEvent::Packet { payload, .. } => Some(*payload),
                _ => None,
            })
            .collect();
        assert_eq!(positions, [0, 1]);
        assert_eq!(batch.payloads.get(0), b"abc");
        assert_eq!(batch.payloads.get(1), b"de");
        batch.clear();
        assert!(batch.is_empty() && batch.payloads.get(0).is_empty());
        batch.packet(packet(3), b"f"[..].into());
        assert!(matches!(
            batch.events[0],
            AppEvent::Packet { payload: 0, .. }
        ));
    }
}
