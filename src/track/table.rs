//! The flow table: active flows by key, their expiry order, and the per-packet update that
//! ties Zeek's connection logic, tshark's flags, RTT and window statistics together.

use std::net::IpAddr;
use std::sync::Arc;

use super::app_feed::{AppFeed, DoneRing, feed_app};
use super::expiry::{ExpiryKind, ExpiryQueue};
use super::flow::{DirStats, EndReason, FirstSegment, Flow, TcpFlow};
use super::history::History;
use super::index::{FlowIndex, prefetch};
use super::key::{FlowKey, Tuple, packet_tuple};
use super::payloads::{Captured, Payloads};
use super::tcp::machine::{FlowCtx, Segment};
use super::tunnels::{FlowTunnel, Role, TunnelEntry};
use super::udp_roles;
use super::zeek_timers;
use super::{FlowSink, PacketAnnotation, TrackOptions, TrackStats};
use crate::dissect::transport::proto;
use crate::dissect::{Packet, tcp_flag};
use crate::server_ports::is_likely_server_port;
use crate::source::FrameMeta;

/// Active flows and everything needed to finish them.
pub struct Tracker {
    pub(super) opts: TrackOptions,
    pub(super) index: FlowIndex,
    pub(super) slots: Vec<Option<Flow>>,
    pub(super) generations: Vec<u32>,
    pub(super) free: Vec<u32>,
    /// (expiry time, slot, generation), one entry per active flow, checked lazily.
    /// Smallest first (`track/expiry.rs`).
    pub(super) expiry: ExpiryQueue,
    /// This tracker's share of the flows when tracking is split across threads: shard
    /// `k` of `n` takes the packets whose address pair hashes to `k` (None: every packet).
    pub(super) shard: Option<(usize, usize)>,
    pub(super) stats: TrackStats,
    /// Per-packet lookups of the batch being processed (reused allocation).
    prepared: Vec<Option<Prepared>>,
    /// Flows the application stage wants no more payload of (told by the stage).
    pub(super) app_done: Arc<DoneRing>,
}

/// A packet of a batch: its frame, its headers, and (after tracking) its annotation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tracked {
    /// The frame.
    pub meta: FrameMeta,
    /// Its decoded headers.
    pub packet: Packet,
    /// Filled by [`Tracker::observe_batch`].
    pub annotation: PacketAnnotation,
}

/// A packet's flow identity, computed before the flow is looked up.
#[derive(Debug, Clone, Copy)]
pub(super) struct Prepared {
    tuple: Tuple,
    key: FlowKey,
    side: usize,
    hash: u32,
}

/// How far ahead of the packet being processed the flows of later packets are prefetched.
const PREFETCH_AHEAD: usize = 8;

