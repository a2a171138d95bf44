//! Unit tests on hand-built bytes, and the robustness test (prefixes, single-byte corruptions,
//! pseudo-random inputs).

use super::tests_data::*;
use super::*;

/// Hex to bytes (test constants only).
pub(super) fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2).unwrap(), 16).unwrap())
        .collect()
}

fn be16(v: usize) -> [u8; 2] {
    u16::try_from(v).unwrap().to_be_bytes()
}

fn ext(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = typ.to_be_bytes().to_vec();
    out.extend_from_slice(&be16(data.len()));
    out.extend_from_slice(data);
    out
}

fn u16_list(values: &[u16]) -> Vec<u8> {
    let mut out = be16(values.len() * 2).to_vec();
    values
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_be_bytes()));
    out
}

fn sni_ext(names: &[(u8, &[u8])]) -> Vec<u8> {
    let mut list = Vec::new();
    for (t, n) in names {
        list.push(*t);
        list.extend_from_slice(&be16(n.len()));
        list.extend_from_slice(n);
    }
    let mut data = be16(list.len()).to_vec();
    data.extend(list);
    ext(0, &data)
}

fn alpn_ext(names: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for n in names {
        list.push(u8::try_from(n.len()).unwrap());
        list.extend_from_slice(n);
    }
    let mut data = be16(list.len()).to_vec();
    data.extend(list);
    ext(16, &data)
}

fn versions_ext(values: &[u16]) -> Vec<u8> {
    let mut data = vec![u8::try_from(values.len() * 2).unwrap()];
    values
        .iter()
        .for_each(|v| data.extend_from_slice(&v.to_be_bytes()));
    ext(43, &data)
}

fn client_body(version: u16, cookie: Option<&[u8]>, ciphers: &[u16], exts: &[Vec<u8>]) -> Vec<u8> {
    let mut b = version.to_be_bytes().to_vec();
    b.extend_from_slice(&[7; 32]);
    b.push(0);
    if let Some(c) = cookie {
        b.push(u8::try_from(c.len()).unwrap());
        b.extend_from_slice(c);
    }
    b.extend(u16_list(ciphers));
    b.extend_from_slice(&[1, 0]);
    let block: Vec<u8> = exts.concat();
    b.extend_from_slice(&be16(block.len()));
    b.extend(block);
    b
}

fn server_body(version: u16, cipher: u16, exts: &[Vec<u8>]) -> Vec<u8> {
    let mut b = version.to_be_bytes().to_vec();
    b.extend_from_slice(&[9; 32]);
    b.push(0);
    b.extend_from_slice(&cipher.to_be_bytes());
    b.push(0);
    let block: Vec<u8> = exts.concat();
    b.extend_from_slice(&be16(block.len()));
    b.extend(block);
    b
}

fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let len = u32::try_from(body.len()).unwrap().to_be_bytes();
    let mut out = vec![kind, len[1], len[2], len[3]];
    out.extend_from_slice(body);
    out
}

fn record(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![kind, 3, 1];
    out.extend_from_slice(&be16(payload.len()));
    out.extend_from_slice(payload);
    out
}

fn dtls_datagram(kind: u8, body: &[u8], offset: usize, frag: usize) -> Vec<u8> {
    let len = u32::try_from(body.len()).unwrap().to_be_bytes();
    let off = u32::try_from(offset).unwrap().to_be_bytes();
    let fl = u32::try_from(frag).unwrap().to_be_bytes();
    let mut msg = vec![kind, len[1], len[2], len[3], 0, 0, off[1], off[2], off[3]];
    msg.extend_from_slice(&[fl[1], fl[2], fl[3]]);
    msg.extend_from_slice(body.get(offset..offset + frag).unwrap());
    let mut out = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0];
    out.extend_from_slice(&be16(msg.len()));
    out.extend(msg);
    out
}

/// A Chrome-like hello with GREASE in ciphers, extensions, groups and versions.
fn greasy_client_body() -> Vec<u8> {
    client_body(
        0x0303,
        None,
        &[0x0a0a, 0x1301, 0x1302],
        &[
            ext(0x1a1a, &[]),
            sni_ext(&[(0, b"example.com")]),
            ext(10, &u16_list(&[0x2a2a, 29, 23])),
            ext(11, &[1, 0]),
            ext(13, &u16_list(&[0x0403, 0x0804])),
            alpn_ext(&[b"h2", b"http/1.1"]),
            versions_ext(&[0x3a3a, 0x0304, 0x0303]),
            ext(0xfafa, &[0]),
        ],
    )
}

