//! Round-trip times of a TCP connection: the three-way handshake, and ACK-matched samples
//! (a data segment's end acknowledged exactly; segments sent more than once give no sample,
//! Karn's rule).

use super::opt_ts::OptTs;
use super::tcp::endpoint::seq_delta;

/// Outstanding segments remembered per direction; when more are in flight the oldest are
/// forgotten (they give no sample). Kept inline so a flow's RTT state has a fixed size.
const MAX_OUTSTANDING: usize = 16;

#[derive(Debug, Clone, Copy, Default)]
struct Outstanding {
    end: u32,
    ts: i64,
    retransmitted: bool,
}

/// A fixed-size queue of outstanding segments, oldest first: sequence ends and send times
/// in two arrays, the "sent more than once" marks in a bit set (16 bytes per segment).
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct Ring {
    ends: [u32; MAX_OUTSTANDING],
    times: [i64; MAX_OUTSTANDING],
    retransmitted: u16,
    head: u8,
    len: u8,
}

impl Ring {
    fn slot(&self, i: usize) -> usize {
        (usize::from(self.head) + i) % MAX_OUTSTANDING
    }

    fn push_back(&mut self, o: Outstanding) {
        if usize::from(self.len) == MAX_OUTSTANDING {
            self.pop_front();
        }
        let at = self.slot(usize::from(self.len));
        self.ends[at] = o.end;
        self.times[at] = o.ts;
        self.retransmitted &= !(1 << at);
        self.len += 1;
    }

    fn front(&self) -> Option<Outstanding> {
        (self.len > 0).then(|| {
            let at = usize::from(self.head);
            Outstanding {
                end: self.ends[at],
                ts: self.times[at],
                retransmitted: self.retransmitted & (1 << at) != 0,
            }
        })
    }

    fn pop_front(&mut self) {
        if self.len > 0 {
            self.head = ((usize::from(self.head) + 1) % MAX_OUTSTANDING) as u8;
            self.len -= 1;
        }
    }

    /// Marks every segment whose end lies in `(seq, end]` as sent more than once.
    fn mark_retransmitted(&mut self, seq: u32, end: u32) {
        for i in 0..usize::from(self.len) {
            let at = self.slot(i);
            let e = self.ends[at];
            if seq_delta(e, seq) > 0 && seq_delta(e, end) <= 0 {
                self.retransmitted |= 1 << at;
            }
        }
    }
}

/// Summary of RTT samples, in nanoseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Samples {
    /// Number of samples.
    pub count: u32,
    /// Smallest.
    pub min: i64,
    /// Largest.
    pub max: i64,
    /// Sum.
    pub sum: i64,
}

impl Samples {
    fn add(&mut self, v: i64) {
        if self.count == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.count += 1;
        self.sum = self.sum.saturating_add(v);
    }

    /// Merges another summary.
    pub fn merge(&self, o: &Samples) -> Samples {
        if self.count == 0 {
            return *o;
        }
        if o.count == 0 {
            return *self;
        }
        Samples {
            count: self.count + o.count,
            min: self.min.min(o.min),
            max: self.max.max(o.max),
            sum: self.sum.saturating_add(o.sum),
        }
    }
}

/// RTT bookkeeping of one connection, by flow-key side.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rtt {
    /// Segments waiting for their ACK, by side: allocated with the first data segment, so
    /// that a connection that never carries data (a scan, a flood) stays small.
    outstanding: Option<Box<[Ring; 2]>>,
    /// Highest sequence end each side sent data up to (valid once `has_end` says so).
    highest_end: [u32; 2],
    has_end: [bool; 2],
    /// ACK-matched samples of the data each side sent.
    pub samples: [Samples; 2],
    /// Last pure SYN of each side before its peer's SYN+ACK.
    syn_ts: [OptTs; 2],
    /// First SYN+ACK of each side, and its sequence number (valid with the time).
    synack_ts: [OptTs; 2],
    synack_seq: [u32; 2],
    /// First ACK of each side completing the handshake.
    hs_ack_ts: [OptTs; 2],
}

