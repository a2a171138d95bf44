//! TLS hello parsing: byte 0 picks how the rest is cut into chunks (see `chunks`). The rest
//! is fed to a `TlsStream` (records over TCP) and, past a would-be record header, to a
//! `HandshakeStream` of each transport; the bytes after a record and handshake header go
//! to `parse_hello`, and the whole rest to the DTLS datagram parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcapq::app::tls::{
    HandshakeStream, TlsStream, Transport, dtls_hello_or_note, looks_like_dtls, looks_like_tls,
    parse_hello,
};
use pcapq_fuzz::chunks;

fuzz_target!(|data: &[u8]| {
    let [seed, rest @ ..] = data else { return };
    let _ = looks_like_tls(rest);
    let mut stream = TlsStream::new();
    for chunk in chunks(*seed, rest) {
        if stream.done() {
            break;
        }
        let _ = stream.feed(chunk);
    }
    let _ = stream.note();
    // (transport, record header size, handshake header size)
    for (t, record, header) in [
        (Transport::Tcp, 5, 4),
        (Transport::Quic, 5, 4),
        (Transport::Dtls, 13, 12),
    ] {
        let messages = rest.get(record..).unwrap_or_default();
        let mut hs = HandshakeStream::new(t);
        for chunk in chunks(*seed, messages) {
            if hs.done() {
                break;
            }
            let _ = hs.feed(chunk);
        }
        let _ = hs.note();
        if let Some(&kind) = messages.first() {
            let _ = parse_hello(kind, messages.get(header..).unwrap_or_default(), t);
        }
    }
    let _ = looks_like_dtls(rest);
    let _ = dtls_hello_or_note(rest);
});
