//! Unit tests on hand-built packets: reassembly across packets, coalescing, frames,
//! bounds, failures, packet numbers and the cheap datagram check.

use super::frames::{self, Stop};
use super::protect::decode_pn;
use super::reassembly::CryptoStream;
use super::tests_build::{crypto, handshake, hex, initial, varint};
use super::version::{V1, V2};
use super::{QuicFlow, looks_like_quic};

const DCID: &[u8] = &[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
const CSCID: &[u8] = &[0xc1, 0xc2, 0xc3, 0xc4];
const SSCID: &[u8] = &[0x5a, 0x5b, 0x5c, 0x5d, 0x5e];

/// A fake handshake message: type, 3-byte length, then `len` bytes 0..
fn hello(msg_type: u8, len: usize) -> Vec<u8> {
    let mut m = vec![msg_type, 0, (len >> 8) as u8, len as u8];
    m.extend((0..len).map(|i| (i % 251) as u8));
    m
}

fn client_initial(pn: u64, frames: &[u8]) -> Vec<u8> {
    initial(V1, DCID, true, DCID, CSCID, pn, frames)
}

fn server_initial(pn: u64, frames: &[u8]) -> Vec<u8> {
    initial(V1, DCID, false, CSCID, SSCID, pn, frames)
}

#[test]
fn client_hello_across_packets_out_of_order() {
    let ch = hello(1, 1500);
    let mut f = QuicFlow::new();
    // Chromium-like: several CRYPTO frames, spread over three packets, last part first.
    let p3 = client_initial(
        2,
        &[crypto(1000, &ch[1000..1200]), crypto(1200, &ch[1200..])].concat(),
    );
    let p2 = client_initial(1, &crypto(600, &ch[600..1000]));
    let p1 = client_initial(
        0,
        &[crypto(300, &ch[300..600]), crypto(0, &ch[..300])].concat(),
    );
    f.datagram(true, &p3);
    assert!(f.take_crypto(true).is_empty());
    assert_eq!(f.client_initial_dcid(), Some(DCID));
    f.datagram(true, &p1);
    assert_eq!(f.take_crypto(true), ch[..600]);
    assert!(!f.hello_complete(true));
    f.datagram(true, &p2);
    assert_eq!(f.take_crypto(true), ch[600..]);
    assert!(f.hello_complete(true));
    assert!(!f.done());
    f.datagram(false, &server_initial(0, &crypto(0, &hello(2, 90))));
    assert_eq!(f.take_crypto(false), hello(2, 90));
    assert!(f.done());
    assert_eq!(f.note(), None);
    assert_eq!(f.client_scid(), Some(CSCID));
    assert_eq!(f.server_scid(), Some(SSCID));
}

#[test]
fn coalesced_packets_and_trailing_padding() {
    let ch = hello(1, 400);
    let mut d = client_initial(0, &crypto(0, &ch[..200]));
    d.extend(client_initial(1, &crypto(200, &ch[200..])));
    d.extend(handshake(V1, DCID, CSCID, 30));
    d.extend([0u8; 50]);
    let mut f = QuicFlow::new();
    f.datagram(true, &d);
    assert_eq!(f.take_crypto(true), ch);
    // Server: Initial + Handshake coalesced; the Handshake SCID is recorded as well.
    let mut s = server_initial(0, &crypto(0, &hello(2, 50)));
    s.extend(handshake(V1, CSCID, b"\x01\x02", 40));
    f.datagram(false, &s);
    assert_eq!(f.take_crypto(false), hello(2, 50));
    assert_eq!(f.server_scid(), Some(&b"\x01\x02"[..]));
    assert!(f.done());
}

#[test]
fn overlapping_fragments_first_copy_wins() {
    let mut s = CryptoStream::default();
    s.insert(4, b"abcd").unwrap();
    s.insert(2, b"XXYYZZWW").unwrap();
    assert_eq!(s.take(), b"");
    s.insert(0, b"01").unwrap();
    assert_eq!(s.take(), b"01XXabcdWW");
    s.insert(0, b"0123456789ABC").unwrap();
    assert_eq!(s.take(), b"ABC");
    assert_eq!(s.contiguous(), 13);
}

#[test]
fn crypto_limit() {
    let mut f = QuicFlow::new();
    f.datagram(true, &client_initial(0, &crypto(16 * 1024 - 4, b"12345")));
    assert_eq!(f.note(), Some("quic_crypto_limit"));
    assert!(f.done());
    // A hello announcing more than the bound gives up at once.
    let mut f = QuicFlow::new();
    f.datagram(
        true,
        &client_initial(0, &crypto(0, &[1, 0, 0x40, 0x00, 9, 9])),
    );
    assert_eq!(f.note(), Some("quic_crypto_limit"));
    // Up to the bound is fine.
    let mut s = CryptoStream::default();
    assert!(s.insert(16 * 1024 - 1, b"x").is_ok());
    assert!(s.insert(u64::MAX - 2, b"xy").is_err());
}

#[test]
fn fragment_limit() {
    let mut s = CryptoStream::default();
    for i in 0..64u64 {
        s.insert(10 + i * 3, b"a").unwrap();
    }
    assert_eq!(s.insert(1000, b"b"), Err("quic_crypto_fragments"));
}

#[test]
fn decryption_failure_gives_up() {
    let mut p = client_initial(0, &crypto(0, &hello(1, 100)));
    let last = p.len() - 1;
    p[last] ^= 0x80;
    let mut f = QuicFlow::new();
    f.datagram(true, &p);
    assert_eq!(f.note(), Some("quic_decrypt_failed"));
    assert!(f.done());
    assert_eq!(f.client_initial_dcid(), Some(DCID));
    assert!(f.take_crypto(true).is_empty());
}

#[test]
fn unknown_version_gives_up_but_keeps_ids() {
    let mut d = vec![0xc3, 0x1a, 0x2a, 0x3a, 0x4a, 8];
    d.extend(DCID);
    d.push(4);
    d.extend(CSCID);
    d.extend([0u8; 40]);
    assert!(!looks_like_quic(&d));
    let mut f = QuicFlow::new();
    f.datagram(true, &d);
    assert_eq!(f.version(), Some(0x1a2a_3a4a));
    assert_eq!(f.client_initial_dcid(), Some(DCID));
    assert_eq!(f.client_scid(), Some(CSCID));
    assert_eq!(f.note(), Some("quic_unknown_version"));
    assert!(f.done());
}

#[test]
fn version_negotiation_ends_the_flow() {
    let mut f = QuicFlow::new();
    f.datagram(true, &client_initial(0, &crypto(0, &hello(1, 100))));
    let mut vn = vec![0x80, 0, 0, 0, 0, 4];
    vn.extend(CSCID);
    vn.push(8);
    vn.extend(DCID);
    vn.extend([0xff, 0, 0, 0x1d, 0, 0, 0, 1]);
    f.datagram(false, &vn);
    assert_eq!(f.version(), Some(V1));
    assert_eq!(f.note(), Some("quic_version_negotiation"));
    assert!(f.done());
    assert_eq!(f.take_crypto(true), hello(1, 100));
}

#[test]
fn connection_close_in_initial() {
    let mut f = QuicFlow::new();
    f.datagram(true, &client_initial(0, &crypto(0, &hello(1, 100))));
    // ACK, then CONNECTION_CLOSE (error 0x0a, frame type 6, empty reason).
    f.datagram(
        false,
        &server_initial(
            0,
            &hex("0200000000" /* ACK */)
                .into_iter()
                .chain(hex("1c0a0600"))
                .collect::<Vec<_>>(),
        ),
    );
    assert!(f.done());
    assert_eq!(f.note(), Some("quic_connection_close"));
}

#[test]
fn frames_ack_ecn_and_unexpected() {
    // ACK with 2 ranges, ACK_ECN with 1 range and 2-byte varints, PING, PADDING, CRYPTO,
    // then a STREAM frame that ends parsing, then a CRYPTO frame that is not reached.
    let mut p = Vec::new();
    p.extend(hex("02"));
    p.extend(
        [
            varint(1000),
            varint(25),
            varint(2),
            varint(3),
            varint(1),
            varint(2),
            varint(300),
            varint(4),
        ]
        .concat(),
    );
    p.extend(hex("03"));
    p.extend(
        [
            varint(70),
            varint(0),
            varint(1),
            varint(0),
            varint(2),
            varint(3),
            varint(500),
            varint(600),
            varint(70000),
        ]
        .concat(),
    );
    p.extend(hex("01000000"));
    p.extend(crypto(5, b"hello"));
    p.extend(hex("080411"));
    p.extend(crypto(0, b"never"));
    let f = frames::parse(&p);
    assert_eq!(f.stop, Stop::UnexpectedFrame);
    assert_eq!(f.crypto, vec![(5, &b"hello"[..])]);
    // Truncated ACK.
    let b = hex("0240");
    let f = frames::parse(&b);
    assert_eq!(f.stop, Stop::Truncated);
    // An ACK claiming a huge range count ends with the input.
    let b = [hex("020000"), varint(1 << 60), hex("000102")].concat();
    let f = frames::parse(&b);
    assert_eq!(f.stop, Stop::Truncated);
}

#[test]
fn server_initial_before_client_is_ignored() {
    let mut f = QuicFlow::new();
    f.datagram(false, &server_initial(0, &crypto(0, &hello(2, 90))));
    assert_eq!(f.server_scid(), Some(SSCID));
    assert_eq!(f.note(), None);
    assert!(f.take_crypto(false).is_empty());
    assert!(!f.done());
}

#[test]
fn caller_marks_hellos_seen() {
    let mut f = QuicFlow::new();
    f.datagram(true, &client_initial(0, &crypto(0, &hello(1, 100)[..50])));
    assert!(!f.done());
    f.set_hellos_seen(true, false);
    assert!(!f.done());
    f.set_hellos_seen(false, true);
    assert!(f.done());
}

#[test]
fn fixed_bit_clear_is_discarded() {
    let mut p = client_initial(0, &crypto(0, &hello(1, 100)));
    p[0] &= !0x40;
    assert!(!looks_like_quic(&p));
    let mut f = QuicFlow::new();
    f.datagram(true, &p);
    assert_eq!(f.version(), None);
    assert_eq!(f.note(), None);
}

#[test]
fn compatible_version_negotiation_v1_to_v2() {
    let mut f = QuicFlow::new();
    f.datagram(true, &client_initial(0, &crypto(0, &hello(1, 100))));
    let s = initial(V2, DCID, false, CSCID, SSCID, 0, &crypto(0, &hello(2, 60)));
    assert!(looks_like_quic(&s));
    f.datagram(false, &s);
    assert_eq!(f.take_crypto(false), hello(2, 60));
    assert_eq!(f.version(), Some(V1));
    assert!(f.done());
}

#[test]
fn packet_number_reconstruction() {
    // RFC 9000 §A.3 example.
    assert_eq!(decode_pn(Some(0xa82f30ea), 0x9b32, 2), 0xa82f9b32);
    assert_eq!(decode_pn(None, 0, 1), 0);
    assert_eq!(decode_pn(Some(255), 2, 1), 258);
    assert_eq!(decode_pn(Some(300), 0xff, 1), 255);
    assert!(decode_pn(Some((1 << 62) - 1), 5, 4) < 1 << 62);
    assert!(decode_pn(Some(u64::MAX), 5, 4) > 0);
    // A packet number above one byte, with no packet seen before.
    let mut f = QuicFlow::new();
    f.datagram(
        true,
        &client_initial(0x1ff, &crypto(0, &hello(1, 100)[..50])),
    );
    assert_eq!(f.take_crypto(true).len(), 50);
}

#[test]
fn looks_like_quic_checks() {
    assert!(looks_like_quic(&client_initial(0, &crypto(0, b"x"))));
    assert!(looks_like_quic(&initial(
        V2,
        DCID,
        true,
        DCID,
        CSCID,
        0,
        &crypto(0, b"x")
    )));
    let p = client_initial(0, &crypto(0, b"x"));
    assert!(!looks_like_quic(&p[..p.len() - 1]));
    assert!(!looks_like_quic(&handshake(V1, DCID, CSCID, 30)));
    assert!(!looks_like_quic(&hex("40aabbccdd")));
    assert!(!looks_like_quic(&hex("12340100000100000000000003777777")));
    assert!(!looks_like_quic(&[]));
    // A v1 packet with v2's Initial type bits is a 0-RTT packet in v1.
    let mut q = p.clone();
    q[0] = (q[0] & 0xcf) | 0x10;
    assert!(!looks_like_quic(&q));
}
