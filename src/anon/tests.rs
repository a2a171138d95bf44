//! Crypto-PAn against every published vector, against a bit-by-bit reading of the paper,
//! and for the prefix-preserving property itself.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes::{Aes128, Block};

use super::vectors::*;
use super::{AnonCache, CryptoPan, KeyError};

/// splitmix64: deterministic pseudo-random numbers for the property tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn next_u128(&mut self) -> u128 {
        (u128::from(self.next()) << 64) | u128::from(self.next())
    }
    fn key(&mut self) -> [u8; 32] {
        let mut k = [0u8; 32];
        for chunk in k.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        k
    }
}

/// The algorithm as the paper and the reference C++ code state it: one AES call per bit,
/// with no batching and no precomputed table. `bits` is 32 or 128, `addr` left-aligned.
fn paper(key: &[u8; 32], addr: u128, bits: u32) -> u128 {
    let aes = Aes128::new(&Block::try_from(&key[..16]).unwrap());
    let mut pad = Block::try_from(&key[16..]).unwrap();
    aes.encrypt_block(&mut pad);
    let pad = u128::from_be_bytes(pad.into());
    let mut result = 0u128;
    for pos in 0..bits {
        let keep = if pos == 0 {
            0
        } else {
            u128::MAX << (128 - pos)
        };
        let mut block = Block::from(((addr & keep) | (pad & !keep)).to_be_bytes());
        aes.encrypt_block(&mut block);
        result |= u128::from(block[0] >> 7) << (127 - pos);
    }
    addr ^ result
}

fn v4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

#[test]
fn reference_sample_all_100_lines() {
    let cp = CryptoPan::from_key(&REFERENCE_KEY);
    for (raw, sanitized) in REFERENCE_SAMPLE_V4 {
        assert_eq!(cp.anonymize_v4(v4(raw)), v4(sanitized), "{raw}");
        assert_eq!(
            cp.anonymize(IpAddr::V4(v4(raw))),
            IpAddr::V4(v4(sanitized)),
            "{raw}"
        );
    }
}

#[test]
fn published_ipv6_vectors() {
    let cp = CryptoPan::from_key(&REFERENCE_KEY);
    for (raw, anon) in YAWNING_V6 {
        assert_eq!(cp.anonymize_v6(v6(raw)), v6(anon), "{raw}");
    }
    let counting: [u8; 32] = std::array::from_fn(|i| i as u8);
    let readme = CryptoPan::from_key(README_KEY);
    for (key, cp, list) in [
        (
            "0..31",
            CryptoPan::from_key(&counting),
            COUNTING_KEY_VECTORS,
        ),
        ("readme", readme, README_KEY_VECTORS),
    ] {
        for (raw, anon) in list {
            let raw: IpAddr = raw.parse().unwrap();
            assert_eq!(
                cp.anonymize(raw),
                anon.parse::<IpAddr>().unwrap(),
                "{key} {raw}"
            );
        }
    }
}

#[test]
fn agrees_with_the_paper_bit_by_bit() {
    let mut rng = Rng(1);
    for _ in 0..3 {
        let key = rng.key();
        let cp = CryptoPan::from_key(&key);
        for _ in 0..200 {
            let a = rng.next() as u32;
            let expect = paper(&key, u128::from(a) << 96, 32) >> 96;
            assert_eq!(u32::from(cp.anonymize_v4(Ipv4Addr::from(a))), expect as u32);
        }
        for _ in 0..30 {
            let a = rng.next_u128();
            assert_eq!(u128::from(cp.anonymize_v6(a.into())), paper(&key, a, 128));
        }
    }
}

/// Random pairs sharing exactly k leading bits map to outputs sharing exactly k bits.
#[test]
fn prefix_preserving_exactly() {
    let mut rng = Rng(7);
    let cp = CryptoPan::from_key(&rng.key());
    for k in 0..=32u32 {
        for _ in 0..20 {
            let a = rng.next() as u32;
            // Same first k bits, bit k flipped (if any), random after.
            let b = if k == 32 {
                a
            } else {
                let flip = 1u32 << (31 - k);
                let rest = flip.wrapping_sub(1);
                ((a ^ flip) & !rest) | (rng.next() as u32 & rest)
            };
            let (x, y) = (
                u32::from(cp.anonymize_v4(a.into())),
                u32::from(cp.anonymize_v4(b.into())),
            );
            assert_eq!((a ^ b).leading_zeros(), k);
            assert_eq!((x ^ y).leading_zeros(), k, "k={k} {a:#x} {b:#x}");
        }
    }
    for k in 0..=128u32 {
        for _ in 0..3 {
            let a = rng.next_u128();
            let b = if k == 128 {
                a
            } else {
                let flip = 1u128 << (127 - k);
                let rest = flip - 1;
                ((a ^ flip) & !rest) | (rng.next_u128() & rest)
            };
            let x = u128::from(cp.anonymize_v6(a.into()));
            let y = u128::from(cp.anonymize_v6(b.into()));
            assert_eq!((x ^ y).leading_zeros(), k, "k={k}");
        }
    }
}

