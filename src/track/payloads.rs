//! The captured payloads of a batch of packets, kept for tracking, which runs after the
//! reading thread has moved on, to hand to the application stage. A payload is kept from
//! the block the reader read it into ([`SharedBlock`]) without a copy; only one that lies
//! elsewhere (a datagram reassembled from fragments) is copied.

use crate::source::SharedBlock;

/// Largest payload kept per packet: the application stage buffers no more per direction.
pub const MAX_COPIED: usize = 16 * 1024;

/// Bytes of blocks one batch may hold; past them its payloads are copied. A batch of full
/// frames holds about 1.5 MB. But a stage batch gathers a thousand events, and when the
/// flows it is fed are few they can lie a block apart each; and a capture of huge frames
/// has a block per frame: holding every block would keep gigabytes alive.
pub const MAX_HELD_BYTES: usize = 4 << 20;

/// A packet's captured payload, and the block it lies in when it can be kept from there.
#[derive(Debug, Clone, Copy, Default)]
pub struct Captured<'a> {
    /// The bytes.
    pub bytes: &'a [u8],
    /// The reader's block they lie in, if any.
    pub block: Option<&'a SharedBlock>,
}

impl<'a> From<&'a [u8]> for Captured<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Captured { bytes, block: None }
    }
}

/// Where a packet's payload is: in one of the batch's blocks, or in its own copied bytes.
#[derive(Debug, Clone, Copy)]
enum Span {
    Block { block: u32, start: u32, len: u32 },
    Copied { start: u32, len: u32 },
}

/// Payload bytes of a batch of packets, by position in the batch.
#[derive(Debug, Default)]
pub struct Payloads {
    blocks: Vec<SharedBlock>,
    /// Total size of `blocks`.
    held_bytes: usize,
    copied: Vec<u8>,
    spans: Vec<Span>,
}

impl Payloads {
    /// Empties the batch, letting go of its blocks and keeping the allocations.
    pub fn clear(&mut self) {
        self.blocks.clear();
        self.held_bytes = 0;
        self.copied.clear();
        self.spans.clear();
    }

    /// Adds the next packet's payload (at most [`MAX_COPIED`] bytes of it), kept from
    /// `block` when it lies there (and the batch holds few blocks' bytes), copied otherwise.
    pub fn push(&mut self, payload: &[u8], block: Option<&SharedBlock>) {
        let payload = &payload[..payload.len().min(MAX_COPIED)];
        let len = payload.len() as u32;
        if payload.is_empty() {
            self.spans.push(Span::Copied { start: 0, len: 0 });
            return;
        }
        if let Some(block) = block
            && let Some(start) = block.offset_of(payload)
            && let Ok(start) = u32::try_from(start)
        {
            let held = self.blocks.last().is_some_and(|b| b.same(block));
            if held || self.held_bytes + block.len() <= MAX_HELD_BYTES {
                if !held {
                    self.blocks.push(block.clone());
                    self.held_bytes += block.len();
                }
                let block = (self.blocks.len() - 1) as u32;
                self.spans.push(Span::Block { block, start, len });
                return;
            }
        }
        let start = self.copied.len() as u32;
        self.copied.extend_from_slice(payload);
        self.spans.push(Span::Copied { start, len });
    }

    /// Payloads added so far (the position the next one gets).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether none was added.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes of the reader's blocks the batch holds.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// The payload of the batch's `i`-th packet (empty when none was added).
    pub fn get(&self, i: usize) -> &[u8] {
        self.captured(i).bytes
    }

    /// The payload of the batch's `i`-th packet, with the block it lies in.
    pub fn captured(&self, i: usize) -> Captured<'_> {
        match self.spans.get(i) {
            Some(&Span::Block { block, start, len }) => match self.blocks.get(block as usize) {
                Some(b) => Captured {
                    bytes: b.get(start as usize, len as usize),
                    block: Some(b),
                },
                None => Captured::default(),
            },
            Some(&Span::Copied { start, len }) => Captured::from(
                self.copied
                    .get(start as usize..(start + len) as usize)
                    .unwrap_or(&[]),
            ),
            None => Captured::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_kept_from_their_block_or_copied() {
        let block = SharedBlock::new((0..=255).collect());
        let elsewhere = vec![7u8; 5];
        let mut p = Payloads::default();
        p.push(block.get(10, 4), Some(&block));
        p.push(&elsewhere, Some(&block));
        p.push(&[], None);
        p.push(block.get(250, 6), Some(&block));
        assert_eq!(p.get(0), &[10, 11, 12, 13]);
        assert_eq!(p.get(1), &[7; 5]);
        assert_eq!(p.get(2), &[] as &[u8]);
        assert_eq!(p.get(3), &[250, 251, 252, 253, 254, 255]);
        assert_eq!(p.get(4), &[] as &[u8]);
        // One reference to the block however many payloads lie in it; only the foreign one
        // was copied.
        assert_eq!(p.blocks.len(), 1);
        assert_eq!(p.copied.len(), 5);
        p.clear();
        assert!(p.blocks.is_empty());
        assert_eq!(p.get(0), &[] as &[u8]);
    }

    #[test]
    fn payloads_far_apart_are_copied_once_enough_blocks_are_held() {
        let per_block = MAX_HELD_BYTES / 8;
        let blocks: Vec<SharedBlock> = (0..10)
            .map(|i| SharedBlock::new(vec![i as u8; per_block]))
            .collect();
        let mut p = Payloads::default();
        for b in &blocks {
            p.push(b.get(0, 4), Some(b));
        }
        assert_eq!(p.blocks.len(), 8);
        assert_eq!(p.copied.len(), 2 * 4);
        for (i, _) in blocks.iter().enumerate() {
            assert_eq!(p.get(i), &[i as u8; 4]);
            assert_eq!(p.captured(i).block.is_some(), i < 8);
        }
        // A block larger than the budget (a huge frame's) is never held.
        let huge = SharedBlock::new(vec![9; MAX_HELD_BYTES + 1]);
        let mut p = Payloads::default();
        p.push(huge.get(0, 100), Some(&huge));
        assert!(p.blocks.is_empty());
        assert_eq!(p.get(0), &[9; 100]);
    }

    #[test]
    fn a_long_payload_is_cut_to_the_stage_limit() {
        let block = SharedBlock::new(vec![1; MAX_COPIED + 100]);
        let mut p = Payloads::default();
        p.push(block.get(0, MAX_COPIED + 100), Some(&block));
        p.push(&vec![2; MAX_COPIED + 1], None);
        assert_eq!(p.get(0).len(), MAX_COPIED);
        assert_eq!(p.get(1).len(), MAX_COPIED);
    }
}
