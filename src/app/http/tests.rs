//! Unit tests on hand-built bytes.

use super::text::{unescape_uri, zeek_string};
use super::{HttpConn, HttpTx};

/// Feeds (from_client, bytes) steps with increasing timestamps, then ends
/// the connection; returns all rows and the note.
pub(super) fn run(steps: &[(bool, &[u8])]) -> (Vec<HttpTx>, Option<&'static str>) {
    let mut c = HttpConn::new();
    let mut rows = Vec::new();
    for (i, (client, bytes)) in steps.iter().enumerate() {
        let ts = 1_000 + i as i64;
        if *client {
            c.request_data(ts, bytes);
        } else {
            c.response_data(ts, bytes);
        }
        rows.extend(c.take_done());
    }
    rows.extend(c.finish());
    (rows, c.note())
}

/// Short summary of a row: method uri status req_len resp_len.
fn brief(t: &HttpTx) -> String {
    format!(
        "{} {} {} {} {}",
        t.method.as_deref().unwrap_or("-"),
        t.uri.as_deref().unwrap_or("-"),
        t.status_code.map_or("-".into(), |c| c.to_string()),
        t.request_body_len,
        t.response_body_len
    )
}

/// Rows with their time cleared.
fn no_ts(mut rows: Vec<HttpTx>) -> Vec<HttpTx> {
    for r in &mut rows {
        r.ts = 0;
    }
    rows
}

/// Briefs of all rows.
pub(super) fn briefs(rows: &[HttpTx]) -> Vec<String> {
    rows.iter().map(brief).collect()
}

#[test]
fn pipelining_three_requests_one_segment() {
    let (rows, note) = run(&[
        (
            true,
            b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h2\r\nUser-Agent: ua\r\n\r\n",
        ),
        (
            false,
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno",
        ),
    ]);
    assert_eq!(
        briefs(&rows),
        ["GET /a 200 0 3", "HEAD /b 200 0 0", "GET /c 404 0 2"]
    );
    assert_eq!(rows[2].host.as_deref(), Some("h2"));
    assert_eq!(rows[2].user_agent.as_deref(), Some("ua"));
    assert_eq!(rows[2].status_msg.as_deref(), Some("Not Found"));
    assert_eq!(rows[0].version.as_deref(), Some("1.1"));
    assert_eq!(note, None);
}

