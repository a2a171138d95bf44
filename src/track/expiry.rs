//! The order in which active flows expire: entries `(time, slot, generation)`, popped
//! smallest first, checked lazily against the flow they name (a stale entry is skipped).
//!
//! Most entries are pushed in time order within their kind (a new TCP flow expires a TCP
//! timeout after the newest packet), so each kind keeps a first-in, first-out queue and
//! only the entries that arrive out of order (a flow re-queued at its own last packet
//! time, timestamps that step back) go to a heap. Every queue stays sorted, so the
//! smallest of the queues' fronts and the heap's top is the smallest entry: the order is
//! exactly a single heap's, at O(1) for the common push and pop (a binary heap of half a
//! million entries cost 4% of a SYN flood's time).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// An expiry entry: the time, the flow's slot and the slot's generation when queued.
pub type Entry = (i64, u32, u32);

/// What an entry's time is counted from: one timeout each, so that the entries of a kind
/// usually come in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryKind {
    /// An open TCP flow (TCP inactivity timeout).
    Tcp,
    /// A UDP flow.
    Udp,
    /// A UDP flow on DNS's ports (Zeek's DNS session timer).
    DnsSession,
    /// A TCP flow's connection-attempt check, 5 s after its first SYN.
    TcpAttempt,
    /// An ICMP flow.
    Icmp,
    /// Any other protocol.
    Other,
    /// A flow whose connection closed (the linger after the close).
    Closed,
}

/// Kinds of entries, each with a queue of its own.
const KINDS: usize = 7;

/// Active flows' expiry entries, smallest first.
#[derive(Debug, Default)]
pub struct ExpiryQueue {
    queues: [VecDeque<Entry>; KINDS],
    out_of_order: BinaryHeap<Reverse<Entry>>,
}

impl ExpiryQueue {
    /// Adds an entry of `kind`: at the back of that kind's queue when it comes after the
    /// last one there, else into the heap.
    pub fn push(&mut self, entry: Entry, kind: ExpiryKind) {
        let queue = &mut self.queues[kind as usize];
        if queue.back().is_none_or(|&last| last < entry) {
            queue.push_back(entry);
        } else {
            self.out_of_order.push(Reverse(entry));
        }
    }

    /// The smallest entry, and where it is.
    fn smallest(&self) -> Option<(Entry, Option<usize>)> {
        let mut best = self.out_of_order.peek().map(|&Reverse(e)| (e, None));
        for (k, q) in self.queues.iter().enumerate() {
            if let Some(&e) = q.front()
                && best.is_none_or(|(b, _)| e < b)
            {
                best = Some((e, Some(k)));
            }
        }
        best
    }

    /// The smallest entry, left in place.
    pub fn peek(&self) -> Option<Entry> {
        self.smallest().map(|(e, _)| e)
    }

    /// Removes and returns the smallest entry.
    pub fn pop(&mut self) -> Option<Entry> {
        let (entry, at) = self.smallest()?;
        match at {
            Some(k) => self.queues[k].pop_front(),
            None => self.out_of_order.pop().map(|Reverse(e)| e),
        };
        Some(entry)
    }

    /// Every entry, in no particular order (to suspend a tracker).
    pub fn into_entries(self) -> Vec<Entry> {
        let mut all: Vec<Entry> = self.queues.into_iter().flatten().collect();
        all.extend(self.out_of_order.into_iter().map(|Reverse(e)| e));
        all
    }

    /// A queue of these entries (to resume a tracker).
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        ExpiryQueue {
            queues: Default::default(),
            out_of_order: entries.into_iter().map(Reverse).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tiny xorshift generator.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn pops_in_the_order_of_one_heap_whatever_the_kinds_and_the_order_of_pushes() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let mut queue = ExpiryQueue::default();
        let mut heap = BinaryHeap::new();
        let mut now = 0i64;
        for step in 0..20_000u32 {
            // Mostly rising times, some steps back, ties, and pops in between.
            let r = next(&mut seed);
            now += (r % 5) as i64 - 1;
            let k = (r >> 8) as usize % KINDS;
            let kinds = [
                ExpiryKind::Tcp,
                ExpiryKind::Udp,
                ExpiryKind::DnsSession,
                ExpiryKind::TcpAttempt,
                ExpiryKind::Icmp,
                ExpiryKind::Other,
                ExpiryKind::Closed,
            ];
            // The delay is drawn apart from the kind, so a kind also gets entries out of order.
            let delay = [100, 30, 10, 60, 5, 1][(r >> 12) as usize % 6];
            let entry = (now + delay, (r >> 20) as u32 % 64, step);
            queue.push(entry, kinds[k]);
            heap.push(Reverse(entry));
            if r.is_multiple_of(3) {
                assert_eq!(queue.peek(), heap.peek().map(|&Reverse(e)| e));
                assert_eq!(queue.pop(), heap.pop().map(|Reverse(e)| e));
            }
        }
        let suspended = ExpiryQueue::from_entries(queue.into_entries());
        let mut queue = suspended;
        while let Some(Reverse(e)) = heap.pop() {
            assert_eq!(queue.pop(), Some(e));
        }
        assert_eq!(queue.pop(), None);
    }
}
