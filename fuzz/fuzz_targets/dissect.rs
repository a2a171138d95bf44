//! One frame of any link type pcapq decodes: bytes 0-1 pick the link type (its DLT number,
//! big-endian, or an index into the supported list when it is not one), byte 2 adds to the
//! wire length (a frame cut by the snap length), the rest is the frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcapq::dissect::dissect_with_payload;
use pcapq::source::Frame;

/// The link types of `dissect::link::strip`.
const LINK_TYPES: [u32; 18] = [
    0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 109, 113, 127, 192, 228, 229, 239, 276,
];

fuzz_target!(|data: &[u8]| {
    let [a, b, extra, frame @ ..] = data else {
        return;
    };
    let n = u32::from(u16::from_be_bytes([*a, *b]));
    let link_type = if LINK_TYPES.contains(&n) {
        n
    } else {
        LINK_TYPES[n as usize % LINK_TYPES.len()]
    };
    let caplen = frame.len() as u32;
    let frame = Frame {
        capture_id: 0,
        number: 1,
        ts_ns: 0,
        caplen,
        wire_len: caplen + u32::from(*extra),
        link_type,
        interface_id: 0,
        data: frame,
    };
    let (packet, payload) = dissect_with_payload(&frame);
    assert!(payload.len() <= frame.data.len());
    let _ = packet.ip_proto();
});