fn client(h: Option<Hello>) -> ClientHello {
    match h {
        Some(Hello::Client(c)) => c,
        other => panic!("expected ClientHello, got {other:?}"),
    }
}

fn server(h: Option<Hello>) -> ServerHello {
    match h {
        Some(Hello::Server(s)) => s,
        other => panic!("expected ServerHello, got {other:?}"),
    }
}

#[test]
fn grease_is_removed_from_ja3_ja4_and_versions() {
    let body = greasy_client_body();
    let c = client(parse_hello(1, &body, Transport::Tcp).unwrap());
    assert_eq!(c.legacy_version, 0x0303);
    assert_eq!(c.sni.as_deref(), Some("example.com"));
    assert_eq!(c.alpn, ["h2", "http/1.1"]);
    assert_eq!(c.supported_versions, [0x0304, 0x0303]);
    assert_eq!(c.ja3_text, "771,4865-4866,0-10-11-13-16-43,29-23,0");
    assert_eq!(c.ja3, "8b85ec5fe3da506907f3cac65cd06803");
    assert_eq!(c.ja4, "t13d0206h2_62ed6f6ca7ad_fb71836bce29");
    let q = client(parse_hello(1, &body, Transport::Quic).unwrap());
    assert_eq!(q.ja4, "q13d0206h2_62ed6f6ca7ad_fb71836bce29");
    assert_eq!(q.ja3, c.ja3);
}

#[test]
fn sni_takes_the_first_host_name_and_escapes() {
    let body = client_body(
        0x0303,
        None,
        &[0x002f],
        &[sni_ext(&[
            (1, b"other"),
            (0, b"a\tb\xffc.example"),
            (0, b"second"),
        ])],
    );
    let c = client(parse_hello(1, &body, Transport::Tcp).unwrap());
    assert_eq!(c.sni.as_deref(), Some("a\\x09b\\xffc.example"));
    assert!(c.ja4.starts_with("t12d0101"), "{}", c.ja4);
    // An SNI extension without a host_name: no server name, but JA4 still says 'd'.
    let body = client_body(0x0301, None, &[0x002f], &[sni_ext(&[(1, b"x")])]);
    let c = client(parse_hello(1, &body, Transport::Tcp).unwrap());
    assert_eq!(c.sni, None);
    assert!(c.ja4.starts_with("t10d0101"), "{}", c.ja4);
    // No extensions at all.
    let mut bare = client_body(0x0300, None, &[0x000a], &[]);
    bare.truncate(bare.len() - 2);
    let c = client(parse_hello(1, &bare, Transport::Tcp).unwrap());
    assert_eq!(c.ja3_text, "768,10,,,");
    assert_eq!(c.ja4.get(..11), Some("ts3i010000_"));
    assert!(c.ja4.ends_with("_000000000000"));
}

#[test]
fn alpn_list_is_capped() {
    let names: Vec<Vec<u8>> = (0..100).map(|i| format!("p{i}").into_bytes()).collect();
    let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    let body = client_body(0x0303, None, &[0x1301], &[alpn_ext(&refs)]);
    let c = client(parse_hello(1, &body, Transport::Tcp).unwrap());
    assert_eq!(c.alpn.len(), MAX_ALPN);
    assert_eq!(c.alpn.first().map(String::as_str), Some("p0"));
}

