//! The state of one flow while it is active, and the record it becomes when it ends.

use std::borrow::Cow;
use std::fmt::Write;
use std::net::IpAddr;

use super::app_feed::AppFeed;
use super::community_id::{CommunityId, community_id_v1};
use super::history::History;
use super::inline_text::InlineText;
use super::key::FlowKey;
use super::rtt::{Rtt, Samples};
use super::syn_fin_rtt::SynFinRtt;
use super::tcp::analysis::{self, Seg, TcpFlags, TsharkConv, TsharkDir};
use super::tcp::machine::{FlowCtx, Outcome, Segment, ZeekTcp};
use super::tunnels::{FlowTunnel, TunnelRecord};
use crate::app::AppSummary;
use crate::dissect::tcp_flag;
use crate::dissect::transport::proto;

/// Counters of one direction of a flow.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct DirStats {
    /// Packets.
    pub pkts: u64,
    /// IP bytes (IP header lengths included).
    pub ip_bytes: u64,
    /// Frame bytes on the wire.
    pub wire_bytes: u64,
    /// Sum of transport payload lengths.
    pub payload_bytes: u64,
    /// Packets with a non-empty payload.
    pub data_pkts: u64,
}

/// Window statistics of one direction (raw field and scaled bytes).
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct WindowStats {
    /// Packets counted.
    pub n: u64,
    /// Raw field: smallest, largest, sum.
    pub raw_min: u16,
    pub raw_max: u16,
    pub raw_sum: u64,
    /// Scaled bytes: smallest, largest (a 16-bit field scaled by at most 2^14 fits 32
    /// bits), sum.
    pub min: u32,
    pub max: u32,
    pub sum: u64,
}

impl WindowStats {
    /// Adds one advertised window.
    pub fn add(&mut self, raw: u16, scaled: u32) {
        if self.n == 0 {
            self.raw_min = raw;
            self.raw_max = raw;
            self.min = scaled;
            self.max = scaled;
        } else {
            self.raw_min = self.raw_min.min(raw);
            self.raw_max = self.raw_max.max(raw);
            self.min = self.min.min(scaled);
            self.max = self.max.max(scaled);
        }
        self.n += 1;
        self.raw_sum += u64::from(raw);
        self.sum += u64::from(scaled);
    }
}

/// TCP-only state of a flow.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct TcpFlow {
    /// Zeek's connection state machine.
    pub zeek: ZeekTcp,
    /// tshark's per-direction analysis state, by flow-key side.
    pub tshark: [TsharkDir; 2],
    /// tshark's conversation-wide timing.
    pub tshark_conv: TsharkConv,
    /// RTT bookkeeping.
    pub rtt: Rtt,
    /// The UVic P2 RTT samples (SYN and FIN segments to their first answer).
    pub syn_fin_rtt: SynFinRtt,
    /// Window statistics by side.
    pub win: [WindowStats; 2],
    /// Window scale option of each side's SYN (None: no option or no SYN seen).
    pub wscale: [Option<u8>; 2],
    /// Whether each side's SYN has been seen.
    pub syn_seen: [bool; 2],
    /// Time of the last segment with FIN set (0: none yet).
    pub last_fin_ts: i64,
    /// Segments with SYN / FIN / RST set, both directions.
    pub syn_count: u32,
    pub fin_count: u32,
    pub rst_count: u32,
    /// Retransmissions by side (tshark's rule).
    pub retransmissions: [u64; 2],
    /// Initial sequence number of each side's SYN (when `syn_seen` says it was seen).
    pub isn: [u32; 2],
}

