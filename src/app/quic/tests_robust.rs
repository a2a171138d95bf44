//! Robustness: every prefix, every single-byte corruption and thousands of pseudo-random
//! datagrams (raw, with a plausible long header, and well-encrypted random frames) must
//! neither panic nor exceed the bounds.

use super::reassembly::MAX_CRYPTO_BYTES;
use super::tests_build::{hex, initial};
use super::tests_real_data::{CHROMIUM, CURL, QUICV2};
use super::version::{V1, V2};
use super::{QuicFlow, looks_like_quic, version_name};

/// Tiny xorshift64 generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Feeds a sequence of datagrams and exercises every accessor.
fn feed(datagrams: &[(bool, Vec<u8>)]) {
    let mut f = QuicFlow::new();
    let mut taken = [0usize; 2];
    for (from_client, d) in datagrams {
        let _ = looks_like_quic(d);
        f.datagram(*from_client, d);
        taken[0] += f.take_crypto(true).len();
        taken[1] += f.take_crypto(false).len();
        let _ = (
            f.version().map(version_name),
            f.client_initial_dcid(),
            f.client_scid(),
        );
        let _ = (
            f.server_scid(),
            f.done(),
            f.note(),
            f.hello_complete(true),
            f.retried(),
        );
    }
    assert!(taken[0] <= MAX_CRYPTO_BYTES && taken[1] <= MAX_CRYPTO_BYTES);
}

fn capture(d: &[(bool, &str)], n: usize) -> Vec<(bool, Vec<u8>)> {
    d.iter().take(n).map(|(c, h)| (*c, hex(h))).collect()
}

#[test]
fn prefixes_and_corruptions() {
    for (seq, n) in [(CHROMIUM, 3), (CURL, 4), (QUICV2, 6)] {
        let seq = capture(seq, n);
        for i in 0..seq.len() {
            let len = seq[i].1.len();
            for cut in 0..len {
                let mut s = seq[..=i].to_vec();
                s[i].1.truncate(cut);
                feed(&s);
            }
        }
        // Corrupt every byte of the first two datagrams (client and server Initial).
        for i in 0..2 {
            for pos in 0..seq[i].1.len() {
                let mut s = seq.clone();
                s[i].1[pos] ^= 0x5a;
                feed(&s);
                s[i].1[pos] = 0xff;
                feed(&s);
            }
        }
    }
}

#[test]
fn random_datagrams() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let n = rng.below(1400);
        let raw = rng.bytes(n);
        feed(&[(true, raw.clone()), (false, raw)]);
    }
    // Plausible long headers with random remainders.
    for i in 0..3000 {
        let version: u32 = [V1, V2, 0, 0xff00_001d, 0x1234_5678][i % 5];
        let mut d = vec![0xc0 | (rng.next() as u8 & 0x3f)];
        d.extend(version.to_be_bytes());
        let n = rng.below(1300);
        d.extend(rng.bytes(n));
        feed(&[(i % 2 == 0, d.clone()), (i % 3 == 0, d)]);
    }
}

/// Correctly encrypted Initials whose plaintext is random bytes, random frame soups and
/// CRYPTO frames at random offsets.
#[test]
fn random_frames_in_valid_packets() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let dcid = [7u8; 8];
    for i in 0..2000 {
        let mut seq = Vec::new();
        for pn in 0..4u64 {
            let from_client = pn % 2 == 0 || i % 3 == 0;
            let mut frames = Vec::new();
            while frames.len() < 300 {
                match rng.below(6) {
                    0 => {
                        let n = rng.below(40);
                        frames.extend(rng.bytes(n));
                    }
                    1 => frames.extend([0u8; 5]),
                    2 => frames.extend([0x02, 0x05, 0x00, 0x01, 0x00, 0x01, 0x02]),
                    _ => {
                        let off = rng.below(if i % 2 == 0 { 600 } else { 20_000 }) as u64;
                        let n = rng.below(200);
                        let data = rng.bytes(n);
                        frames.extend(super::tests_build::crypto(off, &data));
                    }
                }
            }
            let version = if i % 4 == 0 { V2 } else { V1 };
            seq.push((
                from_client,
                initial(version, &dcid, from_client, &dcid, &[1], pn, &frames),
            ));
        }
        feed(&seq);
    }
}