#[test]
fn server_hello_version_cipher_alpn() {
    let body = server_body(0x0303, 0x1302, &[ext(43, &[3, 4]), ext(51, &[0, 29])]);
    let s = server(parse_hello(2, &body, Transport::Tcp).unwrap());
    assert_eq!(
        (s.legacy_version, s.version, s.cipher),
        (0x0303, 0x0304, 0x1302)
    );
    assert_eq!(version_name(s.version), "TLSv13");
    let body = server_body(0x0303, 0xc02f, &[alpn_ext(&[b"h2"]), ext(0xff01, &[0])]);
    let s = server(parse_hello(2, &body, Transport::Tcp).unwrap());
    assert_eq!((s.version, s.alpn.as_deref()), (0x0303, Some("h2")));
    // TLS 1.3 draft 18 ServerHello (no session id), as Zeek names it.
    let mut draft = vec![0x7f, 0x12];
    draft.extend_from_slice(&[1; 32]);
    draft.extend_from_slice(&[0x13, 0x01, 0, 0]);
    let s = server(parse_hello(2, &draft, Transport::Tcp).unwrap());
    assert_eq!(version_name(s.version), "TLSv13-draft18");
    // DTLS 1.2 ServerHello.
    let body = server_body(0xfefd, 0xc02b, &[]);
    let s = server(parse_hello(2, &body, Transport::Dtls).unwrap());
    assert_eq!(
        (version_name(s.version).as_str(), s.cipher),
        ("DTLSv12", 0xc02b)
    );
}

#[test]
fn parse_hello_other_types_and_errors() {
    assert_eq!(parse_hello(11, b"anything", Transport::Tcp), Ok(None));
    assert_eq!(parse_hello(4, b"", Transport::Dtls), Ok(None));
    let err = parse_hello(1, &[3, 3, 0], Transport::Tcp).unwrap_err();
    assert_eq!(err.to_string(), "tls_bad_client_hello");
    let err = parse_hello(2, &[3, 3, 0], Transport::Quic).unwrap_err();
    assert_eq!(err.to_string(), "tls_bad_server_hello");
    assert!(parse_hello(1, &[0xfe, 0xfd], Transport::Dtls).is_err());
}

#[test]
fn zeek_version_names() {
    let cases = [
        (0x0002, "SSLv2"),
        (0x0300, "SSLv3"),
        (0x0301, "TLSv10"),
        (0x0302, "TLSv11"),
        (0x0303, "TLSv12"),
        (0x0304, "TLSv13"),
        (0xfeff, "DTLSv10"),
        (0xfefd, "DTLSv12"),
        (0xfefc, "DTLSv13"),
        (0x7f12, "TLSv13-draft18"),
        (0x7f1c, "TLSv13-draft28"),
        (0x7e90, "TLSv13-draft15"),
        (0x1234, "unknown-4660"),
        (0xfafa, "unknown-64250"),
        (0, "unknown-0"),
    ];
    for (v, name) in cases {
        assert_eq!(version_name(v), name, "{v:#06x}");
    }
}

#[test]
fn handshake_stream_skips_other_messages_and_spans_chunks() {
    let mut bytes = handshake(4, &[1, 2, 3]);
    bytes.extend(handshake(1, &greasy_client_body()));
    bytes.extend(handshake(2, &server_body(0x0303, 0x1301, &[])));
    for step in [1, 2, 3, 5, 64, bytes.len()] {
        let mut s = HandshakeStream::new(Transport::Quic);
        let got: Vec<Hello> = bytes.chunks(step).flat_map(|c| s.feed(c)).collect();
        assert_eq!(got.len(), 2, "step {step}");
        assert!(matches!(got.first(), Some(Hello::Client(_))));
        assert!(!s.done() && s.note().is_none());
    }
}

#[test]
fn handshake_stream_bounds() {
    let mut s = HandshakeStream::new(Transport::Quic);
    assert!(s.feed(&[1, 0, 0x40, 0x01]).is_empty());
    assert_eq!((s.done(), s.note()), (true, Some("tls_buffer_limit")));
    assert!(s.feed(&greasy_client_body()).is_empty());

    let mut s = HandshakeStream::new(Transport::Tcp);
    s.feed(&[0x99, 0, 0, 1, 0]);
    assert_eq!(s.note(), Some("tls_bad_handshake"));

    let one = handshake(1, &greasy_client_body());
    let mut s = HandshakeStream::new(Transport::Quic);
    let got = s.feed(&one.repeat(10));
    assert_eq!(got.len(), 4);
    assert_eq!(s.note(), Some("tls_too_many_hellos"));

    let mut s = HandshakeStream::new(Transport::Tcp);
    s.feed(&handshake(1, &[3, 3, 0, 0]));
    assert_eq!(s.note(), Some("tls_bad_client_hello"));

    // A skipped (non-hello) message may be larger than the buffer bound.
    let mut s = HandshakeStream::new(Transport::Tcp);
    let mut big = handshake(11, &vec![0; 100_000]);
    big.extend(handshake(2, &server_body(0x0303, 0x1301, &[])));
    assert_eq!(s.feed(&big).len(), 1);
    assert_eq!(s.note(), None);
}

