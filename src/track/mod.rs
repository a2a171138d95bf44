//! The `track` stage: packets → bidirectional flows with TCP connection state, in the same
//! streaming pass. Each packet is annotated with its flow and tshark's TCP analysis flags;
//! each finished flow becomes a [`FlowRecord`] pushed into a [`FlowSink`] the tracker
//! does not know. Memory is bounded by the number of active flows (`--max-flows`).

mod community_id;
mod flow;
mod history;
mod index;
mod key;
mod rtt;
mod table;
pub mod tcp;

pub use community_id::community_id_v1;
pub use flow::{DirStats, FlowRecord, TcpRecord, WindowStats, proto_name};
pub use rtt::Samples;
pub use table::{Tracked, Tracker};

/// Where finished flows go.
pub trait FlowSink {
    /// Receives one finished flow.
    fn push(&mut self, flow: FlowRecord);
}

impl FlowSink for Vec<FlowRecord> {
    fn push(&mut self, flow: FlowRecord) {
        Vec::push(self, flow);
    }
}

/// Tracking settings.
#[derive(Debug, Clone, Copy)]
pub struct TrackOptions {
    /// Idle timeout of TCP flows, ns.
    pub tcp_timeout_ns: i64,
    /// Idle timeout of UDP flows, ns.
    pub udp_timeout_ns: i64,
    /// Idle timeout of ICMP flows, ns.
    pub icmp_timeout_ns: i64,
    /// Idle timeout of other IP protocols, ns.
    pub other_timeout_ns: i64,
    /// How long a closed TCP connection is kept for late packets (Zeek's tcp_close_delay), ns.
    pub close_linger_ns: i64,
    /// Largest number of active flows; beyond it the longest-idle flow is evicted.
    pub max_flows: usize,
}

impl Default for TrackOptions {
    fn default() -> Self {
        TrackOptions {
            tcp_timeout_ns: 300 * 1_000_000_000,
            udp_timeout_ns: 60 * 1_000_000_000,
            icmp_timeout_ns: 60 * 1_000_000_000,
            other_timeout_ns: 60 * 1_000_000_000,
            close_linger_ns: 5 * 1_000_000_000,
            max_flows: 500_000,
        }
    }
}

/// What tracking adds to a packet row.
#[derive(Debug, Clone, Copy, Default)]
pub struct PacketAnnotation {
    /// Flow of the packet.
    pub flow_id: Option<u64>,
    /// Whether it travels from the originator.
    pub from_orig: Option<bool>,
    /// tshark's retransmission flag (TCP only).
    pub retransmission: Option<bool>,
    /// tshark's duplicate-ACK flag (TCP only).
    pub dup_ack: Option<bool>,
    /// tshark's zero-window flag (TCP only).
    pub zero_window: Option<bool>,
}

/// Counters of a tracking run.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrackStats {
    /// Flows created.
    pub flows: u64,
    /// Flows evicted to respect `--max-flows`.
    pub evicted: u64,
    /// Largest number of flows active at once.
    pub peak_active: usize,
}
