//! A fixed-size memo of recent answers, for callers that anonymize the same addresses over
//! and over (every packet of a flow carries the same two addresses).
//!
//! Direct-mapped, like a CPU cache: each address hashes to one slot, a new address
//! replaces whatever was there. Memory is fixed at construction (40 bytes per slot), a
//! lookup is a multiply and a compare, and a miss costs one ordinary anonymization.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::CryptoPan;

/// Slots used by [`AnonCache::with_default_size`]: 2.5 MiB in all.
pub const DEFAULT_SLOTS: usize = 1 << 16;

/// Largest number of slots [`AnonCache::new`] accepts (more are clamped).
const MAX_SLOTS: usize = 1 << 24;

/// [`CryptoPan`] with a bounded memo of recent answers. Gives exactly the same answers.
#[derive(Debug, Clone)]
pub struct AnonCache {
    cp: CryptoPan,
    /// (address, anonymized); every slot starts as (0, anonymized 0), a true entry.
    v4: Box<[(u32, u32)]>,
    v6: Box<[(u128, u128)]>,
    /// Right shift that turns a 64-bit hash into a slot index.
    shift: u32,
    hits: u64,
    misses: u64,
}

impl AnonCache {
    /// A cache with `slots` entries per address family, rounded up to a power of two
    /// (at least 1, at most 2^24).
    pub fn new(cp: CryptoPan, slots: usize) -> Self {
        let slots = slots.clamp(1, MAX_SLOTS).next_power_of_two();
        let zero4 = u32::from(cp.anonymize_v4(Ipv4Addr::UNSPECIFIED));
        let zero6 = u128::from(cp.anonymize_v6(Ipv6Addr::UNSPECIFIED));
        AnonCache {
            v4: vec![(0, zero4); slots].into_boxed_slice(),
            v6: vec![(0, zero6); slots].into_boxed_slice(),
            shift: 64 - slots.trailing_zeros(),
            cp,
            hits: 0,
            misses: 0,
        }
    }

    /// A cache with [`DEFAULT_SLOTS`] slots per family.
    pub fn with_default_size(cp: CryptoPan) -> Self {
        Self::new(cp, DEFAULT_SLOTS)
    }

    /// The mapping behind the cache.
    pub fn inner(&self) -> &CryptoPan {
        &self.cp
    }

    /// (hits, misses) so far.
    pub fn stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }

    /// Same as [`CryptoPan::anonymize_v4`], remembered.
    pub fn anonymize_v4(&mut self, addr: Ipv4Addr) -> Ipv4Addr {
        let a = u32::from(addr);
        let idx = slot(u64::from(a), self.shift);
        match self.v4.get_mut(idx) {
            Some((key, value)) if *key == a => {
                self.hits += 1;
                Ipv4Addr::from(*value)
            }
            entry => {
                self.misses += 1;
                let out = self.cp.anonymize_v4(addr);
                if let Some(e) = entry {
                    *e = (a, u32::from(out));
                }
                out
            }
        }
    }

    /// Same as [`CryptoPan::anonymize_v6`], remembered.
    pub fn anonymize_v6(&mut self, addr: Ipv6Addr) -> Ipv6Addr {
        let a = u128::from(addr);
        let idx = slot((a >> 64) as u64 ^ a as u64, self.shift);
        match self.v6.get_mut(idx) {
            Some((key, value)) if *key == a => {
                self.hits += 1;
                Ipv6Addr::from(*value)
            }
            entry => {
                self.misses += 1;
                let out = self.cp.anonymize_v6(addr);
                if let Some(e) = entry {
                    *e = (a, u128::from(out));
                }
                out
            }
        }
    }

    /// Same as [`CryptoPan::anonymize`], remembered.
    pub fn anonymize(&mut self, addr: IpAddr) -> IpAddr {
        match addr {
            IpAddr::V4(v4) => IpAddr::V4(self.anonymize_v4(v4)),
            IpAddr::V6(v6) => IpAddr::V6(self.anonymize_v6(v6)),
        }
    }
}

/// Fibonacci hashing: the high bits of a multiply by 2^64 / golden ratio.
fn slot(x: u64, shift: u32) -> usize {
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .checked_shr(shift)
        .unwrap_or(0) as usize
}
