//! One direction of a TCP connection put back in order: segments in, contiguous byte
//! chunks and gaps out, with a bounded buffer for segments that arrive early.

use std::collections::BTreeMap;

/// Bytes of early segments kept per direction; beyond it the hole before them is given up
/// as a gap.
pub const MAX_PENDING_BYTES: usize = 16 * 1024;
/// Early segments kept per direction.
const MAX_PENDING_SEGMENTS: usize = 64;

/// What the stream delivers, in order.
#[derive(Debug, PartialEq, Eq)]
pub enum Chunk<'a> {
    /// The next bytes of the stream.
    Data(&'a [u8]),
    /// This many bytes of the stream were never captured (a hole, or payload cut by the
    /// snap length).
    Gap(u64),
}

/// One direction's reassembly state.
#[derive(Debug, Default)]
pub struct Reassembler {
    /// Sequence number of the next byte expected (None until the first SYN or data).
    next: Option<u32>,
    /// Early segments by their stream offset.
    pending: BTreeMap<u64, Pending>,
    /// Bytes held in `pending`.
    pending_bytes: usize,
    /// Stream offset of `next` (bytes delivered or given up so far), so that offsets keep
    /// growing past the 4 GB where sequence numbers wrap.
    at: u64,
    /// Whether the stream ended (FIN or RST delivered).
    closed: bool,
}

#[derive(Debug)]
struct Pending {
    bytes: Vec<u8>,
    /// Length on the wire (more than `bytes.len()` when the snap length cut it).
    wire_len: u32,
}

impl Reassembler {
    /// Bytes held for early segments, with an allowance for their bookkeeping (for the
    /// application stage's memory budget).
    pub fn held(&self) -> usize {
        self.pending_bytes + self.pending.len() * 64
    }

