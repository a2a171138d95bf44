//! ICMP errors about a flow: an error message (port unreachable, time exceeded, …) quotes
//! the packet it answers; the flow of that packet counts it and keeps the first one.

use super::key::Tuple;
use super::table::Tracker;
use crate::dissect::transport::proto;
use crate::dissect::{Packet, QuotedPacket};

impl Tracker {
    /// Notes the ICMP error a packet is, if it quotes one of the flows.
    pub(super) fn note_icmp(&mut self, p: &Packet) {
        if let Some((icmp, q)) = p.icmp.and_then(|i| i.quoted.map(|q| (i, q))) {
            self.note_icmp_error(icmp.icmp_type, icmp.code.unwrap_or(0), &q);
        }
    }

    /// Counts an ICMP error against the flow of the packet it quotes. A TCP or UDP packet
    /// quoted without its ports cannot be placed; other protocols have none.
    fn note_icmp_error(&mut self, icmp_type: u8, code: u8, q: &QuotedPacket) {
        let (sport, dport) = match (q.src_port, q.dst_port) {
            (Some(s), Some(d)) => (s, d),
            _ if matches!(q.proto, proto::TCP | proto::UDP) => return,
            _ => (0, 0),
        };
        let t = Tuple {
            src: q.src,
            dst: q.dst,
            sport,
            dport,
            proto: q.proto,
            one_way: false,
        };
        self.mark_icmp_error(&t, icmp_type, code);
    }

    fn mark_icmp_error(&mut self, t: &Tuple, icmp_type: u8, code: u8) {
        let (key, _) = t.key();
        let hash = self.index.hash(&key);
        if let Some(slot) = self.lookup(&key, hash)
            && let Some(f) = self.slots[slot as usize].as_mut()
        {
            f.icmp_errors += 1;
            f.icmp_error.get_or_insert((icmp_type, code));
        }
    }
}