impl Tracker {
    /// An empty table.
    pub fn new(opts: TrackOptions) -> Self {
        Tracker {
            opts,
            index: FlowIndex::new(),
            slots: Vec::new(),
            generations: Vec::new(),
            free: Vec::new(),
            expiry: ExpiryQueue::default(),
            shard: None,
            stats: TrackStats::default(),
            prepared: Vec::new(),
            app_done: Arc::default(),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> TrackStats {
        self.stats
    }

    fn timeout(&self, proto_nr: u8) -> i64 {
        match proto_nr {
            proto::TCP => self.opts.tcp_timeout_ns,
            proto::UDP => self.opts.udp_timeout_ns,
            proto::ICMP | proto::ICMPV6 => self.opts.icmp_timeout_ns,
            _ => self.opts.other_timeout_ns,
        }
    }

    /// The expiry queue kind of `f`'s entries: one per timeout, so that entries of a kind
    /// come in time order.
    fn expiry_kind(f: &Flow) -> ExpiryKind {
        match (f.closed_at, f.key.proto) {
            (Some(_), _) => ExpiryKind::Closed,
            (None, proto::TCP) => ExpiryKind::Tcp,
            (None, proto::UDP) if zeek_timers::dns_session(f) => ExpiryKind::DnsSession,
            (None, proto::UDP) => ExpiryKind::Udp,
            (None, proto::ICMP | proto::ICMPV6) => ExpiryKind::Icmp,
            (None, _) => ExpiryKind::Other,
        }
    }

    fn expires_at(&self, f: &Flow) -> i64 {
        match f.closed_at {
            Some(t) => t.saturating_add(self.opts.close_linger_ns),
            None => f.last_ts.saturating_add(self.timeout(f.key.proto)),
        }
    }

    /// When a new flow is first checked, and the queue kind of that entry: at its idle
    /// timeout, or at the first of Zeek's analyzer timers when that comes first.
    /// `attempt`: the flow begins with its originator's SYN.
    fn first_check(&self, f: &Flow, attempt: bool) -> (i64, ExpiryKind) {
        let idle = self.expires_at(f);
        match zeek_timers::first_timer(f, idle, attempt) {
            Some(at) if f.key.proto == proto::TCP => (at, ExpiryKind::TcpAttempt),
            Some(at) => (at, Self::expiry_kind(f)),
            None => (idle, Self::expiry_kind(f)),
        }
    }

    /// Queues slot `slot`'s flow again, for `at`.
    fn requeue(&mut self, slot: u32, generation: u32, at: i64) {
        let Some(f) = self.slots[slot as usize].as_mut() else {
            return;
        };
        f.scheduled_at = at;
        let kind = Self::expiry_kind(f);
        self.expiry.push((at, slot, generation), kind);
    }

    /// Updates the flows of a batch of packets, in order, filling their annotations;
    /// `payloads` holds their captured payloads by position (for the application stage).
    /// Flows that end are pushed into `out`. Working on a batch lets the flows of the next
    /// packets be fetched into the cache while the current one is processed.
    /// `tunnels` holds the tunnel layers of the batch's tunnelled frames, in frame order
    /// (outermost first); their flows are tracked too, and their `flow_id` set.
    pub fn observe_batch(
        &mut self,
        batch: &mut [Tracked],
        tunnels: &mut [TunnelEntry],
        payloads: &Payloads,
        out: &mut dyn FlowSink,
    ) {
        let mut layers_at = 0;
        let mut prepared = std::mem::take(&mut self.prepared);
        prepared.clear();
        for t in batch.iter() {
            let owned = self.owns(&t.packet);
            prepared.push(owned.then(|| self.prepare(&t.packet)).flatten());
        }
        for i in 0..batch.len() {
            if let Some(Some(p)) = prepared.get(i + PREFETCH_AHEAD) {
                self.prefetch_flow(p);
            }
            if let Some(Some(p)) = prepared.get(i + PREFETCH_AHEAD / 2) {
                self.prefetch_tcp(p);
            }
            let t = &mut batch[i];
            // Every shard keeps time with every packet; only the owner annotates it.
            self.expire(t.meta.ts_ns, out);
            if self.owns_quoted(&t.packet) {
                self.note_icmp(&t.packet);
            }
            let mut parent = None;
            let first_layer = layers_at;
            while tunnels
                .get(layers_at)
                .is_some_and(|e| e.frame as usize == i)
            {
                layers_at += 1;
            }
            if layers_at > first_layer {
                parent = self.observe_layers(&t.meta, &mut tunnels[first_layer..layers_at], out);
            }
            if let Some(p) = &prepared[i] {
                let role = Role::Own { parent };
                let payload = payloads.captured(i);
                t.annotation = self.observe_prepared(&t.meta, &t.packet, payload, p, role, out);
            }
        }
        self.prepared = prepared;
    }

    /// Updates the flow of one packet and returns the packet's annotation. Flows that ended
    /// before the packet's time are pushed into `out` first.
    pub fn observe(
        &mut self,
        frame: &FrameMeta,
        p: &Packet,
        payload: &[u8],
        out: &mut dyn FlowSink,
    ) -> PacketAnnotation {
        self.expire(frame.ts_ns, out);
        self.note_icmp(p);
        match self.prepare(p) {
            Some(prep) => {
                let role = Role::Own { parent: None };
                self.observe_prepared(frame, p, payload.into(), &prep, role, out)
            }
            None => PacketAnnotation::default(),
        }
    }

    /// Computes a packet's flow identity and starts fetching its index bucket.
    pub(super) fn prepare(&mut self, p: &Packet) -> Option<Prepared> {
        let tuple = packet_tuple(p)?;
        let (key, side) = tuple.key();
        let hash = self.index.hash(&key);
        self.index.prefetch(hash);
        Some(Prepared {
            tuple,
            key,
            side,
            hash,
        })
    }

    /// The slot a prepared packet's flow probably occupies (first bucket of equal hash).
    fn likely_slot(&self, p: &Prepared) -> Option<u32> {
        self.index.find(p.hash, |_| true)
    }

    fn prefetch_flow(&self, p: &Prepared) {
        if let Some(slot) = self.likely_slot(p) {
            let f = self.slots.as_ptr().wrapping_add(slot as usize) as *const u8;
            for line in 0..3 {
                prefetch(f.wrapping_add(line * 64));
            }
        }
    }

    fn prefetch_tcp(&self, p: &Prepared) {
        let flow = self
            .likely_slot(p)
            .and_then(|s| self.slots.get(s as usize))
            .and_then(Option::as_ref);
        if let Some(tcp) = flow.and_then(|f| f.tcp.as_ref()) {
            let base = &**tcp as *const TcpFlow as *const u8;
            for line in 0..8 {
                prefetch(base.wrapping_add(line * 64));
            }
        }
    }

    pub(super) fn lookup(&self, key: &FlowKey, hash: u32) -> Option<u32> {
        let slots = &self.slots;
        self.index.find(hash, |s| {
            slots[s as usize].as_ref().is_some_and(|f| f.key == *key)
        })
    }

    pub(super) fn observe_prepared(
        &mut self,
        frame: &FrameMeta,
        p: &Packet,
        captured: Captured<'_>,
        prep: &Prepared,
        role: Role,
        out: &mut dyn FlowSink,
    ) -> PacketAnnotation {
        let ts = frame.ts_ns;
        let Prepared {
            tuple,
            key,
            side,
            hash,
        } = *prep;
        let seg = p.tcp.map(|t| Segment {
            side,
            flags: t.flags,
            seq: t.seq,
            ack: t.ack,
            window: t.window,
            len: p.payload_len.unwrap_or(0),
            captured: p.payload_captured,
            wscale: t.window_scale,
        });
        let mut slot = self.lookup(&key, hash);
        if let (Some(s), Some(seg)) = (slot, &seg) {
            let reused = self.slots[s as usize].as_mut().is_some_and(|f| {
                let orig_side = f.orig_side;
                f.tcp_mut().is_some_and(|t| t.zeek.is_reuse(seg, orig_side))
            });
            if reused {
                self.finish_slot(s, EndReason::Reused, out);
                slot = None;
            }
        }
        let slot = match slot {
            Some(s) => s,
            None => self.create(key, hash, side, &tuple, p, frame, role.id_offset(), out),
        };
        let Some(flow) = self.slots[slot as usize].as_mut() else {
            return PacketAnnotation::default();
        };
        if let Some(parent) = role.parent() {
            flow.tunnel
                .get_or_insert_with(Box::<FlowTunnel>::default)
                .carried_by(parent);
        }
        let carried = match role {
            Role::Carrier { kind, .. } => Some(kind),
            Role::Own { .. } => p.carries,
        };
        if let Some(kind) = carried {
            flow.tunnel
                .get_or_insert_with(Box::<FlowTunnel>::default)
                .carry(kind, side);
        }
        let mut ann = PacketAnnotation {
            flow_id: Some(flow.id),
            ..PacketAnnotation::default()
        };

        let mut extends_duration = true;
        let mut counted_side = side;
        if let (Some(seg), true) = (seg.as_ref(), key.proto == proto::TCP) {
            let first = flow.dirs[0].pkts + flow.dirs[1].pkts == 0;
            let (flags, outcome) = if first {
                // A flow's first segment is kept as it is, and its state made on the stack:
                // most flows of a scan or a flood never see a second packet.
                let orig_side = flow.orig_side;
                let mut scratch = TcpFlow::default();
                let cx = FlowCtx {
                    history: &mut flow.history,
                    orig_side: &mut flow.orig_side,
                };
                let done = scratch.observe(seg, ts, cx);
                flow.tcp_first = Some(FirstSegment {
                    seg: *seg,
                    ts,
                    orig_side: orig_side as u8,
                });
                done
            } else {
                let orig_side = &mut flow.orig_side;
                let history = &mut flow.history;
                let tcp = match (flow.tcp.as_mut(), flow.tcp_first.take()) {
                    (Some(t), _) => t,
                    (None, first) => flow.tcp.insert(Box::new(TcpFlow::replay(first.as_ref()))),
                };
                tcp.observe(seg, ts, FlowCtx { history, orig_side })
            };
            ann.retransmission = Some(flags.retransmission);
            ann.dup_ack = Some(flags.dup_ack);
            ann.zero_window = Some(flags.zero_window);
            extends_duration = outcome.extends_duration;
            if outcome.close_complete && flow.closed_at.is_none() {
                flow.closed_at = Some(ts);
                // The close brings the flow's end forward: queue it at its new time.
                let linger_end = ts.saturating_add(self.opts.close_linger_ns);
                if linger_end < flow.scheduled_at {
                    flow.scheduled_at = linger_end;
                    let entry = (linger_end, slot, self.generations[slot as usize]);
                    self.expiry.push(entry, Self::expiry_kind(flow));
                }
            }
        } else if key.proto == proto::UDP {
            counted_side = udp_roles::observe_udp(flow, key, side, p);
        }

        let d = &mut flow.dirs[counted_side];
        d.pkts += 1;
        let ip_len = p.ip.map_or(0, |i| match i.whole_len {
            0 => i.total_len.unwrap_or(0),
            whole => whole,
        });
        d.ip_bytes += u64::from(ip_len);
        d.wire_bytes += u64::from(frame.wire_len);
        let payload = u64::from(p.payload_len.unwrap_or(0));
        d.payload_bytes += payload;
        d.data_pkts += u64::from(payload > 0);
        flow.last_ts = flow.last_ts.max(ts);
        if extends_duration {
            flow.duration_end_ts = flow.duration_end_ts.max(ts);
        }
        ann.from_orig = Some(side == flow.orig_side);
        let own = matches!(role, Role::Own { .. });
        if self.opts.app && own && matches!(key.proto, proto::TCP | proto::UDP) {
            feed_app(flow, p, captured, side, ts, &self.app_done, out);
        }
        ann
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        key: FlowKey,
        hash: u32,
        side: usize,
        t: &Tuple,
        p: &Packet,
        frame: &FrameMeta,
        id_offset: u64,
        out: &mut dyn FlowSink,
    ) -> u32 {
        let ts = frame.ts_ns;
        while self.index.len() >= self.opts.max_flows.max(1) {
            if !self.evict_one(out) {
                break;
            }
        }
        let mut orig_side = side;
        let mut history = History::default();
        let flip = match t.proto {
            proto::TCP => p.tcp.is_some_and(|tcp| {
                let (syn, ack) = (
                    tcp.flags & tcp_flag::SYN != 0,
                    tcp.flags & tcp_flag::ACK != 0,
                );
                let likely = |port| is_likely_server_port(port, proto::TCP);
                (!syn || ack)
                    && likely(t.sport)
                    && if likely(t.dport) {
                        !syn && t.sport < t.dport
                    } else {
                        true
                    }
            }),
            proto::UDP => {
                let likely = |port| is_likely_server_port(port, proto::UDP);
                likely(t.sport) && !likely(t.dport)
            }
            _ => false,
        };
        // Zeek keeps the roles when the responder would be the broadcast address (NewConn).
        if flip && t.dst != IpAddr::V4(std::net::Ipv4Addr::BROADCAST) {
            orig_side = 1 - side;
            history.add('^');
        }
        let flow = Flow {
            // Numbered by the frame that starts it: the same numbers however many trackers
            // share the flows (a tunnel's carrier above that, `track/tunnels.rs`).
            id: frame.index + id_offset,
            key,
            index_hash: hash,
            orig_side,
            first_side: side as u8,
            first_ts: ts,
            last_ts: ts,
            duration_end_ts: ts,
            dirs: [DirStats::default(); 2],
            history,
            tcp: None,
            tcp_first: None,
            icmp_error: None,
            icmp_errors: 0,
            closed_at: None,
            scheduled_at: 0,
            first_ports: (p.src_port.unwrap_or(0), p.dst_port.unwrap_or(0)),
            app: AppFeed::Idle,
            carried_app: None,
            app_midstream: false,
            tunnel: None,
        };
        self.stats.flows += 1;
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                self.generations.push(0);
                (self.slots.len() - 1) as u32
            }
        };
        // The originator's SYN arms Zeek's attempt check (the flow's history, which later
        // tells the same, gets its `S` or `H` only when the packet is processed).
        let attempt = t.proto == proto::TCP
            && orig_side == side
            && p.tcp.is_some_and(|tcp| tcp.flags & tcp_flag::SYN != 0);
        let (expires, kind) = self.first_check(&flow, attempt);
        let mut flow = flow;
        flow.scheduled_at = expires;
        self.slots[slot as usize] = Some(flow);
        self.index.insert(hash, slot);
        self.expiry
            .push((expires, slot, self.generations[slot as usize]), kind);
        self.stats.peak_active = self.stats.peak_active.max(self.index.len());
        slot
    }