    /// Takes one segment of this direction and hands what became contiguous to `deliver`.
    /// `bytes` are the captured payload, `wire_len` its length on the wire.
    pub fn segment(
        &mut self,
        seq: u32,
        syn: bool,
        bytes: &[u8],
        wire_len: u32,
        deliver: &mut dyn FnMut(Chunk<'_>),
    ) {
        let data_seq = if syn { seq.wrapping_add(1) } else { seq };
        if self.next.is_none() {
            if wire_len == 0 && !syn {
                return;
            }
            self.next = Some(data_seq);
        }
        if wire_len == 0 || self.closed {
            return;
        }
        let start = self.offset(data_seq);
        let at = self.at;
        let end = start + u64::from(wire_len);
        if end <= at {
            return; // a retransmission of bytes already delivered
        }
        if start > at {
            self.hold(start, bytes, wire_len, deliver);
            return;
        }
        // Overlaps or starts at `next`: deliver the new part.
        let skip = at - start;
        self.deliver_at(skip, bytes, wire_len, deliver);
        self.advance(end - at);
        self.drain(deliver);
    }

    /// Delivers everything still held, the holes before it as gaps. Called at the flow's end.
    pub fn flush(&mut self, deliver: &mut dyn FnMut(Chunk<'_>)) {
        while let Some((&start, _)) = self.pending.iter().next() {
            if start > self.at {
                deliver(Chunk::Gap(start - self.at));
                self.advance(start - self.at);
            }
            self.drain(deliver);
        }
    }

    /// Stops delivering: later segments are ignored.
    pub fn close(&mut self) {
        self.closed = true;
        self.pending.clear();
        self.pending_bytes = 0;
    }

    /// Position of `seq` in the stream: up to 2 GB behind `next` counts as behind it,
    /// anything else as ahead of it.
    fn offset(&self, seq: u32) -> u64 {
        let Some(next) = self.next else { return 0 };
        let delta = seq.wrapping_sub(next) as i32;
        if delta >= 0 {
            self.at + delta as u64
        } else {
            self.at.saturating_sub(u64::from(delta.unsigned_abs()))
        }
    }

    /// Moves `next` forward by `n` bytes.
    fn advance(&mut self, n: u64) {
        if let Some(next) = self.next {
            self.next = Some(next.wrapping_add(n as u32));
            self.at += n;
        }
    }

    fn deliver_at(
        &self,
        skip: u64,
        bytes: &[u8],
        wire_len: u32,
        deliver: &mut dyn FnMut(Chunk<'_>),
    ) {
        let captured = bytes.len() as u64;
        if skip < captured {
            deliver(Chunk::Data(&bytes[skip as usize..]));
        }
        let missing = u64::from(wire_len).saturating_sub(captured.max(skip));
        if missing > 0 {
            deliver(Chunk::Gap(missing));
        }
    }

    fn hold(
        &mut self,
        start: u64,
        bytes: &[u8],
        wire_len: u32,
        deliver: &mut dyn FnMut(Chunk<'_>),
    ) {
        if self.pending.contains_key(&start) {
            return;
        }
        self.pending.insert(
            start,
            Pending {
                bytes: bytes.to_vec(),
                wire_len,
            },
        );
        self.pending_bytes += bytes.len();
        if self.pending_bytes > MAX_PENDING_BYTES || self.pending.len() > MAX_PENDING_SEGMENTS {
            // Too much waits for a hole that is not filling: give the hole up.
            if let Some((&first, _)) = self.pending.iter().next()
                && first > self.at
            {
                deliver(Chunk::Gap(first - self.at));
                self.advance(first - self.at);
            }
            self.drain(deliver);
        }
    }

    /// Delivers held segments that now start at or before `next`.
    fn drain(&mut self, deliver: &mut dyn FnMut(Chunk<'_>)) {
        while let Some(entry) = self.pending.first_entry() {
            let at = self.at;
            let start = *entry.key();
            if start > at {
                return;
            }
            let p = entry.remove();
            self.pending_bytes -= p.bytes.len();
            let end = start + u64::from(p.wire_len);
            if end > at {
                self.deliver_at(at - start, &p.bytes, p.wire_len, deliver);
                self.advance(end - at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Eq)]
    enum Out {
        D(Vec<u8>),
        G(u64),
    }

    fn run(r: &mut Reassembler, seq: u32, syn: bool, bytes: &[u8], wire: u32) -> Vec<Out> {
        let mut out = Vec::new();
        r.segment(seq, syn, bytes, wire, &mut |c| {
            out.push(match c {
                Chunk::Data(d) => Out::D(d.to_vec()),
                Chunk::Gap(g) => Out::G(g),
            })
        });
        out
    }

    #[test]
    fn in_order_after_syn() {
        let mut r = Reassembler::default();
        assert!(run(&mut r, 100, true, b"", 0).is_empty());
        assert_eq!(
            run(&mut r, 101, false, b"abc", 3),
            vec![Out::D(b"abc".to_vec())]
        );
        assert_eq!(
            run(&mut r, 104, false, b"de", 2),
            vec![Out::D(b"de".to_vec())]
        );
    }

    #[test]
    fn retransmissions_and_overlaps_are_trimmed() {
        let mut r = Reassembler::default();
        run(&mut r, 0, false, b"abcd", 4);
        assert!(run(&mut r, 0, false, b"abcd", 4).is_empty());
        assert_eq!(
            run(&mut r, 2, false, b"cdef", 4),
            vec![Out::D(b"ef".to_vec())]
        );
    }

    #[test]
    fn early_segments_wait_for_the_hole() {
        let mut r = Reassembler::default();
        run(&mut r, 10, false, b"ab", 2);
        assert!(run(&mut r, 14, false, b"ef", 2).is_empty());
        assert_eq!(
            run(&mut r, 12, false, b"cd", 2),
            vec![Out::D(b"cd".to_vec()), Out::D(b"ef".to_vec())]
        );
    }

    #[test]
    fn cut_payload_becomes_a_gap() {
        let mut r = Reassembler::default();
        assert_eq!(
            run(&mut r, 1, false, b"ab", 10),
            vec![Out::D(b"ab".to_vec()), Out::G(8)]
        );
        assert_eq!(run(&mut r, 11, false, b"z", 1), vec![Out::D(b"z".to_vec())]);
    }

    #[test]
    fn wraps_around_the_sequence_space() {
        let mut r = Reassembler::default();
        run(&mut r, u32::MAX - 1, false, b"ab", 2);
        assert_eq!(
            run(&mut r, 0, false, b"cd", 2),
            vec![Out::D(b"cd".to_vec())]
        );
    }

    #[test]
    fn a_hole_that_never_fills_is_given_up_within_the_bound() {
        let mut r = Reassembler::default();
        run(&mut r, 0, false, b"a", 1);
        let chunk = vec![7u8; 1000];
        let mut delivered = Vec::new();
        for i in 0..40u32 {
            delivered.extend(run(&mut r, 100 + i * 1000, false, &chunk, 1000));
            assert!(r.pending_bytes <= MAX_PENDING_BYTES);
        }
        assert_eq!(delivered.first(), Some(&Out::G(99)));
        let mut rest = Vec::new();
        r.flush(&mut |c| rest.push(format!("{c:?}")));
        assert!(r.pending.is_empty());
    }

    #[test]
    fn flush_delivers_held_segments_after_their_holes() {
        let mut r = Reassembler::default();
        run(&mut r, 0, false, b"a", 1);
        run(&mut r, 5, false, b"f", 1);
        let mut out = Vec::new();
        r.flush(&mut |c| {
            out.push(match c {
                Chunk::Data(d) => Out::D(d.to_vec()),
                Chunk::Gap(g) => Out::G(g),
            })
        });
        assert_eq!(out, vec![Out::G(4), Out::D(b"f".to_vec())]);
    }
}
