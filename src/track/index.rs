//! The flow index: an open-addressing hash table from flow key to slab slot, eight bytes
//! per bucket (a hash and a slot number), so the whole index of thousands of active flows
//! stays in cache and a lookup touches memory only at the flow itself. Buckets can be
//! prefetched, which a batch of packets uses to overlap its cache misses.

use super::key::FlowKey;

const EMPTY: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Bucket {
    hash: u32,
    slot: u32,
}

/// Flow key → slot, with the keys themselves stored in the slab.
pub struct FlowIndex {
    buckets: Vec<Bucket>,
    mask: usize,
    len: usize,
    hasher: ahash::RandomState,
}

/// Issues a cache prefetch of the memory at `p` (a hint: it never faults).
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint to the cache; it does not dereference `p` and never faults.
    unsafe {
        core::arch::x86_64::_mm_prefetch(p as *const i8, core::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl FlowIndex {
    /// An empty index.
    pub fn new() -> Self {
        FlowIndex {
            buckets: vec![
                Bucket {
                    hash: 0,
                    slot: EMPTY
                };
                1024
            ],
            mask: 1023,
            len: 0,
            hasher: ahash::RandomState::new(),
        }
    }

    /// Number of flows indexed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The hash of a key (keyed per run, so crafted traffic cannot aim at collisions).
    /// Hashed as three integers rather than field by field: one pass through the hasher.
    pub fn hash(&self, key: &FlowKey) -> u32 {
        let bits = |ip: &std::net::IpAddr| match ip {
            std::net::IpAddr::V4(v4) => u128::from(v4.to_bits()),
            std::net::IpAddr::V6(v6) => v6.to_bits() ^ (1 << 127),
        };
        let rest =
            (u64::from(key.port0) << 24) | (u64::from(key.port1) << 8) | u64::from(key.proto);
        self.hasher.hash_one((bits(&key.ip0), bits(&key.ip1), rest)) as u32
    }

    /// Prefetches the bucket where `hash` starts probing.
    pub fn prefetch(&self, hash: u32) {
        prefetch(
            self.buckets
                .as_ptr()
                .wrapping_add(hash as usize & self.mask),
        );
    }

    /// The slot of the flow with this hash for which `is_it(slot)` holds.
    pub fn find(&self, hash: u32, mut is_it: impl FnMut(u32) -> bool) -> Option<u32> {
        let mut i = hash as usize & self.mask;
        loop {
            let b = self.buckets[i];
            if b.slot == EMPTY {
                return None;
            }
            if b.hash == hash && is_it(b.slot) {
                return Some(b.slot);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Adds a flow that is not indexed yet.
    pub fn insert(&mut self, hash: u32, slot: u32) {
        if (self.len + 1) * 2 > self.buckets.len() {
            self.grow();
        }
        let mut i = hash as usize & self.mask;
        while self.buckets[i].slot != EMPTY {
            i = (i + 1) & self.mask;
        }
        self.buckets[i] = Bucket { hash, slot };
        self.len += 1;
    }

    /// Removes the flow in `slot` (indexed under `hash`), closing the probe gap behind it.
    pub fn remove(&mut self, hash: u32, slot: u32) {
        let mut i = hash as usize & self.mask;
        loop {
            let b = self.buckets[i];
            if b.slot == EMPTY {
                return;
            }
            if b.slot == slot {
                break;
            }
            i = (i + 1) & self.mask;
        }
        // Backward-shift deletion: move later members of the cluster into the hole.
        let mut hole = i;
        let mut j = (i + 1) & self.mask;
        loop {
            let b = self.buckets[j];
            if b.slot == EMPTY {
                break;
            }
            let home = b.hash as usize & self.mask;
            // Move b into the hole if its home is not in (hole, j] (cyclically).
            let in_range = if hole <= j {
                home > hole && home <= j
            } else {
                home > hole || home <= j
            };
            if !in_range {
                self.buckets[hole] = b;
                hole = j;
            }
            j = (j + 1) & self.mask;
        }
        self.buckets[hole] = Bucket {
            hash: 0,
            slot: EMPTY,
        };
        self.len -= 1;
    }

    fn grow(&mut self) {
        let doubled = vec![
            Bucket {
                hash: 0,
                slot: EMPTY
            };
            self.buckets.len() * 2
        ];
        let old = std::mem::replace(&mut self.buckets, doubled);
        self.mask = self.buckets.len() - 1;
        for b in old.into_iter().filter(|b| b.slot != EMPTY) {
            let mut i = b.hash as usize & self.mask;
            while self.buckets[i].slot != EMPTY {
                i = (i + 1) & self.mask;
            }
            self.buckets[i] = b;
        }
    }
}

impl Default for FlowIndex {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_find_remove_under_collisions() {
        let mut idx = FlowIndex::new();
        // Force every entry into one cluster by using the same hash.
        for slot in 0..100u32 {
            idx.insert(7, slot);
        }
        for slot in 0..100u32 {
            assert_eq!(idx.find(7, |s| s == slot), Some(slot));
        }
        for slot in (0..100u32).step_by(2) {
            idx.remove(7, slot);
        }
        for slot in 0..100u32 {
            let found = idx.find(7, |s| s == slot);
            assert_eq!(found.is_some(), slot % 2 == 1, "slot {slot}");
        }
        assert_eq!(idx.len(), 50);
    }

    #[test]
    fn grows_and_keeps_everything() {
        let mut idx = FlowIndex::new();
        for slot in 0..10_000u32 {
            idx.insert(slot.wrapping_mul(2_654_435_761), slot);
        }
        for slot in 0..10_000u32 {
            assert_eq!(
                idx.find(slot.wrapping_mul(2_654_435_761), |s| s == slot),
                Some(slot)
            );
        }
    }
}
