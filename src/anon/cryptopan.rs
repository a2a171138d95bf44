//! The Crypto-PAn algorithm.
//!
//! Bit i of the output is bit i of the input XOR the most significant bit of
//! AES_K(first i bits of the address, followed by the last 128 - i bits of the pad), where
//! the pad is AES_K(last 16 key bytes). The AES inputs of one address do not depend on each
//! other's outputs, so they are encrypted together in one call (the cipher pipelines them).
//! The first 16 flip bits depend only on the first 15 address bits: they are computed once
//! per key for every 16-bit prefix (65,535 blocks, 128 KiB), which leaves 16 blocks per
//! IPv4 address and 112 per IPv6 address.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes::{Aes128, Block};

use super::key::{KEY_LEN, KeyError, read_key_file};

/// Address bits whose flip bits are precomputed per key.
const TOP_BITS: usize = 16;

/// A Crypto-PAn instance for one key. Immutable once built, so one instance can serve
/// every thread.
#[derive(Clone)]
pub struct CryptoPan {
    aes: Aes128,
    /// AES_K(key[16..32]) as a big-endian 128-bit number.
    pad: u128,
    /// Flip bits 0..16 (bit 15 = address bit 0) for each value of the first 16 address bits.
    top: Box<[u16; 1 << TOP_BITS]>,
}

impl fmt::Debug for CryptoPan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the key material.
        f.write_str("CryptoPan { .. }")
    }
}

impl CryptoPan {
    /// Builds the mapping for a 32-byte key: bytes 0..16 are the AES-128 key, bytes 16..32
    /// are encrypted with it to form the pad (as the reference implementation does).
    pub fn from_key(key: &[u8; KEY_LEN]) -> Self {
        let (aes_key, pad_seed) = key.split_at(16);
        let mut aes_key_block = Block::default();
        aes_key_block.copy_from_slice(aes_key);
        let aes = Aes128::new(&aes_key_block);
        let mut pad_block = Block::default();
        pad_block.copy_from_slice(pad_seed);
        aes.encrypt_block(&mut pad_block);
        let pad = u128::from_be_bytes(pad_block.into());
        let top = top_flip_table(&aes, pad);
        CryptoPan { aes, pad, top }
    }

    /// Reads a key file of exactly 32 raw bytes and builds the mapping.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        Ok(Self::from_key(&read_key_file(path)?))
    }

    /// Anonymizes an IPv4 address (32 rounds).
    pub fn anonymize_v4(&self, addr: Ipv4Addr) -> Ipv4Addr {
        let a = u32::from(addr);
        let ext = u128::from(a) << 96;
        let mut blocks = [Block::default(); 32 - TOP_BITS];
        let low: u32 = self.flip_bits(ext, TOP_BITS, &mut blocks) as u32;
        let top = u32::from(self.top[usize::from((a >> 16) as u16)]);
        Ipv4Addr::from(a ^ ((top << 16) | low))
    }

    /// Anonymizes an IPv6 address with the 128-bit extension of the same algorithm (same
    /// key and pad, 128 rounds), as the Go and Python `cryptopan` packages do. IPv4-mapped
    /// addresses (`::ffff:a.b.c.d`) are treated as any other IPv6 address.
    pub fn anonymize_v6(&self, addr: Ipv6Addr) -> Ipv6Addr {
        let a = u128::from(addr);
        let mut blocks = [Block::default(); 128 - TOP_BITS];
        let low = self.flip_bits(a, TOP_BITS, &mut blocks);
        let top = u128::from(self.top[usize::from((a >> 112) as u16)]);
        Ipv6Addr::from(a ^ ((top << 112) | low))
    }

    /// Anonymizes an address of either family; the family is kept.
    pub fn anonymize(&self, addr: IpAddr) -> IpAddr {
        match addr {
            IpAddr::V4(v4) => IpAddr::V4(self.anonymize_v4(v4)),
            IpAddr::V6(v6) => IpAddr::V6(self.anonymize_v6(v6)),
        }
    }

    /// Flip bits for address bit positions `first..first + blocks.len()` of the 128-bit
    /// left-aligned address `ext`, packed into the low bits of the result (last position
    /// in bit 0). Positions must stay within 1..128.
    fn flip_bits(&self, ext: u128, first: usize, blocks: &mut [Block]) -> u128 {
        for (pos, block) in (first..).zip(blocks.iter_mut()) {
            *block = Block::from(aes_input(ext, self.pad, pos).to_be_bytes());
        }
        self.aes.encrypt_blocks(blocks);
        blocks
            .iter()
            .fold(0u128, |acc, b| (acc << 1) | u128::from(b[0] >> 7))
    }
}

/// The AES input for bit position `pos` (0..128): the first `pos` bits of `ext`, then the
/// remaining bits of the pad.
fn aes_input(ext: u128, pad: u128, pos: usize) -> u128 {
    let keep = u128::MAX.checked_shl(128 - pos as u32).unwrap_or(0);
    (ext & keep) | (pad & !keep)
}

/// Flip bits 0..16 for every 16-bit prefix: level `pos` needs one block per `pos`-bit
/// prefix, 65,535 blocks in all, encrypted in batches.
fn top_flip_table(aes: &Aes128, pad: u128) -> Box<[u16; 1 << TOP_BITS]> {
    // levels[(1 << pos) - 1 + q] = flip bit of position `pos` for the `pos`-bit prefix q.
    let mut levels = vec![0u8; (1 << TOP_BITS) - 1];
    let mut batch = Vec::with_capacity(1024);
    for pos in 0..TOP_BITS {
        let base = (1usize << pos) - 1;
        for chunk_start in (0..1usize << pos).step_by(1024) {
            let chunk_end = (chunk_start + 1024).min(1 << pos);
            batch.clear();
            for q in chunk_start..chunk_end {
                let ext = (q as u128).checked_shl(128 - pos as u32).unwrap_or(0);
                batch.push(Block::from(aes_input(ext, pad, pos).to_be_bytes()));
            }
            aes.encrypt_blocks(&mut batch);
            for (slot, block) in levels[base + chunk_start..base + chunk_end]
                .iter_mut()
                .zip(&batch)
            {
                *slot = block[0] >> 7;
            }
        }
    }
    let mut top = Box::new([0u16; 1 << TOP_BITS]);
    for (p, flips) in top.iter_mut().enumerate() {
        *flips = (0..TOP_BITS).fold(0u16, |acc, pos| {
            let bit = levels
                .get((1usize << pos) - 1 + (p >> (TOP_BITS - pos)))
                .copied()
                .unwrap_or(0);
            (acc << 1) | u16::from(bit)
        });
    }
    top
}