impl TcpFlow {
    /// Takes one segment of the connection: tshark's analysis flags, the counters, windows
    /// and RTT, and Zeek's state machine (which adds to the flow's history and may swap its
    /// originator through `cx`).
    pub fn observe(&mut self, seg: &Segment, ts: i64, mut cx: FlowCtx<'_>) -> (TcpFlags, Outcome) {
        let side = seg.side;
        let analysed = Seg {
            ts,
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
            window: seg.window,
            seglen: seg.len,
        };
        let flags = analysis::analyze(&mut self.tshark_conv, &mut self.tshark, side, &analysed);
        if flags.retransmission {
            self.retransmissions[side] += 1;
        }
        let syn = seg.flags & tcp_flag::SYN != 0;
        self.syn_count += u32::from(syn);
        if seg.flags & tcp_flag::FIN != 0 {
            self.fin_count += 1;
            self.last_fin_ts = self.last_fin_ts.max(ts);
        }
        self.rst_count += u32::from(seg.flags & tcp_flag::RST != 0);
        if syn {
            self.syn_seen[side] = true;
            self.wscale[side] = seg.wscale;
            self.isn[side] = seg.seq;
        }
        let scale = if syn { 0 } else { self.scale_of(side) };
        self.win[side].add(seg.window, u32::from(seg.window) << scale);
        let ack = seg.flags & tcp_flag::ACK != 0;
        self.rtt
            .segment(side, ts, syn, ack, seg.seq, seg.ack, seg.len);
        let syn_or_fin = seg.flags & (tcp_flag::SYN | tcp_flag::FIN) != 0;
        self.syn_fin_rtt
            .segment(side, ts, syn_or_fin, seg.seq, seg.ack);
        let outcome = self.zeek.process(seg, &mut cx);
        (flags, outcome)
    }

    /// The state after the flow's first segment, made again from it (the flow's history
    /// and originator already took that segment, so the replay updates copies).
    pub fn replay(first: Option<&FirstSegment>) -> TcpFlow {
        let mut tcp = TcpFlow::default();
        if let Some(f) = first {
            let mut history = History::default();
            let mut orig_side = usize::from(f.orig_side);
            let cx = FlowCtx {
                history: &mut history,
                orig_side: &mut orig_side,
            };
            tcp.observe(&f.seg, f.ts, cx);
        }
        tcp
    }

    /// Scale factor of `side`'s windows: applied only when both SYNs carried the option.
    pub fn scale_of(&self, side: usize) -> u32 {
        match (self.wscale[0], self.wscale[1]) {
            (Some(a), Some(b)) => u32::from(if side == 0 { a } else { b }.min(14)),
            _ => 0,
        }
    }
}

/// The first segment of a TCP flow, kept instead of the flow's [`TcpFlow`] until a second
/// packet comes: a SYN of a scan or a flood costs these 40 bytes, not a TcpFlow's 800.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct FirstSegment {
    /// The segment.
    pub seg: Segment,
    /// Its time.
    pub ts: i64,
    /// The flow's originator side before the segment.
    pub orig_side: u8,
}

/// Why a flow ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Both sides sent a FIN.
    Fin,
    /// A RST.
    Rst,
    /// Idle longer than its timeout.
    Idle,
    /// End of input.
    Eof,
    /// Removed to respect `--max-flows`.
    Evicted,
    /// A new connection reused its 5-tuple.
    Reused,
}

impl EndReason {
    /// Value of `flows.end_reason`.
    pub fn name(self) -> &'static str {
        match self {
            EndReason::Fin => "fin",
            EndReason::Rst => "rst",
            EndReason::Idle => "idle",
            EndReason::Eof => "eof",
            EndReason::Evicted => "evicted",
            EndReason::Reused => "reused",
        }
    }
}