#[test]
fn rows_come_out_as_replies_complete() {
    let mut c = HttpConn::new();
    c.request_data(1, b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
    assert!(c.take_done().is_empty());
    c.response_data(2, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    let done = c.take_done();
    assert_eq!(briefs(&done), ["GET /a 200 0 1"]);
    assert_eq!(done[0].ts, 1);
    let rest = c.finish();
    assert_eq!(briefs(&rest), ["GET /b - 0 0"]);
}

#[test]
fn chunked_with_extensions_and_trailers() {
    let (rows, note) = run(&[
        (true, b"POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n0\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n",
        ),
        (true, b"GET /next HTTP/1.1\r\n\r\n"),
        (false, b"HTTP/1.1 204 No Content\r\n\r\n"),
    ]);
    assert_eq!(briefs(&rows), ["POST /up 200 3 11", "GET /next 204 0 0"]);
    assert_eq!(note, None);
}

#[test]
fn chunked_is_ignored_for_http_1_0() {
    // Zeek honours "chunked" only for HTTP/1.1: a 1.0 reply is read as lines.
    let (rows, _) = run(&[
        (true, b"GET / HTTP/1.0\r\n\r\n"),
        (
            false,
            b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        ),
    ]);
    // Lines "3", "abc", "0", "" each count with 2 bytes of CRLF.
    assert_eq!(briefs(&rows), ["GET / 200 0 13"]);
}

#[test]
fn head_with_content_length_has_no_body() {
    let (rows, _) = run(&[
        (true, b"HEAD /f HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody",
        ),
    ]);
    assert_eq!(briefs(&rows), ["HEAD /f 200 0 0", "GET /g 200 0 4"]);
}

#[test]
fn not_modified_has_no_body() {
    let (rows, _) = run(&[
        (true, b"GET /c HTTP/1.1\r\n\r\nGET /d HTTP/1.1\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ),
    ]);
    assert_eq!(briefs(&rows), ["GET /c 304 0 0", "GET /d 200 0 2"]);
}

#[test]
fn body_until_close() {
    // With "Connection: close" the body is delivered plain: bytes as they are.
    let (rows, _) = run(&[
        (true, b"GET / HTTP/1.1\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nline1\nline2\r\n",
        ),
        (false, b"last"),
    ]);
    assert_eq!(briefs(&rows), ["GET / 200 0 17"]);
    // Without it Zeek reads lines and counts 2 bytes per line end, the last
    // unterminated line included.
    let (rows, _) = run(&[
        (true, b"GET / HTTP/1.1\r\n\r\n"),
        (false, b"HTTP/1.1 200 OK\r\n\r\nline1\nline2\r\n"),
        (false, b"last"),
    ]);
    assert_eq!(briefs(&rows), ["GET / 200 0 20"]);
}

#[test]
fn interim_100_continue() {
    let (rows, _) = run(&[
        (
            true,
            b"PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
        ),
        (false, b"HTTP/1.1 100 Continue\r\n\r\n"),
        (true, b"12345"),
        (false, b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
    ]);
    assert_eq!(briefs(&rows), ["PUT /x 201 5 0"]);
    assert_eq!(rows[0].info_code, Some(100));
    assert_eq!(rows[0].info_msg.as_deref(), Some("Continue"));
    assert_eq!(rows[0].status_msg.as_deref(), Some("Created"));
}

#[test]
fn connect_tunnel_stops_the_http_parsing() {
    let (rows, note) = run(&[
        (
            true,
            b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        ),
        (false, b"HTTP/1.1 200 Connection established\r\n\r\n"),
        (true, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
        (false, b"\x16\x03\x03\x00\x5a\x02\x00\x00\x56"),
    ]);
    assert_eq!(briefs(&rows), ["CONNECT example.com:443 200 0 0"]);
    assert_eq!(note, None);
}

#[test]
fn a_connect_tunnel_hands_on_what_follows_the_reply() {
    let mut c = HttpConn::new();
    c.request_data(1, b"CONNECT mail.example:25 HTTP/1.0\r\n\r\n");
    assert_eq!(c.take_tunnel(), None);
    c.response_data(2, b"HTTP/1.0 200 OK\r\n\r\n220 mail.example ESMTP\r\n");
    assert_eq!(
        c.take_tunnel().as_deref(),
        Some(&b"220 mail.example ESMTP\r\n"[..])
    );
    assert_eq!(c.take_tunnel(), None);
}

#[test]
fn failed_connect_keeps_parsing() {
    let (rows, _) = run(&[
        (true, b"CONNECT a:1 HTTP/1.1\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 407 Proxy Auth\r\nContent-Length: 1\r\n\r\nx",
        ),
        (true, b"GET /later HTTP/1.1\r\n\r\n"),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    ]);
    assert_eq!(briefs(&rows), ["CONNECT a:1 407 0 1", "GET /later 200 0 2"]);
}

#[test]
fn upgrade_101() {
    let (rows, note) = run(&[
        (true, b"GET /chat HTTP/1.1\r\nHost: s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello",
        ),
        (true, b"\x81\x85\x00\x00\x00\x00hello"),
    ]);
    // Zeek logs the 101 as both status and info code, when the connection ends.
    assert_eq!(briefs(&rows), ["GET /chat 101 0 0"]);
    assert_eq!(rows[0].info_code, Some(101));
    assert_eq!(note, None);
}

#[test]
fn header_block_split_at_every_byte() {
    let req: &[u8] = b"POST /p%20q?x=1 HTTP/1.1\r\nHost: example.org\r\nUser-Agent: split\r\n test\r\nContent-Length: 3\r\n\r\nabc";
    let resp: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n";
    let (whole, _) = run(&[(true, req), (false, resp)]);
    assert_eq!(briefs(&whole), ["POST /p q?x=1 200 3 4"]);
    assert_eq!(whole[0].user_agent.as_deref(), Some("split test"));
    for i in 0..=req.len() {
        for j in [0, resp.len() / 2, resp.len()] {
            let (rows, note) = run(&[
                (true, &req[..i]),
                (true, &req[i..]),
                (false, &resp[..j]),
                (false, &resp[j..]),
            ]);
            assert_eq!(no_ts(rows), no_ts(whole.clone()), "split at {i}/{j}");
            assert_eq!(note, None);
        }
    }
    for j in 0..=resp.len() {
        let (rows, _) = run(&[(true, req), (false, &resp[..j]), (false, &resp[j..])]);
        assert_eq!(no_ts(rows), no_ts(whole.clone()), "reply split at {j}");
    }
    // One byte at a time.
    let mut c = HttpConn::new();
    for b in req.chunks(1) {
        c.request_data(1000, b);
    }
    for b in resp.chunks(1) {
        c.response_data(1001, b);
    }
    let rows = c.finish();
    assert_eq!(briefs(&rows), briefs(&whole));
}

#[test]
fn crlf_split_between_segments() {
    // A CR ending one segment and its LF starting the next make one line end.
    let (rows, _) = run(&[
        (true, b"GET / HTTP/1.1\r"),
        (true, b"\nHost: a\r"),
        (true, b"\n\r"),
        (true, b"\n"),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r"),
        (false, b"\nZ"),
    ]);
    assert_eq!(briefs(&rows), ["GET / 200 0 1"]);
    assert_eq!(rows[0].host.as_deref(), Some("a"));
}

#[test]
fn endless_header_line_is_bounded() {
    let mut c = HttpConn::new();
    c.request_data(1, b"GET / HTTP/1.1\r\nX-Long: ");
    let chunk = vec![b'a'; 64 * 1024];
    let start = std::time::Instant::now();
    for _ in 0..256 {
        c.request_data(2, &chunk);
    }
    assert!(start.elapsed().as_secs() < 5);
    assert_eq!(c.note(), Some("http_header_limit"));
    let rows = c.finish();
    assert_eq!(briefs(&rows), ["GET / - 0 0"]);
    // An endless first line too.
    let mut c = HttpConn::new();
    for _ in 0..64 {
        c.request_data(2, &chunk);
    }
    assert_eq!(c.note(), Some("http_header_limit"));
    assert!(c.finish().is_empty());
}

#[test]
fn too_many_headers() {
    let mut req = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..65 {
        req.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    let (rows, note) = run(&[(true, &req)]);
    assert_eq!(note, Some("http_header_limit"));
    assert_eq!(briefs(&rows), ["GET / - 0 0"]);
}

#[test]
fn header_values_keep_trailing_space_and_last_wins() {
    let (rows, _) = run(&[
        (
            true,
            b"GET / HTTP/1.1\r\nhost: first\r\nHOST:   second  \r\nuser-agent:\tA B\r\n\r\n",
        ),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ]);
    assert_eq!(rows[0].host.as_deref(), Some("second  "));
    assert_eq!(rows[0].user_agent.as_deref(), Some("A B"));
}

#[test]
fn content_gap_inside_and_outside_bodies() {
    // Inside a Content-Length body: counted.
    let mut c = HttpConn::new();
    c.request_data(1, b"GET / HTTP/1.1\r\n\r\n");
    c.response_data(
        2,
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
    );
    c.gap(false, 80);
    c.response_data(3, b"0123456789");
    c.request_data(4, b"GET /2 HTTP/1.1\r\n\r\n");
    c.response_data(5, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    assert_eq!(briefs(&c.finish()), ["GET / 200 0 100", "GET /2 200 0 1"]);
    assert_eq!(c.note(), None);
    // In a header block: that direction stops.
    let mut c = HttpConn::new();
    c.request_data(1, b"GET / HTTP/1.1\r\n\r\n");
    c.response_data(2, b"HTTP/1.1 200 OK\r\nContent-");
    c.gap(false, 10);
    c.response_data(3, b"Length: 1\r\n\r\nx");
    assert_eq!(briefs(&c.finish()), ["GET / 200 0 0"]);
    assert_eq!(c.note(), Some("http_content_gap"));
    // A client gap outside a body ends the reply in progress too.
    let mut c = HttpConn::new();
    c.request_data(1, b"GET / HTTP/1.1\r\n\r\n");
    c.gap(true, 100);
    c.request_data(2, b"GET /lost HTTP/1.1\r\n\r\n");
    c.response_data(3, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert_eq!(briefs(&c.finish()), ["GET / 200 0 2"]);
}

#[test]
fn a_connection_stopped_both_ways_is_inert_and_later_bytes_change_nothing() {
    // Snapped captures: each direction stops at its first header gap. From then on the
    // application stage stops feeding the flow, which must not change what it reports.
    let start = |c: &mut HttpConn| {
        c.request_data(1, b"GET /a HTTP/1.1\r\nHost: h\r\nUser-");
        assert!(!c.inert());
        c.gap(true, 400);
        assert!(!c.inert(), "the reply direction can still report");
        c.response_data(2, b"HTTP/1.1 200 OK\r\nContent-");
        c.gap(false, 1400);
    };
    let mut fed = HttpConn::new();
    start(&mut fed);
    assert!(fed.inert());
    fed.request_data(3, b"Agent: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
    fed.response_data(4, b"Length: 2\r\n\r\nokHTTP/1.1 404 No\r\n\r\n");
    fed.gap(true, 10);
    let mut stopped = HttpConn::new();
    start(&mut stopped);
    let (fed_rows, stopped_rows) = (fed.finish(), stopped.finish());
    assert_eq!(briefs(&fed_rows), briefs(&stopped_rows));
    assert_eq!(fed_rows.len(), 1);
    assert_eq!(
        (fed.note(), fed.is_http()),
        (stopped.note(), stopped.is_http())
    );
    // A client that has sent too little to be recognised keeps the flow fed.
    let mut short = HttpConn::new();
    short.request_data(1, b"GET");
    short.gap(true, 100);
    short.response_data(2, b"HTTP/1.1 200");
    short.gap(false, 100);
    assert!(!short.inert());
}

/// CRC-32 (IEEE) for hand-built gzip members.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A gzip member of `data` with a file name.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3];
    out.extend_from_slice(b"name.txt\0");
    out.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[test]
fn compressed_bodies_count_decompressed_bytes() {
    let plain: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    let gz = gzip(&plain);
    let mut resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        gz.len()
    )
    .into_bytes();
    resp.extend_from_slice(&gz);
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(b"hello hello hello", 6);
    let mut resp2 =
        b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    resp2.extend_from_slice(format!("{:x}\r\n", zlib.len()).as_bytes());
    resp2.extend_from_slice(&zlib);
    resp2.extend_from_slice(b"\r\n0\r\n\r\n");
    let raw = miniz_oxide::deflate::compress_to_vec(b"raw deflate body", 6);
    let mut resp3 = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: {}\r\n\r\n",
        raw.len()
    )
    .into_bytes();
    resp3.extend_from_slice(&raw);
    let mut steps: Vec<(bool, &[u8])> = vec![(
        true,
        b"GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n",
    )];
    for piece in resp.chunks(1000) {
        steps.push((false, piece));
    }
    steps.push((false, &resp2));
    steps.push((false, &resp3));
    let (rows, _) = run(&steps);
    assert_eq!(
        briefs(&rows),
        ["GET /1 200 0 50000", "GET /2 200 0 17", "GET /3 200 0 16"]
    );
    // Not decompressible: Zeek counts nothing.
    let (rows, _) = run(&[
        (true, b"GET / HTTP/1.1\r\n\r\n"),
        (false, b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\xff\xff\xff\xff"),
    ]);
    assert_eq!(briefs(&rows), ["GET / 200 0 0"]);
}

#[test]
fn multipart_request_body() {
    let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\nbin\ndata\r\n--XyZ--\r\n";
    let mut req = format!(
        "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    let (rows, _) = run(&[
        (true, &req),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ]);
    // Part bodies end lines at CRLF only, so every byte counts once.
    assert_eq!(
        briefs(&rows),
        [format!("POST /upload 200 {} 0", body.len())]
    );
}

#[test]
fn uri_unescaping_and_log_escaping() {
    assert_eq!(
        unescape_uri(b"/a%20b%zz%%41%u0041%u00e9%"),
        b"/a b%zzA\x41\xe9%"
    );
    assert_eq!(zeek_string(b"plain text"), "plain text");
    assert_eq!(zeek_string("caf\u{e9}".as_bytes()), "caf\u{e9}");
    assert_eq!(zeek_string(b"a\tb"), "a\\x09b");
    assert_eq!(zeek_string(b"\xc3\xa9\xff"), "\\xc3\\xa9\\xff");
    let (rows, _) = run(&[
        (
            true,
            b"GET /%E2%82%AC%FF HTTP/1.1\r\nUser-Agent: x\x01y\r\n\r\n",
        ),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ]);
    assert_eq!(rows[0].uri.as_deref(), Some("/\\xe2\\x82\\xac\\xff"));
}

#[test]
fn request_body_without_length_is_empty() {
    // A request has a body only with Content-Length or chunked.
    let (rows, note) = run(&[
        (true, b"POST /nolen HTTP/1.1\r\n\r\nGET /n HTTP/1.1\r\n\r\n"),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ]);
    assert_eq!(briefs(&rows), ["POST /nolen 200 0 0", "GET /n 200 0 0"]);
    assert_eq!(note, None);
}

#[test]
fn rejected_header_block_ends_the_message() {
    // A NUL inside a header line makes httparse refuse the block.
    let (rows, note) = run(&[
        (true, b"GET / HTTP/1.1\r\n\r\n"),
        (false, b"HTTP/1.1 200 OK\r\nX-Bad: a\x00b\r\n\r\nbody"),
    ]);
    assert_eq!(briefs(&rows), ["GET / 200 0 0"]);
    assert_eq!(note, Some("http_parse_error"));
}

#[test]
fn headers_without_final_empty_line_at_close() {
    let (rows, _) = run(&[(true, b"GET /x HTTP/1.1\r\nHost: late")]);
    assert_eq!(rows[0].host.as_deref(), Some("late"));
}

#[test]
fn pending_requests_are_bounded() {
    let mut c = HttpConn::new();
    for i in 0..200 {
        c.request_data(i, format!("GET /{i} HTTP/1.1\r\n\r\n").as_bytes());
    }
    let early = c.take_done();
    assert!(!early.is_empty());
    assert_eq!(c.note(), Some("http_pipeline_limit"));
    let rest = c.finish();
    assert_eq!(early.len() + rest.len(), 200);
}

#[test]
fn declared_length_ends_a_partial_line() {
    // A multipart body whose closing boundary has no CRLF: when the
    // segments after the headers add up to Content-Length, Zeek ends the
    // line there and counts 2 more bytes.
    let body = b"--b\r\nX: 1\r\n\r\ndata\r\n--b--";
    let head = format!(
        "POST /f HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (rows, note) = run(&[
        (true, head.as_bytes()),
        (true, body),
        (true, b"GET /next HTTP/1.1\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ),
    ]);
    assert_eq!(
        briefs(&rows),
        [
            format!("POST /f 200 {} 0", body.len() + 2),
            "GET /next 200 0 0".into()
        ]
    );
    assert_eq!(note, None);
}