    /// Ends every flow whose expiry time is before `now`.
    fn expire(&mut self, now: i64, out: &mut dyn FlowSink) {
        while let Some((at, slot, generation)) = self.expiry.peek() {
            if at > now {
                break;
            }
            self.expiry.pop();
            if self.generations[slot as usize] != generation {
                continue;
            }
            let Some(flow) = self.slots[slot as usize].as_ref() else {
                continue;
            };
            if at != flow.scheduled_at {
                // An older entry, superseded when the flow closed.
                continue;
            }
            let idle = self.expires_at(flow);
            let next = if idle > now {
                zeek_timers::next_check(flow, at, now, idle)
            } else {
                None
            };
            if let Some(next) = next {
                self.requeue(slot, generation, next);
                continue;
            }
            let reason = if flow.closed_at.is_some() {
                EndReason::Fin
            } else {
                EndReason::Idle
            };
            self.finish_slot(slot, reason, out);
        }
    }

    fn evict_one(&mut self, out: &mut dyn FlowSink) -> bool {
        while let Some((at, slot, generation)) = self.expiry.pop() {
            let current = self.slots[slot as usize]
                .as_ref()
                .is_some_and(|f| f.scheduled_at == at);
            if self.generations[slot as usize] != generation || !current {
                continue;
            }
            // An answered connection's attempt check is not its end: it goes back in the
            // queue at its idle timeout, so the flow nearest its end is the one evicted.
            let answered = self.slots[slot as usize]
                .as_ref()
                .filter(|f| zeek_timers::answered_attempt_check(f, at))
                .map(|f| self.expires_at(f));
            if let Some(idle) = answered {
                self.requeue(slot, generation, idle);
                continue;
            }
            self.stats.evicted += 1;
            self.finish_slot(slot, EndReason::Evicted, out);
            return true;
        }
        false
    }

