//! Tunnelled packets: a frame whose packet came through tunnels counts in the flow of its
//! innermost packet and in the flow of every packet that carried it, as Zeek counts it in
//! the inner connection and in the outer UDP connection.
//!
//! A carrier flow is numbered by the frame that starts it plus [`CARRIER_ID_STEP`] for each
//! level it sits above the packet's own flow, so that the flows one frame starts keep
//! distinct numbers. The carried flow lists its carriers in `flows.tunnel_parents` by
//! their Community ID, which every tracker computes from the carrier's addresses alone:
//! the carrier may be another tracker's flow.

use super::FlowSink;
use super::community_id::{CommunityId, community_id_v1};
use super::key::{FlowKey, packet_tuple};
use super::payloads::Captured;
use super::table::Tracker;
use crate::dissect::{Packet, TunnelKind, TunnelLayer};
use crate::source::FrameMeta;

/// Added to a carrier flow's number per level of encapsulation above the packet's own flow
/// (2^48: frame numbers stay far below it).
pub const CARRIER_ID_STEP: u64 = 1 << 48;

/// Carriers listed per flow at most (Zeek stops following tunnel changes after five).
const MAX_PARENTS: usize = 8;

/// One tunnel layer of a frame of a batch, and the flow it belongs to once tracked.
#[derive(Debug, Clone, Copy)]
pub struct TunnelEntry {
    /// Position of the frame in its batch.
    pub frame: u32,
    /// The carrying packet.
    pub layer: TunnelLayer,
    /// Its flow (set by the tracker that owns it).
    pub flow_id: Option<u64>,
}

/// A flow's part in tunnels: what it carries, and what carried it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FlowTunnel {
    /// The tunnel this flow's packets carried.
    carries: Option<TunnelKind>,
    /// Which key sides sent tunnel packets.
    carried_from: [bool; 2],
    /// The flows (by key) that carried this one's packets, first seen first.
    parents: Vec<FlowKey>,
}

impl FlowTunnel {
    /// Records that a packet from `side` carried a tunnel of `kind`.
    pub fn carry(&mut self, kind: TunnelKind, side: usize) {
        self.carries.get_or_insert(kind);
        self.carried_from[side] = true;
    }

    /// Records that a packet came through the flow keyed `parent`.
    pub fn carried_by(&mut self, parent: FlowKey) {
        if self.parents.len() < MAX_PARENTS && !self.parents.contains(&parent) {
            self.parents.push(parent);
        }
    }

    /// What `flows` stores of it.
    pub fn record(&self) -> TunnelRecord {
        TunnelRecord {
            service: self.service(),
            parents: self
                .parents
                .iter()
                .map(|k| community_id_v1(0, k.ip0, k.ip1, k.proto, k.port0, k.port1))
                .collect(),
        }
    }

    /// The service Zeek gives a carrier: its tunnel's name, once confirmed. Zeek confirms
    /// Teredo only when both directions carried it (`Tunnel::delay_teredo_confirmation`).
    fn service(&self) -> Option<&'static str> {
        let kind = self.carries?;
        let both = self.carried_from[0] && self.carried_from[1];
        if kind == TunnelKind::Teredo && !both {
            return None;
        }
        kind.service()
    }
}

/// A finished flow's part in tunnels, as `flows` stores it.
#[derive(Debug, Clone, Default)]
pub struct TunnelRecord {
    /// The service of a tunnel's carrier (`vxlan`, `geneve`, …), joined to the services
    /// the application stage found.
    pub service: Option<&'static str>,
    /// Community IDs of the flows that carried this one's packets through a tunnel.
    pub parents: Vec<CommunityId>,
}

/// The packet a tunnel layer stands for, as the tracker sees it.
pub fn layer_packet(l: &TunnelLayer) -> Packet {
    Packet {
        ip_version: Some(if l.ip.src.is_ipv4() { 4 } else { 6 }),
        ip: Some(l.ip),
        src_port: l.src_port,
        dst_port: l.dst_port,
        payload_len: Some(l.payload_len),
        ..Packet::default()
    }
}

/// How a packet is tracked: as the frame's own packet (carried by the flow keyed `parent`,
/// if tunnelled), or as a carrier `level` layers above it.
#[derive(Debug, Clone, Copy)]
pub enum Role {
    /// The frame's innermost packet.
    Own {
        /// The flow of the tunnel packet directly around it.
        parent: Option<FlowKey>,
    },
    /// A tunnel packet around it.
    Carrier {
        /// Its tunnel.
        kind: TunnelKind,
        /// Layers between it and the frame's own packet (1: directly around it).
        level: u64,
        /// The flow of the tunnel packet around it, if it is nested.
        parent: Option<FlowKey>,
    },
}

impl Role {
    /// The flow of the tunnel packet directly around this one.
    pub fn parent(self) -> Option<FlowKey> {
        match self {
            Role::Own { parent } | Role::Carrier { parent, .. } => parent,
        }
    }

    /// What a new flow of this role adds to the frame's number to make its own.
    pub fn id_offset(self) -> u64 {
        match self {
            Role::Own { .. } => 0,
            Role::Carrier { level, .. } => level * CARRIER_ID_STEP,
        }
    }
}

impl Tracker {
    /// Tracks the carriers of one tunnelled frame (those this tracker owns) and returns the
    /// key of the innermost one's flow, which every tracker knows.
    pub(super) fn observe_layers(
        &mut self,
        frame: &FrameMeta,
        layers: &mut [TunnelEntry],
        out: &mut dyn FlowSink,
    ) -> Option<FlowKey> {
        let n = layers.len();
        let mut innermost = None;
        for (j, entry) in layers.iter_mut().enumerate() {
            let packet = layer_packet(&entry.layer);
            let parent = innermost;
            innermost = packet_tuple(&packet).map(|t| t.key().0);
            if !self.owns(&packet) {
                continue;
            }
            let Some(prep) = self.prepare(&packet) else {
                continue;
            };
            let role = Role::Carrier {
                kind: entry.layer.kind,
                level: (n - j) as u64,
                parent,
            };
            entry.flow_id = self
                .observe_prepared(frame, &packet, Captured::default(), &prep, role, out)
                .flow_id;
        }
        innermost
    }
}
