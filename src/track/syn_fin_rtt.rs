//! The UVic P2 round-trip times, measured while tracking: a sample for every segment with
//! SYN or FIN set, from its time to the first later segment from the other side whose
//! acknowledgement number is the segment's sequence number + 1 (the raw field, whatever
//! the flags). The `uvic_rtt_samples` view computes the same samples from `packets`, one
//! row each; these per-side summaries let `tcp-complete-stats` read `flows` alone.

use super::rtt::Samples;

/// SYN or FIN segments of one side awaiting the same acknowledgement number (a segment and
/// its retransmissions): all are answered by the first later segment that carries it.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct Awaiting {
    /// The acknowledgement number that answers them.
    want: u32,
    /// Segments waiting (0: none).
    count: u32,
    /// Earliest and latest send time.
    first: i64,
    last: i64,
    /// Sum of `send time - first` over the segments.
    offsets: i64,
}

impl Awaiting {
    fn add(&mut self, want: u32, ts: i64) {
        if self.count == 0 || self.want != want {
            // A side keeps one group: a segment awaiting another number replaces it (the
            // replaced segments give no sample; see docs/tcp-summary.md).
            *self = Awaiting {
                want,
                count: 1,
                first: ts,
                last: ts,
                offsets: 0,
            };
            return;
        }
        if ts < self.first {
            let shift = (self.first - ts).saturating_mul(i64::from(self.count));
            self.offsets = self.offsets.saturating_add(shift);
            self.first = ts;
        }
        self.offsets = self.offsets.saturating_add(ts - self.first);
        self.last = self.last.max(ts);
        self.count = self.count.saturating_add(1);
    }

    /// The samples of every waiting segment answered at `ts`.
    fn answered(&self, ts: i64) -> Samples {
        let count = i64::from(self.count);
        Samples {
            count: self.count,
            min: ts - self.last,
            max: ts - self.first,
            sum: (ts - self.first)
                .saturating_mul(count)
                .saturating_sub(self.offsets),
        }
    }
}

/// SYN/FIN round-trip samples of one connection, by flow-key side.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct SynFinRtt {
    /// What each side sent that is still unanswered.
    awaiting: [Awaiting; 2],
    /// Samples of the SYNs and FINs each side sent, in nanoseconds.
    pub samples: [Samples; 2],
}

impl SynFinRtt {
    /// Notes a segment sent by `side`: first as an answer to the other side, then as a SYN
    /// or FIN of its own.
    pub fn segment(&mut self, side: usize, ts: i64, syn_or_fin: bool, seq: u32, ack: u32) {
        let peer = &mut self.awaiting[1 - side];
        // A segment answers only what was sent before it; a clock that stepped back waits
        // for a later answer.
        if peer.count > 0 && peer.want == ack && ts >= peer.last {
            self.samples[1 - side] = self.samples[1 - side].merge(&peer.answered(ts));
            peer.count = 0;
        }
        if syn_or_fin {
            self.awaiting[side].add(seq.wrapping_add(1), ts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_and_close_give_a_sample_per_syn_and_fin() {
        let mut r = SynFinRtt::default();
        r.segment(0, 0, true, 99, 0); // SYN
        r.segment(1, 100, true, 499, 100); // SYN+ACK: client sample 100
        r.segment(0, 150, false, 100, 500); // ACK: server sample 50
        r.segment(0, 1_000, true, 100, 500); // FIN
        r.segment(1, 1_030, true, 500, 101); // FIN+ACK: client sample 30
        r.segment(0, 1_040, false, 101, 501); // ACK: server sample 10
        let c = r.samples[0];
        assert_eq!((c.count, c.min, c.max, c.sum), (2, 30, 100, 130));
        let s = r.samples[1];
        assert_eq!((s.count, s.min, s.max, s.sum), (2, 10, 50, 60));
    }

    #[test]
    fn retransmissions_are_each_timed_to_the_first_answer() {
        let mut r = SynFinRtt::default();
        r.segment(0, 0, true, 7, 0);
        r.segment(0, 1_000, true, 7, 0);
        r.segment(0, 3_000, true, 7, 0);
        r.segment(1, 3_010, false, 1, 9); // answers another number: nothing
        r.segment(1, 3_020, false, 1, 8); // samples 3020, 2020, 20
        r.segment(1, 3_030, false, 1, 8); // already answered
        let c = r.samples[0];
        assert_eq!((c.count, c.min, c.max, c.sum), (3, 20, 3_020, 5_060));
    }

    #[test]
    fn an_answer_from_the_same_side_or_an_earlier_time_counts_not() {
        let mut r = SynFinRtt::default();
        r.segment(0, 500, true, 7, 0);
        r.segment(0, 600, false, 8, 8); // own side
        r.segment(1, 400, false, 1, 8); // clock stepped back
        assert_eq!(r.samples[0].count, 0);
        r.segment(1, 700, false, 1, 8);
        assert_eq!((r.samples[0].count, r.samples[0].sum), (1, 200));
    }
}
