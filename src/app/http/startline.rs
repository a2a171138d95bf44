//! Request and status lines: parsed with `httparse`, and with Zeek's more
//! lenient rules (`HTTP_RequestLine`, `HTTP_ReplyLine`) when `httparse`
//! refuses a line Zeek accepts. The reason phrase is read as Zeek reads it.

use super::headers::is_lws;

/// A parsed request line.
pub(super) struct RequestLine {
    /// Method bytes.
    pub(super) method: Vec<u8>,
    /// Raw URI bytes.
    pub(super) uri: Vec<u8>,
    /// (major, minor) when a version was read.
    pub(super) version: Option<(u8, u8)>,
}

/// A parsed status line.
pub(super) struct StatusLine {
    /// (major, minor); (0, 0) when Zeek could not read it.
    pub(super) version: (u8, u8),
    /// Status code (0 when not three digits, as Zeek).
    pub(super) code: u16,
    /// Reason phrase; `None` when the line has none.
    pub(super) reason: Option<Vec<u8>>,
}

/// Parses a request line (given with its CRLF) with `httparse`, or with
/// Zeek's more lenient rules when `httparse` refuses it. A line without a
/// version is HTTP/0.9, as Zeek reads it.
pub(super) fn parse_request_line(line_crlf: &[u8]) -> Option<RequestLine> {
    let mut none: [httparse::Header<'_>; 0] = [];
    let mut req = httparse::Request::new(&mut none);
    let mut config = httparse::ParserConfig::default();
    config.allow_multiple_spaces_in_request_line_delimiters(true);
    if let (Ok(_) | Err(httparse::Error::TooManyHeaders), Some(m), Some(p), Some(v)) = (
        config.parse_request(&mut req, line_crlf),
        req.method,
        req.path,
        req.version,
    ) {
        return Some(RequestLine {
            method: m.as_bytes().to_vec(),
            uri: p.as_bytes().to_vec(),
            version: Some((1, v)),
        });
    }
    zeek_request_line(line_crlf.strip_suffix(b"\r\n").unwrap_or(line_crlf))
}

/// Zeek's `is_HTTP_token_char`.
fn is_http_token(c: u8) -> bool {
    (32..127).contains(&c)
        && !matches!(
            c,
            b' ' | b'\t'
                | b'('
                | b')'
                | b'<'
                | b'>'
                | b'@'
                | b','
                | b';'
                | b':'
                | b'\\'
                | b'"'
                | b'/'
                | b'['
                | b']'
                | b'?'
                | b'='
                | b'{'
                | b'}'
        )
}

/// Zeek's URI characters (RFC 3986 reserved and unreserved, and `%`).
fn is_uri_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b":/?#[]@!$&'()*+,;=-_.~%".contains(&c)
}

/// Whether `s` starts with "HTTP/" (any case, as Zeek falls back to).
fn http_prefix(s: &[u8]) -> bool {
    s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case(b"HTTP/"))
}

/// Zeek's `HTTP_Version`: `d.d`.
fn zeek_version(s: &[u8]) -> Option<(u8, u8)> {
    match s {
        [a, b'.', b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some((a.wrapping_sub(b'0'), b.wrapping_sub(b'0')))
        }
        _ => None,
    }
}

/// Number of leading spaces and tabs.
fn lws_len(s: &[u8]) -> usize {
    s.iter().take_while(|&&c| is_lws(c)).count()
}

/// Zeek's `HTTP_RequestLine` and `ParseRequest`.
fn zeek_request_line(line: &[u8]) -> Option<RequestLine> {
    let mlen = line.iter().take_while(|&&c| is_http_token(c)).count();
    let (method, after) = line.split_at_checked(mlen)?;
    let ws = lws_len(after);
    if mlen == 0 || ws == 0 {
        return None;
    }
    let rest = after.get(ws..)?;
    let mut end_of_uri = rest.iter().take_while(|&&c| is_uri_char(c)).count();
    if end_of_uri >= rest.len() && http_prefix(rest) {
        end_of_uri = 0;
    }
    let mut vs = end_of_uri;
    let mut found = None;
    while vs < rest.len() {
        end_of_uri = vs;
        vs = vs.saturating_add(lws_len(rest.get(vs..)?));
        if http_prefix(rest.get(vs..)?) {
            found = Some(vs);
            break;
        }
        vs = vs.saturating_add(1);
    }
    let Some(vs) = found else {
        // Without a version this is HTTP/0.9: Zeek asks for a method of at least three
        // characters (0.9 has only GET) and a URI, else it is not HTTP.
        let uri = rest.get(..end_of_uri)?;
        if mlen < 3 || uri.is_empty() {
            return None;
        }
        return Some(RequestLine {
            method: method.to_vec(),
            uri: uri.to_vec(),
            version: Some((0, 9)),
        });
    };
    let after_version = rest.get(vs.saturating_add(5)..)?;
    let version = if after_version.len() >= 3 {
        zeek_version(after_version)
    } else {
        None
    };
    Some(RequestLine {
        method: method.to_vec(),
        uri: rest.get(..end_of_uri)?.to_vec(),
        version,
    })
}

/// Parses a status line (given with its CRLF) with `httparse`, or with
/// Zeek's rules when `httparse` refuses it. The reason phrase is always read
/// as Zeek reads it.
pub(super) fn parse_status_line(line_crlf: &[u8]) -> Option<StatusLine> {
    let line = line_crlf.strip_suffix(b"\r\n").unwrap_or(line_crlf);
    if !http_prefix(line) {
        return None;
    }
    let mut none: [httparse::Header<'_>; 0] = [];
    let mut resp = httparse::Response::new(&mut none);
    let mut config = httparse::ParserConfig::default();
    config.allow_multiple_spaces_in_response_status_delimiters(true);
    let reason = zeek_reason(line).map(<[u8]>::to_vec);
    if let (Ok(_) | Err(httparse::Error::TooManyHeaders), Some(v), Some(code)) = (
        config.parse_response(&mut resp, line_crlf),
        resp.version,
        resp.code,
    ) {
        return Some(StatusLine {
            version: (1, v),
            code,
            reason,
        });
    }
    // Zeek: "HTTP/", a version, whitespace, three characters.
    let after = line.get(5..)?;
    let version = zeek_version(after).unwrap_or((0, 0));
    let gap = after.iter().position(|&c| is_lws(c))?;
    let rest = after.get(gap..)?;
    let code_at = rest.get(lws_len(rest)..)?;
    let digits = code_at.get(..3)?;
    let code = if digits.iter().all(u8::is_ascii_digit) {
        digits.iter().fold(0u16, |n, &d| {
            n.wrapping_mul(10)
                .wrapping_add(u16::from(d.wrapping_sub(b'0')))
        })
    } else {
        0
    };
    Some(StatusLine {
        version,
        code,
        reason,
    })
}

/// Zeek's `HTTP_ReplyLine` reading of the reason phrase: after the code,
/// skip to whitespace, skip it, the rest of the line.
fn zeek_reason(line: &[u8]) -> Option<&[u8]> {
    let after_version = line.iter().position(|&c| is_lws(c))?;
    let rest = line.get(after_version..)?;
    let code_at = lws_len(rest);
    let after_code = rest.get(code_at.saturating_add(3)..)?;
    let gap = after_code.iter().position(|&c| is_lws(c))?;
    let reason = after_code.get(gap..)?;
    let start = reason
        .iter()
        .position(|&c| !is_lws(c))
        .unwrap_or(reason.len());
    reason.get(start..)
}