/// One active flow.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Flow {
    /// Its number.
    pub id: u64,
    /// Its key.
    pub key: FlowKey,
    /// The key's hash in the flow index.
    pub index_hash: u32,
    /// Which key side is the originator.
    pub orig_side: usize,
    /// Which key side sent the first packet (the UVic report's connection source).
    pub first_side: u8,
    /// Time of the first packet.
    pub first_ts: i64,
    /// Time of the last packet.
    pub last_ts: i64,
    /// Time of the last packet that counts for Zeek's duration.
    pub duration_end_ts: i64,
    /// Counters by side.
    pub dirs: [DirStats; 2],
    /// Zeek's history.
    pub history: History,
    /// TCP state, once the flow has had a second packet (see `tcp_first`).
    pub tcp: Option<Box<TcpFlow>>,
    /// A TCP flow's one segment so far, whose state is made again when needed.
    pub tcp_first: Option<FirstSegment>,
    /// First ICMP error about this flow (type, code).
    pub icmp_error: Option<(u8, u8)>,
    /// ICMP errors about this flow.
    pub icmp_errors: u32,
    /// When the close completed (both FINs or a RST), for the linger timer.
    pub closed_at: Option<i64>,
    /// Time of the flow's current entry in the expiry queue (older entries are stale).
    pub scheduled_at: i64,
    /// Ports of the first packet, for protocols keyed without ports (SCTP's Community ID).
    pub first_ports: (u16, u16),
    /// Where the flow stands with the application stage.
    pub app: AppFeed,
    /// Application columns learnt before the batch this flow was resumed in
    /// (`convert --append`); what the stage learns now is added to them.
    pub carried_app: Option<Box<AppSummary>>,
    /// Resumed while the application stage was reading it: the stage picks the flow up
    /// mid-stream (no initial sequence numbers) at its next payload.
    pub app_midstream: bool,
    /// Its part in tunnels, if its packets carried one or came through one.
    #[serde(default)]
    pub tunnel: Option<Box<FlowTunnel>>,
}

/// Everything `flows` stores about a finished flow.
#[derive(Debug, Clone)]
pub struct FlowRecord {
    pub flow_id: u64,
    pub community_id: CommunityId,
    pub proto_name: &'static str,
    pub ip_proto: u8,
    pub ip_version: u8,
    pub orig_ip: IpAddr,
    pub orig_port: Option<u16>,
    pub resp_ip: IpAddr,
    pub resp_port: Option<u16>,
    pub first_ts: i64,
    pub last_ts: i64,
    pub duration: f64,
    pub first_from_orig: bool,
    pub orig: DirStats,
    pub resp: DirStats,
    pub orig_bytes: u64,
    pub resp_bytes: u64,
    pub end_reason: &'static str,
    pub port_service: Option<&'static str>,
    pub app: Option<Box<AppSummary>>,
    /// Whether the application stage had stopped reading the flow before it ended (what a
    /// flow resumed by `convert --append` starts from).
    pub app_done: bool,
    /// Written at the end of a `convert --append` batch for a flow that goes on: the next
    /// batch replaces this row.
    pub suspended: bool,
    pub conn_state: Option<&'static str>,
    pub history: compact_str::CompactString,
    pub tcp: Option<TcpRecord>,
    pub icmp_error: Option<String>,
    pub icmp_errors: u32,
    /// Its part in tunnels (None for almost every flow: kept out of line).
    pub tunnel: Option<Box<TunnelRecord>>,
}

/// `flows.tcp_state`: `S<syns>F<fins>`, then `/R` when reset.
pub type TcpStateText = InlineText<24>;

/// The TCP columns of a flow record.
#[derive(Debug, Clone)]
pub struct TcpRecord {
    pub syn_count: u32,
    pub fin_count: u32,
    pub rst_count: u32,
    pub state: TcpStateText,
    pub complete: bool,
    pub reset: bool,
    pub last_fin_ts: Option<i64>,
    pub handshake_rtt: Option<f64>,
    pub handshake_rtt_server: Option<f64>,
    pub handshake_rtt_client: Option<f64>,
    pub rtt: Samples,
    /// The UVic P2 SYN/FIN round-trip samples of the originator's and the responder's
    /// segments, in nanoseconds.
    pub syn_fin_rtt: [Samples; 2],
    pub orig_win: WindowStats,
    pub resp_win: WindowStats,
    pub orig_wscale: Option<u8>,
    pub resp_wscale: Option<u8>,
    pub retransmissions: [u64; 2],
    pub missed_bytes: u64,
}

