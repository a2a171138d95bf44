//! A run of frames of one link type through IP fragment reassembly, as `convert` dissects
//! them: bytes 0-1 pick the link type (as in the `dissect` target), then records of a u16
//! length (big-endian), a u8 of seconds since the frame before (past the 5-minute timeout
//! at 255 × 2) and the frame. Every payload must lie within 64 KiB, and the datagrams
//! waiting must stay within the budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcapq::dissect::defrag::Defragmenter;
use pcapq::dissect::{Tunnels, dissect_frame};
use pcapq::source::Frame;

/// The link types of `dissect::link::strip`.
const LINK_TYPES: [u32; 18] = [
    0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 109, 113, 127, 192, 228, 229, 239, 276,
];

fuzz_target!(|data: &[u8]| {
    let [a, b, records @ ..] = data else {
        return;
    };
    let mut rest: &[u8] = records;
    let n = u32::from(u16::from_be_bytes([*a, *b]));
    let link_type = if LINK_TYPES.contains(&n) {
        n
    } else {
        LINK_TYPES[n as usize % LINK_TYPES.len()]
    };
    let (mut tunnels, mut defrag) = (Tunnels::default(), Defragmenter::default());
    let (mut ts_ns, mut number) = (0i64, 0u64);
    while let &[h, l, secs, ref tail @ ..] = rest {
        let len = usize::from(u16::from_be_bytes([h, l])).min(tail.len());
        let (bytes, next) = tail.split_at(len);
        rest = next;
        ts_ns += i64::from(secs) * 1_000_000_000;
        number += 1;
        let frame = Frame {
            capture_id: 0,
            number,
            ts_ns,
            caplen: len as u32,
            wire_len: len as u32,
            link_type,
            interface_id: 0,
            data: bytes,
        };
        let (packet, payload) = dissect_frame(&frame, &mut tunnels, &mut defrag);
        assert!(payload.len() <= 65_535);
        let _ = packet.ip_proto();
    }
    defrag.finish();
    let s = defrag.stats();
    assert!(s.reassembled + s.incomplete <= s.fragments);
});
