//! Start lines: what is a request or a status line (Zeek's lenient rules beside
//! httparse's), HTTP/0.9, and bytes that are not HTTP at all.

use super::tests::{briefs, run};
use super::{HttpConn, looks_like_request, looks_like_response};

#[test]
fn not_http_at_all() {
    // (A banner with a space, "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3", would be an HTTP/0.9
    // request line to Zeek's rules too: a token, a space and URI characters. Only streams
    // recognised as HTTP reach this parser.)
    let mut c = HttpConn::new();
    c.request_data(1, b"SSH-2.0-OpenSSH_8.9p1\r\n");
    c.response_data(2, b"SSH-2.0-OpenSSH_8.2\r\n");
    c.request_data(3, &[0u8, 1, 2, 3, 0xff, b'\n', b'\r']);
    assert!(!c.is_http());
    assert_eq!(c.note(), Some("http_bad_request"));
    assert!(c.finish().is_empty());
    // Binary data without a line end.
    let mut c = HttpConn::new();
    c.request_data(1, &[0x16, 0x03, 0x01, 0x00, 0xa5, 0x01]);
    assert!(!c.is_http());
    assert!(c.finish().is_empty());
}

#[test]
fn is_http_early() {
    let mut c = HttpConn::new();
    c.request_data(1, b"GET /index.ht");
    assert!(c.is_http());
    let mut c = HttpConn::new();
    c.request_data(1, b"GE");
    assert!(!c.is_http());
}

#[test]
fn reply_without_request() {
    let (rows, _) = run(&[(false, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")]);
    assert_eq!(briefs(&rows), ["- - 200 0 2"]);
    assert_eq!(rows[0].ts, 1000);
}

#[test]
fn missing_reason_phrase() {
    let (rows, _) = run(&[
        (true, b"GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\nHTTP/1.0 404 \r\nContent-Length: 0\r\n\r\n",
        ),
    ]);
    assert_eq!(rows[0].status_msg.as_deref(), Some("<empty>"));
    assert_eq!(rows[1].status_msg.as_deref(), Some(""));
    assert_eq!(rows[1].version.as_deref(), Some("1.0"));
}

#[test]
fn start_line_detection() {
    assert!(looks_like_request(b"GET / HTTP/1.1\r\n"));
    assert!(looks_like_request(b"\r\nPOST /x HTTP/1.0"));
    assert!(!looks_like_request(b"GETX / HTTP/1.1"));
    assert!(!looks_like_request(b"get / HTTP/1.1"));
    assert!(!looks_like_request(b"SSH-2.0-x"));
    assert!(!looks_like_request(b""));
    assert!(looks_like_response(b"HTTP/1.1 200 OK"));
    assert!(looks_like_response(b"http/1.0 200 OK"));
    assert!(!looks_like_response(b"HTTP/x"));
    assert!(!looks_like_response(b"HTTP"));
}

#[test]
fn leading_empty_lines_are_skipped() {
    let (rows, note) = run(&[
        (true, b"\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
        (false, b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ]);
    assert_eq!(briefs(&rows), ["GET / 200 0 0"]);
    assert_eq!(note, None);
}

#[test]
fn bad_reply_line_stops_replies() {
    let (rows, note) = run(&[
        (true, b"GET / HTTP/1.1\r\n\r\n"),
        (false, b"garbage here\r\n"),
    ]);
    assert_eq!(briefs(&rows), ["GET / - 0 0"]);
    assert_eq!(note, Some("http_bad_reply"));
}

#[test]
fn request_lines_httparse_refuses_but_zeek_accepts() {
    let (rows, note) = run(&[
        (true, b"CONNECT mail.example:25 / HTTP/1.0\r\n\r\n"),
        (false, b"HTTP/1.0 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
        (true, b"GET /a b HTTP/1.1\r\n\r\nOPTIONS HTTP/1.1\r\n\r\nGET / HTTP/1.\r\n\r\n"),
        (
            false,
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ),
    ]);
    assert_eq!(
        briefs(&rows),
        [
            "CONNECT mail.example:25 / 403 0 0",
            "GET /a b 200 0 0",
            "OPTIONS  200 0 0",
            "GET / 200 0 0"
        ]
    );
    assert_eq!(note, None);
}

#[test]
fn http_09_request_gets_the_bare_reply_until_close() {
    // Zeek's http_09 btest: no version on the request line, no status line in the reply:
    // the reply is version 0.9, code 0, reason "<empty>", its body everything sent.
    let (rows, note) = run(&[
        (true, b"GET /zeek.html\r\n"),
        (false, b"<html>\n  The Zeek"),
        (false, b" Network Security Monitor\n</html>\n"),
    ]);
    assert_eq!(briefs(&rows), ["GET /zeek.html 0 0 51"]);
    assert_eq!(rows[0].version.as_deref(), Some("0.9"));
    assert_eq!(rows[0].status_msg.as_deref(), Some("<empty>"));
    assert_eq!(note, None);
}

#[test]
fn http_09_needs_a_method_of_three_letters_and_a_uri() {
    for line in [&b"GET \r\n"[..], b"T /zeek.html\r\n"] {
        let (rows, note) = run(&[(true, line), (false, b"bad request\n")]);
        assert!(rows.is_empty(), "{:?}", String::from_utf8_lossy(line));
        assert_eq!(note, Some("http_bad_request"));
    }
}

#[test]
fn http_09_request_after_a_reply_ends_that_reply() {
    // Zeek's http-09-content-length-confusion btest: a 1.1 reply before any request is
    // cut short by a 0.9 request, and what follows is the 0.9 reply's body.
    let (rows, note) = run(&[
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"),
        (true, b"GET /\r\n"),
        (false, b"0123456789abcdefghi"),
    ]);
    assert_eq!(briefs(&rows), ["- - 200 0 0", "GET / 0 0 19"]);
    assert_eq!(note, Some("http_09_reply_before_request"));
}