/// Handshake timings of the side that sent the SYN, in ns.
#[derive(Debug, Clone, Copy)]
pub struct Handshake {
    /// SYN → SYN+ACK.
    pub server: Option<i64>,
    /// SYN+ACK → ACK.
    pub client: Option<i64>,
    /// SYN → ACK.
    pub total: Option<i64>,
}

impl Rtt {
    /// Notes a segment sent by `side`.
    #[allow(clippy::too_many_arguments)]
    pub fn segment(
        &mut self,
        side: usize,
        ts: i64,
        syn: bool,
        ack_flag: bool,
        seq: u32,
        ack: u32,
        len: u32,
    ) {
        let peer = 1 - side;
        if syn && !ack_flag {
            if self.synack_ts[peer].is_none() {
                self.syn_ts[side] = OptTs::some(ts);
            }
        } else if syn && ack_flag {
            if self.synack_ts[side].is_none() && self.syn_ts[peer].is_some() {
                self.synack_ts[side] = OptTs::some(ts);
                self.synack_seq[side] = seq;
            }
        } else if ack_flag
            && self.hs_ack_ts[side].is_none()
            && self.synack_ts[peer].is_some()
            && ack == self.synack_seq[peer].wrapping_add(1)
            && self.syn_ts[side].is_some()
        {
            self.hs_ack_ts[side] = OptTs::some(ts);
        }

        if len > 0 && !syn {
            let end = seq.wrapping_add(len);
            let fresh = !self.has_end[side] || seq_delta(end, self.highest_end[side]) > 0;
            let rings = self.outstanding.get_or_insert_default();
            if fresh {
                self.highest_end[side] = end;
                self.has_end[side] = true;
                rings[side].push_back(Outstanding {
                    end,
                    ts,
                    retransmitted: false,
                });
            } else {
                // Karn: every outstanding segment this one overlaps is ambiguous now.
                rings[side].mark_retransmitted(seq, end);
            }
        }

        if ack_flag && let Some(rings) = self.outstanding.as_mut() {
            let q = &mut rings[peer];
            while let Some(front) = q.front() {
                let d = seq_delta(ack, front.end);
                if d < 0 {
                    break;
                }
                if d == 0 && !front.retransmitted {
                    self.samples[peer].add(ts - front.ts);
                }
                q.pop_front();
            }
        }
    }

    /// Handshake timings, when `client` sent a SYN that `1 - client` answered.
    pub fn handshake(&self, client: usize) -> Handshake {
        let server = 1 - client;
        let syn = self.syn_ts[client].get();
        let synack = self.synack_ts[server].get();
        let ack = self.hs_ack_ts[client].get();
        let diff = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) if b >= a => Some(b - a),
            _ => None,
        };
        Handshake {
            server: diff(syn, synack),
            client: diff(synack, ack),
            total: diff(syn, ack),
        }
    }

    /// Which side sent a SYN that was answered, if any.
    pub fn client_side(&self) -> Option<usize> {
        (0..2).find(|&s| self.syn_ts[s].is_some() && self.synack_ts[1 - s].is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_skip_retransmitted_segments() {
        let mut r = Rtt::default();
        r.segment(0, 0, false, true, 1000, 1, 100); // 1000..1100
        r.segment(0, 10, false, true, 1100, 1, 100); // 1100..1200
        r.segment(0, 20, false, true, 1100, 1, 100); // retransmission of 1100..1200
        r.segment(1, 50, false, true, 1, 1100, 0); // acks the first: sample 50
        r.segment(1, 60, false, true, 1, 1200, 0); // acks the retransmitted one: no sample
        assert_eq!(r.samples[0].count, 1);
        assert_eq!(r.samples[0].min, 50);
    }

    #[test]
    fn handshake_is_timed_from_the_last_syn() {
        let mut r = Rtt::default();
        r.segment(0, 0, true, false, 99, 0, 0);
        r.segment(0, 1_000, true, false, 99, 0, 0); // SYN retransmitted
        r.segment(1, 1_100, true, true, 499, 100, 0);
        r.segment(0, 1_150, false, true, 100, 500, 0);
        let h = r.handshake(r.client_side().unwrap());
        assert_eq!(h.server, Some(100));
        assert_eq!(h.client, Some(50));
        assert_eq!(h.total, Some(150));
    }
}