/// `flows.proto` for an IP protocol number.
pub fn proto_name(p: u8) -> &'static str {
    match p {
        proto::TCP => "tcp",
        proto::UDP => "udp",
        proto::ICMP | proto::ICMPV6 => "icmp",
        proto::SCTP => "sctp",
        proto::DCCP => "dccp",
        proto::UDPLITE => "udplite",
        2 => "igmp",
        4 => "ipip",
        41 => "ipv6",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        89 => "ospf",
        103 => "pim",
        112 => "vrrp",
        _ => "other",
    }
}

const NS: f64 = 1e9;

impl Flow {
    /// The TCP state of a TCP flow, made from its first segment if it has had only one.
    pub fn tcp_mut(&mut self) -> Option<&mut TcpFlow> {
        if self.key.proto != proto::TCP {
            return None;
        }
        if self.tcp.is_none() {
            let first = self.tcp_first.take();
            self.tcp = Some(Box::new(TcpFlow::replay(first.as_ref())));
        }
        self.tcp.as_deref_mut()
    }

    /// Each side's initial sequence number, when its SYN was seen (read from the first
    /// segment while the flow has had only one, without making its state).
    pub fn isn(&self) -> [Option<u32>; 2] {
        match (&self.tcp, &self.tcp_first) {
            (Some(t), _) => [0, 1].map(|side| t.syn_seen[side].then_some(t.isn[side])),
            (None, Some(f)) if f.seg.flags & tcp_flag::SYN != 0 => {
                let mut isn = [None, None];
                isn[f.seg.side] = Some(f.seg.seq);
                isn
            }
            _ => [None, None],
        }
    }

    /// The TCP state of a TCP flow, to read: the flow's own, or made for the moment from its
    /// one segment (the flow stays small).
    pub fn tcp_view(&self) -> Option<Cow<'_, TcpFlow>> {
        if self.key.proto != proto::TCP {
            return None;
        }
        Some(match &self.tcp {
            Some(t) => Cow::Borrowed(&**t),
            None => Cow::Owned(TcpFlow::replay(self.tcp_first.as_ref())),
        })
    }

    /// The flow's record, made when it ends (the application columns are attached later, by
    /// [`super::AppJoin`]). Its history letters move into the record. `end_reason` is why
    /// the tracker ended it; the connection's own state overrides it (a RST or both FINs seen
    /// end a TCP flow as `rst` or `fin`).
    pub fn record(&mut self, end_reason: EndReason) -> FlowRecord {
        let history = self.history.take_letters();
        let o = self.orig_side;
        let r = 1 - o;
        let key = &self.key;
        let ips = [key.ip0, key.ip1];
        let ports = [key.port0, key.port1];
        let has_ports = matches!(
            key.proto,
            proto::TCP | proto::UDP | proto::ICMP | proto::ICMPV6
        );
        let (orig_port, resp_port) = if has_ports {
            (Some(ports[o]), Some(ports[r]))
        } else {
            (None, None)
        };
        let (cid_sport, cid_dport) = if has_ports {
            (ports[o], ports[r])
        } else if self.first_ports.0 != 0 || self.first_ports.1 != 0 {
            self.first_ports
        } else {
            (0, 0)
        };
        let community_id = community_id_v1(0, ips[o], ips[r], key.proto, cid_sport, cid_dport);
        let duration = (self.duration_end_ts - self.first_ts) as f64 / NS;
        let tcp = self.tcp_view();
        let end_reason = match tcp.as_deref() {
            Some(t) if t.rst_count > 0 && self.closed_at.is_some() => EndReason::Rst,
            Some(t) if t.zeek.both_closed() => EndReason::Fin,
            _ if end_reason == EndReason::Fin && key.proto != proto::TCP => EndReason::Idle,
            _ => end_reason,
        };
        let (orig_bytes, resp_bytes) = match tcp.as_deref() {
            Some(t) => (t.zeek.size(o), t.zeek.size(r)),
            // Zeek measures payload only of the transports it analyses.
            None if has_ports => (self.dirs[o].payload_bytes, self.dirs[r].payload_bytes),
            None => (0, 0),
        };
        let conn_state = match key.proto {
            proto::TCP => tcp.as_deref().map(|t| t.zeek.conn_state(o, &history)),
            proto::UDP => Some(match (self.dirs[o].pkts > 0, self.dirs[r].pkts > 0) {
                (true, true) => "SF",
                (true, false) => "S0",
                (false, true) => "SHR",
                (false, false) => "OTH",
            }),
            _ => Some("OTH"),
        };
        let port_service = orig_port.zip(resp_port).and_then(|(op, rp)| {
            if key.proto == proto::ICMP || key.proto == proto::ICMPV6 {
                return None;
            }
            crate::services::service_for(rp, key.proto)
                .or_else(|| crate::services::service_for(op, key.proto))
        });
        let ip_version = if key.ip0.is_ipv4() { 4 } else { 6 };
        FlowRecord {
            flow_id: self.id,
            community_id,
            proto_name: proto_name(key.proto),
            ip_proto: key.proto,
            ip_version,
            orig_ip: ips[o],
            orig_port,
            resp_ip: ips[r],
            resp_port,
            first_ts: self.first_ts,
            last_ts: self.last_ts,
            duration,
            first_from_orig: usize::from(self.first_side) == o,
            orig: self.dirs[o],
            resp: self.dirs[r],
            orig_bytes,
            resp_bytes,
            end_reason: end_reason.name(),
            port_service,
            app: self.carried_app.clone(),
            app_done: self.app == AppFeed::Done,
            suspended: false,
            conn_state,
            history,
            tcp: tcp.as_deref().map(|t| tcp_record(t, o)),
            icmp_error: self.icmp_error.map(|(t, c)| format!("{t}/{c}")),
            icmp_errors: self.icmp_errors,
            tunnel: self.tunnel.as_ref().map(|t| Box::new(t.record())),
        }
    }
}