#[test]
fn tls_stream_stops_and_notes() {
    let mut s = TlsStream::new();
    assert_eq!(s.feed(&[20, 3, 3, 0, 1, 1, 22, 3, 3]), None);
    assert_eq!((s.done(), s.note()), (true, None));

    let mut s = TlsStream::new();
    assert_eq!(s.feed(b"GET / HTTP/1.1\r\n"), None);
    assert_eq!((s.done(), s.note()), (true, Some("tls_bad_record")));

    let mut s = TlsStream::new();
    s.feed(&[22, 3, 3, 0xff, 0xff]);
    assert_eq!(s.note(), Some("tls_bad_record"));

    // A hello longer than the buffer, spread over valid records.
    let mut s = TlsStream::new();
    s.feed(&record(22, &[1, 0, 0x50, 0, 3, 3]));
    assert_eq!(s.note(), Some("tls_buffer_limit"));

    // The hello ends the stream; what follows is ignored.
    let mut bytes = record(22, &handshake(1, &greasy_client_body()));
    bytes.extend(record(20, &[1]));
    let mut s = TlsStream::new();
    assert!(matches!(s.feed(&bytes), Some(Hello::Client(_))));
    assert!(s.done());
    assert_eq!(s.feed(&bytes), None);

    // A non-hello message before the hello is skipped.
    let mut bytes = record(22, &handshake(0, &[]));
    bytes.extend(record(22, &handshake(2, &server_body(0x0303, 0x009c, &[]))));
    let mut s = TlsStream::default();
    assert_eq!(server(s.feed(&bytes)).cipher, 0x009c);
}

