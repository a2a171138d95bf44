//! The `track` stage: packets → bidirectional flows with TCP connection state, in the same
//! streaming pass. Each packet is annotated with its flow and tshark's TCP analysis flags;
//! each finished flow becomes a [`FlowRecord`] pushed into a [`FlowSink`] the tracker
//! does not know. Memory is bounded by the number of active flows (`--max-flows`).

mod app_feed;
mod app_join;
mod community_id;
mod expiry;
mod flow;
mod history;
mod icmp_errors;
mod index;
mod inline_text;
mod key;
mod opt_ts;
mod payloads;
mod rtt;
mod shard;
mod suspend;
mod syn_fin_rtt;
mod table;
pub mod tcp;
mod tunnels;
mod udp_roles;
mod zeek_timers;

pub use app_feed::{AppBatch, AppEvent, AppFeed, DoneRing};
pub use app_join::{AppJoin, Joined};
pub use community_id::{CommunityId, community_id_v1};
pub use flow::{DirStats, FlowRecord, TcpRecord, WindowStats, proto_name};
pub use inline_text::InlineText;
pub use payloads::{MAX_HELD_BYTES, Payloads};
pub use rtt::Samples;
pub use shard::shard_of;
pub use suspend::{Learnt, TrackerState};
pub use table::{Tracked, Tracker};
pub use tunnels::{CARRIER_ID_STEP, TunnelEntry, TunnelRecord};

/// Where the tracker puts finished flows and the application stage's input.
pub trait FlowSink {
    /// Receives one finished flow the application stage never saw.
    fn push(&mut self, flow: FlowRecord);
    /// The application stage's input (flows it saw end there too, to get their columns).
    fn app(&mut self) -> &mut AppBatch;
}

/// Everything tracking produced, kept in memory until it is handed on.
#[derive(Debug, Default)]
pub struct TrackOutput {
    /// Finished flows without application state.
    pub flows: Vec<FlowRecord>,
    /// Events for the application stage ([`AppJoin`]).
    pub app: AppBatch,
}

impl FlowSink for TrackOutput {
    fn push(&mut self, flow: FlowRecord) {
        self.flows.push(flow);
    }
    fn app(&mut self) -> &mut AppBatch {
        &mut self.app
    }
}

/// Tracking settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// Largest number of active flows; beyond it the flow nearest its idle timeout is evicted.
    pub max_flows: usize,
    /// Whether flow payloads go to the application stage (services, names, DNS, HTTP).
    pub app: bool,
}

/// Idle timeout of TCP flows unless told otherwise, in seconds (Zeek's `tcp_inactivity_timeout`).
pub const DEFAULT_TCP_TIMEOUT_SECS: u32 = 300;
/// Idle timeout of UDP flows unless told otherwise, in seconds (Zeek's `udp_inactivity_timeout`).
pub const DEFAULT_UDP_TIMEOUT_SECS: u32 = 60;
/// Idle timeout of ICMP and other IP flows unless told otherwise, in seconds.
pub const DEFAULT_ICMP_TIMEOUT_SECS: u32 = 60;
/// Most flows tracked at once unless told otherwise.
pub const DEFAULT_MAX_FLOWS: usize = 500_000;

impl Default for TrackOptions {
    fn default() -> Self {
        let ns = |secs: u32| i64::from(secs) * 1_000_000_000;
        TrackOptions {
            tcp_timeout_ns: ns(DEFAULT_TCP_TIMEOUT_SECS),
            udp_timeout_ns: ns(DEFAULT_UDP_TIMEOUT_SECS),
            icmp_timeout_ns: ns(DEFAULT_ICMP_TIMEOUT_SECS),
            other_timeout_ns: ns(DEFAULT_ICMP_TIMEOUT_SECS),
            close_linger_ns: 5 * 1_000_000_000,
            max_flows: DEFAULT_MAX_FLOWS,
            app: true,
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