fn tcp_record(t: &TcpFlow, o: usize) -> TcpRecord {
    let r = 1 - o;
    let reset = t.rst_count > 0;
    let mut state = TcpStateText::new();
    // At most 24 bytes ("S", "F", two u32 and "/R"): it always fits.
    let _ = state.write_str("S");
    crate::decimal::push_decimal(&mut state, t.syn_count);
    let _ = state.write_str("F");
    crate::decimal::push_decimal(&mut state, t.fin_count);
    if reset {
        let _ = state.write_str("/R");
    }
    let hs = t.rtt.client_side().map(|c| t.rtt.handshake(c));
    let secs = |v: Option<i64>| v.map(|ns| ns as f64 / NS);
    TcpRecord {
        syn_count: t.syn_count,
        fin_count: t.fin_count,
        rst_count: t.rst_count,
        state,
        complete: t.syn_count > 0 && t.fin_count > 0,
        reset,
        last_fin_ts: (t.fin_count > 0).then_some(t.last_fin_ts),
        handshake_rtt: secs(hs.and_then(|h| h.total)),
        handshake_rtt_server: secs(hs.and_then(|h| h.server)),
        handshake_rtt_client: secs(hs.and_then(|h| h.client)),
        rtt: t.rtt.samples[0].merge(&t.rtt.samples[1]),
        syn_fin_rtt: [t.syn_fin_rtt.samples[o], t.syn_fin_rtt.samples[r]],
        orig_win: t.win[o],
        resp_win: t.win[r],
        orig_wscale: t.wscale[o],
        resp_wscale: t.wscale[r],
        retransmissions: [t.retransmissions[o], t.retransmissions[r]],
        missed_bytes: t.zeek.ep[0].missed_bytes + t.zeek.ep[1].missed_bytes,
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    #[test]
    fn an_active_flow_stays_small() {
        // Every active flow holds one of these; a flow's TcpFlow (about 850 bytes, 128 of
        // them the UVic SYN/FIN samples) and its RTT rings exist only once it has had a
        // second packet and data to time.
        assert!(
            size_of::<Flow>() <= 320,
            "Flow: {} bytes",
            size_of::<Flow>()
        );
        assert!(size_of::<FirstSegment>() <= 48);
        assert!(
            size_of::<TcpFlow>() <= 848,
            "TcpFlow: {} bytes",
            size_of::<TcpFlow>()
        );
    }
}
