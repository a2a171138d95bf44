//! HTTP/1.x connection parsing: the input is a sequence of operations, each one byte `op`
//! then a big-endian u16 `n`. `op % 3` is 0 for `n` request bytes, 1 for `n` response
//! bytes, 2 for a gap of `n << (op >> 3)` bytes in the client (`op & 4`) or server
//! direction. Transactions are taken after every operation, as the application stage
//! does, and the connection is finished at the end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcapq::app::http::{HttpConn, looks_like_request, looks_like_response};
use pcapq_fuzz::Input;

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let mut conn = HttpConn::new();
    let mut ts = 0;
    while !input.is_empty() {
        let op = input.u8();
        let n = input.u16();
        ts += 1_000;
        match op % 3 {
            0 => {
                let bytes = input.bytes(usize::from(n));
                let _ = looks_like_request(bytes);
                conn.request_data(ts, bytes);
            }
            1 => {
                let bytes = input.bytes(usize::from(n));
                let _ = looks_like_response(bytes);
                conn.response_data(ts, bytes);
            }
            _ => conn.gap(op & 4 != 0, u64::from(n) << (op >> 3)),
        }
        let _ = conn.take_done();
        let _ = (conn.note(), conn.is_http());
    }
    let _ = conn.finish();
});
