//! One side of a TCP connection as Zeek's TCP analyzer keeps it: state, sequence space
//! (with wraparounds), window, close and history bookkeeping, and the reassembly frontier
//! that reveals content gaps. Field names follow Zeek's `TCP_Endpoint` so the two can be
//! read side by side.

use super::super::history::Scaled;

/// Zeek's endpoint states (`TCP_ENDPOINT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EpState {
    /// Nothing seen from this side.
    Inactive,
    /// SYN seen, not answered.
    SynSent,
    /// SYN+ACK seen without an initial SYN.
    SynAckSent,
    /// Data seen without a SYN.
    Partial,
    /// Handshake done (or implied).
    Established,
    /// FIN sent.
    Closed,
    /// RST sent.
    Reset,
}

/// Signed difference of two sequence numbers, modulo 2^32.
pub fn seq_delta(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

/// Whether `a` lies in `[b, c]` in sequence space.
pub fn seq_between(a: u32, b: u32, c: u32) -> bool {
    if b <= c {
        a >= b && a <= c
    } else {
        a >= b || a <= c
    }
}

/// Most out-of-order blocks remembered per direction for gap detection.
const MAX_BLOCKS: usize = 256;

/// One side of a connection.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Endpoint {
    pub state: EpState,
    pub prev_state: EpState,
    pub start_seq: i64,
    pub last_seq: u32,
    pub ack_seq: u32,
    pub seq_wraps: u32,
    pub ack_wraps: u32,
    /// Advertised window, scaled.
    pub window: u32,
    pub window_scale: i32,
    pub window_seq: u32,
    pub window_ack_seq: u32,
    /// Relative sequence number one past the FIN.
    pub fin_seq: u64,
    pub fin_cnt: u32,
    pub rst_cnt: u32,
    pub did_close: bool,
    pub hist_last_syn: u64,
    pub hist_last_fin: u64,
    pub hist_last_rst: u64,
    pub rxmt: Scaled,
    pub win0: Scaled,
    pub gap: Scaled,
    /// Contiguous data received up to here (relative sequence space).
    pub last_reassem: u64,
    /// Highest acknowledgement processed for gap detection.
    pub trim_seq: u64,
    /// Data received above a hole: sorted, disjoint `[start, end)` ranges.
    pub blocks: Vec<(u64, u64)>,
    /// Bytes in holes that acknowledgements proved were sent but never captured.
    pub missed_bytes: u64,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint {
            state: EpState::Inactive,
            prev_state: EpState::Inactive,
            start_seq: 0,
            last_seq: 0,
            ack_seq: 0,
            seq_wraps: 0,
            ack_wraps: 0,
            window: 0,
            window_scale: 0,
            window_seq: 0,
            window_ack_seq: 0,
            fin_seq: 0,
            fin_cnt: 0,
            rst_cnt: 0,
            did_close: false,
            hist_last_syn: 0,
            hist_last_fin: 0,
            hist_last_rst: 0,
            rxmt: Scaled::default(),
            win0: Scaled::default(),
            gap: Scaled::default(),
            last_reassem: 1,
            trim_seq: 0,
            blocks: Vec::new(),
            missed_bytes: 0,
        }
    }
}

impl Endpoint {
    /// Moves to a new state, remembering the previous one.
    pub fn set_state(&mut self, s: EpState) {
        if s != self.state {
            self.prev_state = self.state;
            self.state = s;
        }
    }

    /// Whether this side has been seen and has not closed.
    pub fn is_active(&self) -> bool {
        self.state != EpState::Inactive && !self.did_close
    }

    pub fn init_start_seq(&mut self, seq: i64) {
        self.start_seq = seq;
    }

    pub fn init_last_seq(&mut self, seq: u32) {
        self.last_seq = seq;
    }

    pub fn init_ack_seq(&mut self, seq: u32) {
        self.ack_seq = seq;
    }

    pub fn update_last_seq(&mut self, seq: u32) {
        if seq < self.last_seq {
            self.seq_wraps += 1;
        }
        self.last_seq = seq;
    }

    pub fn update_ack_seq(&mut self, seq: u32) {
        if seq < self.ack_seq {
            self.ack_wraps += 1;
        }
        self.ack_seq = seq;
    }

    fn full(seq: u32, wraps: u32) -> u64 {
        (u64::from(wraps) << 32) + u64::from(seq)
    }