/// Same key, same mapping; another key, another mapping; the family is kept.
#[test]
fn deterministic_and_key_dependent() {
    let a = CryptoPan::from_key(&REFERENCE_KEY);
    let b = CryptoPan::from_key(&REFERENCE_KEY);
    let mut other_key = REFERENCE_KEY;
    other_key[31] ^= 1; // only the pad changes
    let c = CryptoPan::from_key(&other_key);
    let ip: IpAddr = "10.1.2.3".parse().unwrap();
    assert_eq!(a.anonymize(ip), b.anonymize(ip));
    assert_ne!(a.anonymize(ip), c.anonymize(ip));
    assert!(a.anonymize(ip).is_ipv4());
    assert!(a.anonymize("::ffff:10.1.2.3".parse().unwrap()).is_ipv6());
    assert_eq!(format!("{a:?}"), "CryptoPan { .. }");
}

#[test]
fn cache_gives_the_same_answers_and_counts() {
    let cp = CryptoPan::from_key(&REFERENCE_KEY);
    // 4 slots: plenty of collisions and evictions.
    let mut cache = AnonCache::new(cp.clone(), 3);
    let mut rng = Rng(3);
    let pool4: Vec<u32> = (0..10).map(|_| rng.next() as u32).collect();
    let pool6: Vec<u128> = (0..10).map(|_| rng.next_u128()).collect();
    for i in 0..400 {
        let pick = (rng.next() % 10) as usize;
        let ip = if i % 2 == 0 {
            IpAddr::V4(pool4[pick].into())
        } else {
            IpAddr::V6(pool6[pick].into())
        };
        assert_eq!(cache.anonymize(ip), cp.anonymize(ip));
    }
    let (hits, misses) = cache.stats();
    assert_eq!(hits + misses, 400);
    assert!(hits > 0 && misses >= 20, "{hits} {misses}");
    // Empty slots hold a true answer for 0.0.0.0 and ::.
    let mut fresh = AnonCache::with_default_size(cp.clone());
    assert_eq!(
        fresh.anonymize_v4(Ipv4Addr::UNSPECIFIED),
        cp.anonymize_v4(Ipv4Addr::UNSPECIFIED)
    );
    assert_eq!(
        fresh.anonymize_v6(Ipv6Addr::UNSPECIFIED),
        cp.anonymize_v6(Ipv6Addr::UNSPECIFIED)
    );
    assert_eq!(
        fresh.inner().anonymize_v4(v4("1.2.3.4")),
        cp.anonymize_v4(v4("1.2.3.4"))
    );
    // A single slot still works.
    let mut one = AnonCache::new(cp.clone(), 0);
    for raw in ["1.1.1.1", "2.2.2.2", "1.1.1.1"] {
        assert_eq!(one.anonymize_v4(v4(raw)), cp.anonymize_v4(v4(raw)));
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcapq-anon-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn key_file_of_32_bytes() {
    let path = scratch("good.key");
    std::fs::write(&path, REFERENCE_KEY).unwrap();
    let cp = CryptoPan::from_file(&path).unwrap();
    assert_eq!(cp.anonymize_v4(v4("128.11.68.132")), v4("135.242.180.132"));
}

#[test]
fn key_file_errors_name_the_file_and_the_problem() {
    let cases: [(&str, usize, &str); 4] = [
        ("empty.key", 0, "has 0 bytes"),
        ("short.key", 31, "has 31 bytes"),
        ("long.key", 33, "has 33 bytes"),
        ("hex.key", 1000, "has 1000 bytes"),
    ];
    for (name, len, words) in cases {
        let path = scratch(name);
        std::fs::write(&path, vec![7u8; len]).unwrap();
        let err = CryptoPan::from_file(&path).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, KeyError::Length { .. }), "{msg}");
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
        assert!(msg.contains(words) && msg.contains("exactly 32"), "{msg}");
        assert!(!msg.contains('\n'));
    }
    let missing = scratch("missing.key");
    let msg = CryptoPan::from_file(&missing).unwrap_err().to_string();
    assert!(
        msg.starts_with(&missing.display().to_string()) && msg.contains("cannot read"),
        "{msg}"
    );
    let dir = std::env::temp_dir();
    let err = CryptoPan::from_file(&dir).unwrap_err();
    assert!(matches!(err, KeyError::Io { .. }), "{err}");
}
