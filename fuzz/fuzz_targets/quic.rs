//! QUIC Initial parsing and decryption: the input is a sequence of datagrams, each after a
//! 2-byte big-endian header whose top bit says it comes from the client and whose other 15
//! bits give its length. After each datagram the CRYPTO bytes of both directions are taken
//! and fed to TLS handshake streams, as the application stage does, until the flow is done.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcapq::app::quic::{QuicFlow, looks_like_quic, version_name};
use pcapq::app::tls::{HandshakeStream, Transport};
use pcapq_fuzz::Input;

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let mut flow = QuicFlow::new();
    let mut hello = [
        HandshakeStream::new(Transport::Quic),
        HandshakeStream::new(Transport::Quic),
    ];
    while !input.is_empty() && !flow.done() {
        let header = input.u16();
        let from_client = header & 0x8000 != 0;
        let datagram = input.bytes(usize::from(header & 0x7fff));
        let _ = looks_like_quic(datagram);
        flow.datagram(from_client, datagram);
        for (stream, client) in hello.iter_mut().zip([true, false]) {
            let crypto = flow.take_crypto(client);
            if !crypto.is_empty() {
                let _ = stream.feed(&crypto);
            }
        }
        let _ = flow.version().map(version_name);
        let _ = (flow.note(), flow.client_initial_dcid(), flow.server_scid());
        let _ = (
            flow.client_scid(),
            flow.retried(),
            flow.hello_complete(true),
        );
    }
});