    /// Sequence number relative to the initial one, in 64-bit space.
    pub fn to_relative(&self, seq: u32, wraps: u32) -> u64 {
        Self::full(seq, wraps).wrapping_sub(self.start_seq as u64)
    }

    /// Whether the peer has acknowledged nothing beyond the SYN.
    pub fn no_data_acked(&self) -> bool {
        let ack = Self::full(self.ack_seq, self.ack_wraps);
        let start = self.start_seq as u64;
        ack == start || ack == start.wrapping_add(1)
    }

    /// Payload bytes sent, by sequence space covered (Zeek's `TCP_Endpoint::Size`).
    pub fn size(&self, peer_state: EpState) -> u64 {
        if self.prev_state == EpState::SynSent
            && self.state == EpState::Reset
            && peer_state == EpState::Inactive
            && !self.no_data_acked()
        {
            return 0;
        }
        let last = Self::full(self.last_seq, self.seq_wraps);
        let ack = Self::full(self.ack_seq, self.ack_wraps);
        let mut size = last.max(ack).wrapping_sub(self.start_seq as u64);
        size = size.saturating_sub(1);
        if self.fin_cnt > 0 && size != 0 {
            size -= 1;
        }
        size
    }

    /// Records payload `[seq, seq + len)` (relative) as received, for gap detection.
    pub fn data_sent(&mut self, seq: u64, len: u64) {
        let ack = self.to_relative(self.ack_seq, self.ack_wraps);
        let (mut seq, mut len) = (seq, len);
        if seq < ack {
            let upper = seq + len;
            if upper <= ack {
                return;
            }
            len = upper - ack;
            seq = ack;
        }
        let upper = seq + len;
        if upper <= self.last_reassem {
            return;
        }
        if seq <= self.last_reassem {
            self.last_reassem = upper;
            self.absorb_blocks();
        } else {
            self.insert_block(seq, upper);
        }
    }

    fn absorb_blocks(&mut self) {
        let mut n = 0;
        for &(s, e) in &self.blocks {
            if s > self.last_reassem {
                break;
            }
            self.last_reassem = self.last_reassem.max(e);
            n += 1;
        }
        self.blocks.drain(..n);
    }

    fn insert_block(&mut self, start: u64, end: u64) {
        let i = self.blocks.partition_point(|&(s, _)| s < start);
        self.blocks.insert(i, (start, end));
        // Merge overlapping neighbours.
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(self.blocks.len());
        for &(s, e) in &self.blocks {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        if merged.len() > MAX_BLOCKS {
            merged.truncate(MAX_BLOCKS);
        }
        self.blocks = merged;
    }

    /// Processes an acknowledgement of this side's data up to `seq` (relative): holes below
    /// it are content gaps. Returns the bytes and the number of the gaps found.
    pub fn ack_received(&mut self, seq: u64, is_partial: bool) -> (u64, u32) {
        let mut seq = seq;
        if self.fin_cnt > 0 && seq >= self.fin_seq {
            seq = self.fin_seq.saturating_sub(1);
        }
        if seq <= self.trim_seq {
            return (0, 0);
        }
        let (mut gaps, mut holes) = (0, 0);
        if seq > self.last_reassem && !(seq <= 2 && is_partial) {
            for &(s, e) in &self.blocks {
                if s >= seq {
                    break;
                }
                if s > self.last_reassem {
                    gaps += s - self.last_reassem;
                    holes += 1;
                }
                self.last_reassem = self.last_reassem.max(e);
            }
            if seq > self.last_reassem {
                gaps += seq - self.last_reassem;
                holes += 1;
                self.last_reassem = seq;
            }
            let keep_from = self
                .blocks
                .partition_point(|&(_, e)| e <= self.last_reassem);
            self.blocks.drain(..keep_from);
        }
        self.trim_seq = seq;
        (gaps, holes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_arithmetic_wraps() {
        assert_eq!(seq_delta(5, u32::MAX - 4), 10);
        assert!(seq_between(2, u32::MAX - 1, 5));
        assert!(!seq_between(7, u32::MAX - 1, 5));
    }

    #[test]
    fn acknowledged_holes_are_gaps() {
        let mut ep = Endpoint::default();
        ep.data_sent(1, 100);
        ep.data_sent(201, 100);
        assert_eq!(ep.ack_received(301, false), (100, 1));
        assert_eq!(ep.ack_received(301, false), (0, 0));
        assert_eq!(ep.ack_received(401, false), (100, 1));
    }
}