#[test]
fn sslv2_hellos() {
    // SSLv2-compatible CLIENT-HELLO offering TLS 1.0 with two cipher specs and a 16-byte challenge.
    let mut v2 = vec![0x80, 0, 1, 3, 1, 0, 6, 0, 0, 0, 16];
    v2.extend_from_slice(&[0, 0, 0x2f, 0, 0, 0x35]);
    v2.extend_from_slice(&[0xaa; 16]);
    let len = u8::try_from(v2.len() - 2).unwrap();
    v2[1] = len;
    assert!(looks_like_tls(&v2));
    for step in [1, 4, v2.len()] {
        let mut s = TlsStream::new();
        let got: Vec<Hello> = v2.chunks(step).filter_map(|c| s.feed(c)).collect();
        let c = client(got.into_iter().next());
        assert_eq!(
            (c.legacy_version, c.ja3.as_str(), c.ja4.as_str()),
            (0x0301, "", "")
        );
    }
    let sh = [0x80, 11, 4, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0];
    let s = server(TlsStream::new().feed(&sh));
    assert_eq!(version_name(s.version), "SSLv2");
    let mut s = TlsStream::new();
    s.feed(&[0x80, 12, 1, 3, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(s.note(), Some("sslv2_bad_hello"));
}

#[test]
fn sniffing() {
    for hex in [CONN_EXT_CLIENT, TLS12_CLIENT, ECH1_CLIENT, TLS12_SERVER] {
        let b = unhex(hex);
        assert!(looks_like_tls(&b));
        assert!(looks_like_tls(b.get(..6).unwrap()));
        assert!(!looks_like_tls(b.get(..5).unwrap()));
        assert!(!looks_like_dtls(&b));
    }
    assert!(!looks_like_tls(b"GET / HTTP/1.1\r\n"));
    assert!(!looks_like_tls(&[23, 3, 3, 0, 20, 1, 2, 3]));
    assert!(!looks_like_tls(&[22, 3, 3, 0, 20, 1, 0, 0, 4, 3, 3]));
    assert!(!looks_like_tls(&[22, 3, 3, 0, 80, 1, 0, 0, 76, 9, 9]));
    assert!(!looks_like_tls(&[22, 3, 9, 0, 80, 1]));
    assert!(!looks_like_tls(b"SSH-2.0-OpenSSH_9.6\r\n"));
    let d = unhex(FOX_DTLS_CLIENT);
    assert!(looks_like_dtls(&d));
    assert!(!looks_like_tls(&d));
    let mut epoch1 = d.clone();
    epoch1[4] = 1;
    assert!(!looks_like_dtls(&epoch1));
    assert!(!looks_like_dtls(b"\x16\xfe\xfd"));
    assert_eq!(dtls_hello_or_note(b"plain dns or whatever bytes"), Ok(None));
}

#[test]
fn dtls_hand_built_and_fragmented() {
    let body = client_body(
        0xfefd,
        Some(&[5; 20]),
        &[0xc02b, 0x1a1a],
        &[
            sni_ext(&[(0, b"dtls.example")]),
            alpn_ext(&[b"webrtc"]),
            ext(14, &[0, 2, 0, 1, 0]),
        ],
    );
    let whole = dtls_datagram(1, &body, 0, body.len());
    assert!(looks_like_dtls(&whole));
    let c = client(dtls_hello(&whole));
    assert_eq!(c.sni.as_deref(), Some("dtls.example"));
    assert_eq!(c.ja3_text, "65277,49195,0-16-14,,");
    assert!(c.ja4.starts_with("dd2d0103wc_"), "{}", c.ja4);
    assert_eq!(client(parse_hello(1, &body, Transport::Dtls).unwrap()), c);

    let first = dtls_datagram(1, &body, 0, 40);
    assert!(looks_like_dtls(&first));
    assert_eq!(dtls_hello_or_note(&first), Err("dtls_fragmented_hello"));
    assert_eq!(dtls_hello(&first), None);
    let mut s = HandshakeStream::new(Transport::Dtls);
    assert!(s.feed(first.get(13..).unwrap()).is_empty());
    assert_eq!(s.note(), Some("dtls_fragmented_hello"));
    let mut cut = whole.clone();
    cut.truncate(whole.len() - 1);
    assert_eq!(dtls_hello_or_note(&cut), Err("dtls_truncated"));
}

/// Tiny xorshift64 generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Runs every entry point on `data`; none may panic.
fn exercise(data: &[u8]) {
    for t in [Transport::Tcp, Transport::Quic, Transport::Dtls] {
        for kind in [1, 2] {
            let _ = parse_hello(kind, data, t);
            let _ = parse_hello(kind, data.get(4..).unwrap_or_default(), t);
        }
        let mut s = HandshakeStream::new(t);
        s.feed(data);
        let _ = s.note();
    }
    let mut s = TlsStream::new();
    s.feed(data);
    let mut s = TlsStream::new();
    data.chunks(3).for_each(|c| {
        s.feed(c);
    });
    let _ = dtls_hello_or_note(data);
    let _ = (looks_like_tls(data), looks_like_dtls(data));
}

#[test]
fn robustness() {
    let samples: Vec<Vec<u8>> = [
        CONN_EXT_CLIENT,
        CONN_EXT_SERVER,
        ECH1_CLIENT,
        FOX_ALPN_H2_CLIENT,
        CHROMIUM_CRYPTO_CLIENT,
        QUICV2_CRYPTO_SERVER,
        FOX_DTLS_CLIENT,
        FOX_DTLS_SERVER,
    ]
    .iter()
    .map(|h| unhex(h))
    .chain([
        record(22, &handshake(1, &greasy_client_body())),
        dtls_datagram(1, &greasy_client_body(), 0, 60),
    ])
    .collect();
    for s in &samples {
        let s = s.get(..s.len().min(700)).unwrap();
        for k in 0..=s.len() {
            exercise(s.get(..k).unwrap());
        }
        let mut m = s.to_vec();
        for i in 0..m.len() {
            let orig = m[i];
            for v in [0x00, 0xff, orig ^ 0x80, orig.wrapping_add(1)] {
                m[i] = v;
                exercise(&m);
            }
            m[i] = orig;
        }
    }
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let prefixes: [&[u8]; 5] = [
        &[],
        &[22, 3, 1],
        &[22, 3, 3, 0x02, 0x00, 1],
        &[1, 0, 1],
        &[22, 0xfe, 0xfd],
    ];
    for i in 0..4000 {
        let len = usize::try_from(rng.next() % 600).unwrap();
        let mut data = prefixes[i % prefixes.len()].to_vec();
        data.extend((0..len).map(|_| rng.next().to_le_bytes()[0]));
        exercise(&data);
    }
}