    fn finish_slot(&mut self, slot: u32, reason: EndReason, out: &mut dyn FlowSink) {
        // The record is made from the flow where it lies, which is then dropped there:
        // moving a 300-byte flow out first cost a copy per ended flow.
        let Some(flow) = self.slots[slot as usize].as_mut() else {
            return;
        };
        // The flow's index entry is a random place in a table of megabytes: ask for it
        // now, and make the record while it comes (the removal waited on it otherwise).
        let index_hash = flow.index_hash;
        self.index.prefetch(index_hash);
        emit_record(flow, reason, false, out);
        self.slots[slot as usize] = None;
        self.generations[slot as usize] = self.generations[slot as usize].wrapping_add(1);
        self.free.push(slot);
        self.index.remove(index_hash, slot);
    }

    /// Ends every remaining flow (end of input) and returns the run's counters.
    pub fn finish(mut self, out: &mut dyn FlowSink) -> TrackStats {
        // Emit in flow-id order, so the tail of the table reads naturally. The ids are
        // taken once: comparing through the slots read two random flows per comparison.
        let mut remaining: Vec<(u64, u32)> = (0..self.slots.len() as u32)
            .filter_map(|s| self.slots[s as usize].as_ref().map(|f| (f.id, s)))
            .collect();
        remaining.sort_unstable();
        for (_, slot) in remaining {
            self.finish_slot(slot, EndReason::Eof, out);
        }
        self.stats
    }
}

/// Sends a finished flow's record on: straight out when the application stage never saw
/// the flow, else through the stage, which attaches its columns. `suspended`: the flow is
/// kept for the next `convert --append` batch and its record is provisional.
pub(super) fn emit_record(
    flow: &mut Flow,
    reason: EndReason,
    suspended: bool,
    out: &mut dyn FlowSink,
) {
    let mut record = flow.record(reason);
    record.suspended = suspended;
    if flow.app == AppFeed::Idle {
        out.push(record);
    } else {
        out.app().finished(record);
    }
}
