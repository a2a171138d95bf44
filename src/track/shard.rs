//! Tracking split across threads (`convert --threads`): which tracker owns which flows.
//! Each tracker of a chain (see `convert/tracking.rs`) sees every packet, keeps time with
//! it, and tracks only the flows whose address pair falls in its shard.

use std::net::IpAddr;
use std::sync::Arc;

use super::TrackOptions;
use super::app_feed::DoneRing;
use super::table::Tracker;
use crate::dissect::Packet;

impl Tracker {
    /// A tracker of shard `k` of `n` (see [`shard_of`]), whose application stage says
    /// through `done` which flows it is finished with; `opts.max_flows` is the shard's own.
    pub fn sharded(opts: TrackOptions, k: usize, n: usize, done: Arc<DoneRing>) -> Self {
        let mut t = Tracker::new(opts).with_done_ring(done);
        t.shard = (n > 1).then_some((k, n));
        t
    }

    /// The tracker, told through `done` which flows the application stage is finished with.
    pub fn with_done_ring(mut self, done: Arc<DoneRing>) -> Self {
        self.app_done = done;
        self
    }

    pub(super) fn owns(&self, p: &Packet) -> bool {
        match (self.shard, p.ip.as_ref()) {
            (Some((k, n)), Some(ip)) => shard_of(ip.src, ip.dst.unwrap_or(ip.src), n) == k,
            _ => true,
        }
    }

    pub(super) fn owns_quoted(&self, p: &Packet) -> bool {
        match (self.shard, p.icmp.and_then(|i| i.quoted)) {
            (Some((k, n)), Some(q)) => shard_of(q.src, q.dst, n) == k,
            _ => true,
        }
    }
}

/// Which of `n` shards tracks the flows between two addresses: the same for both
/// directions, for every port (so the ICMP errors about a flow go where the flow is), and
/// spread by a multiplicative hash.
pub fn shard_of(a: IpAddr, b: IpAddr, n: usize) -> usize {
    fn mix(ip: IpAddr) -> u64 {
        let bits = match ip {
            IpAddr::V4(v4) => u64::from(v4.to_bits()),
            IpAddr::V6(v6) => {
                let b = v6.to_bits();
                (b as u64) ^ ((b >> 64) as u64)
            }
        };
        bits.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
    }
    (((mix(a) ^ mix(b)) >> 32) % n.max(1) as u64) as usize
}
