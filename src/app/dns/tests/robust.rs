//! Hostile input: prefixes, single-byte corruptions, random bytes. No panic, bounded.

use super::super::*;
use super::unhex;

/// A tiny xorshift generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Everything the module offers on one input.
fn exercise(bytes: &[u8]) {
    if let Ok(m) = parse_message(bytes) {
        assert!(m.answers.len() <= MAX_ANSWERS && m.answers.len() == m.ttls.len());
        let _ = (m.rejected(), m.zeek_confirms(), log_row(Some(&m), Some(&m)));
    }
    let _ = looks_like_dns(bytes);
    assert!(all_addresses(bytes).len() <= 64);
    let mut s = DnsTcpStream::new();
    let _ = s.feed(bytes);
    let _ = s.finish();
}

const SEEDS: [&str; 3] = [
    super::real::SSHFP_TRUNC_4_HEX,
    super::real::TWO_RESPONSES_2_HEX,
    super::real::TXT_MULTIPLE_2_HEX,
];

#[test]
fn every_prefix_and_single_byte_corruption() {
    for hex in SEEDS {
        let base = unhex(hex);
        for n in 0..=base.len() {
            exercise(&base[..n]);
        }
        let mut b = base.clone();
        for i in 0..base.len() {
            for v in 0..=255u8 {
                b[i] = v;
                if matches!(
                    v,
                    0x00 | 0x01 | 0x3f | 0x40 | 0x7f | 0x80 | 0xc0 | 0xc1 | 0xff
                ) {
                    exercise(&b);
                } else if let Ok(m) = parse_message(&b) {
                    assert!(m.answers.len() == m.ttls.len());
                }
            }
            b[i] = base[i];
        }
    }
}

#[test]
fn random_bytes() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let base = unhex(SEEDS[1]);
    for round in 0..4000 {
        let len = (rng.next() % 600) as usize;
        let mut b: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if round % 2 == 0 && b.len() >= 12 {
            // A plausible header so that the record parsers are reached.
            b[..12].copy_from_slice(&base[..12]);
            if round % 4 == 0 {
                b[12..]
                    .iter_mut()
                    .for_each(|x| *x = if *x >= 0xc0 { 0xc0 } else { *x % 70 });
            }
        }
        exercise(&b);
    }
}
