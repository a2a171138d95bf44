//! DNS: byte 0 picks a chunking (see `chunks`), the rest is one message for
//! `parse_message` (and Zeek's log row and address list when it parses), and is fed in
//! chunks to two DNS-over-TCP streams: as it is (its own framing) and framed with its
//! length, twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcapq::app::dns::{DnsTcpStream, all_addresses, log_row, looks_like_dns, parse_message};
use pcapq_fuzz::chunks;

fn feed_all(seed: u8, bytes: &[u8]) {
    let mut stream = DnsTcpStream::new();
    for chunk in chunks(seed, bytes) {
        for msg in stream.feed(chunk).into_iter().flatten() {
            let _ = msg.rejected();
        }
    }
    let _ = stream.finish();
    let _ = stream.note();
}

fuzz_target!(|data: &[u8]| {
    let [seed, msg @ ..] = data else { return };
    let _ = looks_like_dns(msg);
    if let Ok(m) = parse_message(msg) {
        let _ = (m.rejected(), m.zeek_confirms());
        let _ = log_row(Some(&m), None);
        let _ = log_row(None, Some(&m));
        let _ = all_addresses(msg);
    }
    feed_all(*seed, msg);
    let len = u16::try_from(msg.len()).unwrap_or(u16::MAX).to_be_bytes();
    let msg = &msg[..msg.len().min(usize::from(u16::MAX))];
    let framed = [&len[..], msg, &len[..], msg].concat();
    feed_all(*seed, &framed);
});
