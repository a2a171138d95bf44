//! Robustness: every prefix, every single-byte corruption and thousands of
//! pseudo-random inputs must run without a panic (debug builds also trap
//! arithmetic overflow).

use super::HttpConn;

/// A request stream touching most parser paths.
const REQUESTS: &[u8] = b"GET /a%20b HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\n  folded\r\n\r\n\
POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n\
PUT /m HTTP/1.1\r\nExpect: 100-continue\r\nContent-Type: multipart/form-data; boundary=\"zz\"\r\nContent-Length: 60\r\n\r\n\
--zz\r\nContent-Length: 3\r\n\r\nabc\r\n--zz\r\nX: y\r\n\r\nq\nr\r\n--zz--\r\n\
HEAD /h HTTP/1.1\r\n\r\nCONNECT x:1 HTTP/1.1\r\n\r\nGET /u HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";

/// A reply stream touching most parser paths.
const REPLIES: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Encoding: deflate\r\n\r\nx\x9c\x03\x00\x00\
HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n\
HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 206 Partial\r\nContent-Range: bytes 0-3/10\r\n\r\nabcd\
HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n\
HTTP/1.1 407 No\r\nContent-Type: multipart/byteranges; boundary=B\r\n\r\n--B\r\nContent-Range: bytes 0-1/5\r\n\r\nab\r\n--B--\r\n\
HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00\
HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nrest of body";

/// Tiny xorshift generator.
struct Rng(u64);

impl Rng {
    /// Next pseudo-random value.
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Value below `n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Runs both streams through a parser, cut at the given sizes.
fn exercise(req: &[u8], resp: &[u8], step: usize) {
    let mut c = HttpConn::new();
    let (mut i, mut j) = (0, 0);
    let mut ts = 0;
    while i < req.len() || j < resp.len() {
        let a = (i + step).min(req.len());
        c.request_data(ts, &req[i..a]);
        i = a;
        let b = (j + step).min(resp.len());
        c.response_data(ts + 1, &resp[j..b]);
        j = b;
        ts += 2;
        let _ = c.take_done();
        let _ = c.is_http();
    }
    let _ = c.finish();
    let _ = c.note();
}

#[test]
fn every_prefix() {
    for n in 0..=REQUESTS.len() {
        exercise(&REQUESTS[..n], REPLIES, 7);
    }
    for n in 0..=REPLIES.len() {
        exercise(REQUESTS, &REPLIES[..n], 64);
    }
}

#[test]
fn every_single_byte_corruption() {
    for (stream, other, is_req) in [(REQUESTS, REPLIES, true), (REPLIES, REQUESTS, false)] {
        for pos in 0..stream.len() {
            for val in [
                0u8,
                b'\r',
                b'\n',
                b' ',
                b'0',
                b'-',
                0xff,
                stream[pos] ^ 0x20,
            ] {
                let mut s = stream.to_vec();
                s[pos] = val;
                if is_req {
                    exercise(&s, other, 13);
                } else {
                    exercise(other, &s, 13);
                }
            }
        }
    }
}

/// Fragments that steer random inputs through the grammar.
const FRAGMENTS: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\n",
    b"HEAD /x HTTP/1.0\r\n",
    b"CONNECT a:1 HTTP/1.1\r\n",
    b"HTTP/1.1 200 OK\r\n",
    b"HTTP/1.1 100 Continue\r\n",
    b"HTTP/1.1 101 Up\r\n",
    b"HTTP/1.1 206 P\r\n",
    b"Content-Length: 5\r\n",
    b"Content-Length: -1\r\n",
    b"Content-Length: 99999999999999999999\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Encoding: gzip\r\n",
    b"Content-Range: bytes 9223372036854775806-9223372036854775807/*\r\n",
    b"Content-Type: multipart/x; boundary=b\r\n",
    b"Content-Type: message/http\r\n",
    b"Connection: close\r\n",
    b"Connection: upgrade\r\nUpgrade: h2c\r\n",
    b"\r\n",
    b"\n",
    b"\r",
    b"--b\r\n",
    b"--b--\r\n",
    b"7fffffffffffffff\r\n",
    b"ffffffffffffffffff\r\n",
    b"0\r\n",
    b"5;x\r\n",
    b"\x1f\x8b\x08\x1f",
    b"x\x9c",
    b" folded\r\n",
];

#[test]
fn pseudo_random_inputs() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..4000 {
        let mut streams = [Vec::new(), Vec::new()];
        for s in &mut streams {
            let parts = rng.below(24);
            for _ in 0..parts {
                if rng.below(3) == 0 {
                    let n = rng.below(40);
                    s.extend((0..n).map(|_| rng.next() as u8));
                } else {
                    s.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())]);
                }
            }
        }
        let mut c = HttpConn::new();
        let (mut i, mut j) = (0, 0);
        while i < streams[0].len() || j < streams[1].len() {
            match rng.below(5) {
                0 => c.gap(rng.below(2) == 0, rng.next() % 64),
                1 | 2 => {
                    let a = (i + 1 + rng.below(16)).min(streams[0].len());
                    c.request_data(1, &streams[0][i..a]);
                    i = a;
                }
                _ => {
                    let b = (j + 1 + rng.below(16)).min(streams[1].len());
                    c.response_data(2, &streams[1][j..b]);
                    j = b;
                }
            }
            let _ = c.take_done();
        }
        let _ = c.finish();
    }
}

#[test]
fn huge_gaps_and_lengths() {
    let mut c = HttpConn::new();
    c.request_data(1, b"GET / HTTP/1.1\r\n\r\n");
    c.response_data(
        2,
        b"HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nx",
    );
    c.gap(false, u64::MAX);
    c.gap(false, i64::MAX as u64);
    c.response_data(3, b"more");
    let rows = c.finish();
    assert_eq!(rows.len(), 1);
    let mut c = HttpConn::new();
    c.gap(true, u64::MAX);
    c.gap(false, u64::MAX);
    assert!(c.finish().is_empty());
}
