//! One flow through the application stage (reassembly, recognition, dispatch to the
//! parsers). Header: a flags byte (bit 0 UDP, bit 1 the client is side 1, bits 2 and 3 an
//! initial sequence number is known for side 0 / 1, bit 4 a partial connection), the two
//! ports and the two ISNs
//! (big-endian). Then packets, each: a byte (bit 0 side, bit 1 SYN), the sequence number
//! (u32), the captured length (u16), the bytes the wire had beyond them (u8), the payload.
//! Fed until the flow wants no more, as the tracker does, then finished.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcapq::app::{AppFlow, AppPacket, TcpSegment};
use pcapq_fuzz::{CountingSink, Input};

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let flags = input.u8();
    let udp = flags & 1 != 0;
    let client = usize::from(flags & 2 != 0);
    let ports = [input.u16(), input.u16()];
    let isn = [input.u32(), input.u32()];
    let isn = [
        (flags & 4 != 0).then_some(isn[0]),
        (flags & 8 != 0).then_some(isn[1]),
    ];
    let partial = flags & 16 != 0;
    let mut flow = AppFlow::new(udp, ports, client, isn, partial);
    let mut sink = CountingSink::default();
    let mut ts = 0;
    while !input.is_empty() && flow.wants_more() {
        let h = input.u8();
        let seq = input.u32();
        let len = input.u16();
        let extra = input.u8();
        let bytes = input.bytes(usize::from(len));
        ts += 1_000;
        let side = usize::from(h & 1);
        let packet = AppPacket {
            ts,
            side,
            from_orig: side == client,
            tcp: (!udp).then_some(TcpSegment {
                seq,
                syn: h & 2 != 0,
            }),
            bytes,
            wire_len: bytes.len() as u32 + u32::from(extra),
        };
        flow.packet(&packet, 1, &mut sink);
    }
    let summary = flow.finish(1, ts, &mut sink).into_summary();
    let _ = (summary, sink.dns, sink.http);
});
