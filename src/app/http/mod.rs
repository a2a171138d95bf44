//! HTTP/1.x connection parser producing Zeek `http.log` rows.
//!
//! [`HttpConn`] is fed the two in-order byte streams of one TCP connection
//! and emulates Zeek's HTTP analyzer (request/status lines, headers, body
//! framing and Zeek's body byte count) and the pairing logic of Zeek's
//! `http/main.zeek` script (pipelining, 1xx interim replies). Start lines
//! and header blocks are parsed with `httparse` (start lines it refuses are
//! read with Zeek's more lenient rules). Memory per connection is
//! bounded: header blocks and lines of at most 16 KiB per direction, bodies
//! are only counted (a gzip/deflate body holds one inflate window while it
//! is read), at most 64 pending transactions.

#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects
    )
)]

mod conn;
mod decode;
mod entity;
mod headers;
mod lines;
mod startline;
mod text;
mod tracker;

#[cfg(test)]
mod test_payloads;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_real;
#[cfg(test)]
mod tests_robust;
#[cfg(test)]
mod tests_start_lines;

pub use conn::HttpConn;

/// One row of Zeek's `http.log` (the columns this parser fills). Strings are
/// rendered as Zeek's log writer prints them (non-printable bytes as `\xNN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTx {
    /// Time (ns since the epoch) of the segment that completed the request
    /// line, or the status line when no request was seen (as Zeek).
    pub ts: i64,
    /// Request method.
    pub method: Option<String>,
    /// Value of the last Host header of the request.
    pub host: Option<String>,
    /// Request URI after Zeek's %-unescaping.
    pub uri: Option<String>,
    /// HTTP version of the reply, e.g. "1.1" (Zeek takes it from the reply).
    pub version: Option<String>,
    /// Value of the last User-Agent header of the request.
    pub user_agent: Option<String>,
    /// Request body bytes as Zeek counts them (after dechunking and
    /// gzip/deflate decompression).
    pub request_body_len: u64,
    /// Response body bytes as Zeek counts them (after dechunking and
    /// gzip/deflate decompression).
    pub response_body_len: u64,
    /// Final status code (or the 1xx code when no final reply came).
    pub status_code: Option<u16>,
    /// Reason phrase of that status ("<empty>" when the line had none).
    pub status_msg: Option<String>,
    /// Code of the last 1xx interim reply.
    pub info_code: Option<u16>,
    /// Reason phrase of the last 1xx interim reply.
    pub info_msg: Option<String>,
}

impl HttpTx {
    /// An empty record created at `ts`.
    fn new(ts: i64) -> Self {
        HttpTx {
            ts,
            method: None,
            host: None,
            uri: None,
            version: None,
            user_agent: None,
            request_body_len: 0,
            response_body_len: 0,
            status_code: None,
            status_msg: None,
            info_code: None,
            info_msg: None,
        }
    }
}

/// Methods of Zeek's HTTP DPD signature.
const DPD_METHODS: &[&str] = &[
    "OPTIONS",
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "QUERY",
    "ACL",
    "BASELINE-CONTROL",
    "BIND",
    "CHECKIN",
    "CHECKOUT",
    "CONNECT",
    "COPY",
    "LABEL",
    "LINK",
    "LOCK",
    "MERGE",
    "MKACTIVITY",
    "MKCALENDAR",
    "MKCOL",
    "MKREDIRECTREF",
    "MOVE",
    "ORDERPATCH",
    "PATCH",
    "PROPFIND",
    "PROPPATCH",
    "REBIND",
    "REPORT",
    "SEARCH",
    "TRACE",
    "UNBIND",
    "UNCHECKOUT",
    "UNLINK",
    "UNLOCK",
    "UPDATE",
    "VERSION-CONTROL",
    "BCOPY",
    "BDELETE",
    "BMOVE",
    "BPROPFIND",
    "BPROPPATCH",
    "NOTIFY",
    "POLL",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "X-MS-ENUMATTS",
    "MKWORKSPACE",
    "RPC_IN_DATA",
    "RPC_OUT_DATA",
];

/// Whether the first client bytes start like an HTTP request: optional
/// whitespace, a method of Zeek's DPD signature, then a space or tab.
pub fn looks_like_request(first: &[u8]) -> bool {
    let lead = first.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let rest = first.get(lead..).unwrap_or_default();
    DPD_METHODS.iter().any(|m| {
        rest.strip_prefix(m.as_bytes())
            .and_then(|r| r.first())
            .is_some_and(|&c| c == b' ' || c == b'\t')
    })
}

/// Whether the first server bytes start like an HTTP reply: "HTTP/" (any
/// case) and a digit, as Zeek's DPD signature.
pub fn looks_like_response(first: &[u8]) -> bool {
    first
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"HTTP/"))
        && first.get(5).is_some_and(u8::is_ascii_digit)
}
