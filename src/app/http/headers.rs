//! Header blocks: bounded accumulation of the start line and header lines
//! (folded lines joined as Zeek's MIME code joins them), parsing with
//! `httparse`, and the few MIME value helpers Zeek applies to header values.

use std::ops::Range;

/// Most bytes of a header block (start line and header lines).
pub(super) const MAX_BLOCK: usize = 16 * 1024;
/// Most header lines in a block.
pub(super) const MAX_HEADERS: usize = 64;

/// Why a block was refused.
pub(super) struct Limit;

/// A header block being accumulated, normalized to CRLF line ends. The
/// real start line is parsed on its own; the block keeps a canonical one so
/// that `httparse` reads the headers of any start line Zeek accepts.
#[derive(Default)]
pub(super) struct Block {
    buf: Vec<u8>,
    headers: usize,
    start_len: usize,
    used: usize,
}

/// One parsed header: name and value as ranges into the block.
pub(super) struct HeaderRef {
    name: Range<usize>,
    value: Range<usize>,
}

impl Block {
    /// Bytes buffered for the header block.
    pub(super) fn held(&self) -> usize {
        self.buf.capacity()
    }

    /// Holds a start line (with CRLF) for parsing it.
    pub(super) fn load_line(&mut self, line: &[u8]) -> &[u8] {
        self.buf.clear();
        self.buf.extend_from_slice(line);
        self.buf.extend_from_slice(b"\r\n");
        &self.buf
    }

    /// Starts the header block after a start line of `line_len` bytes.
    pub(super) fn start(&mut self, request: bool, line_len: usize) {
        self.buf.clear();
        self.buf.extend_from_slice(if request {
            b"GET / HTTP/1.1\r\n".as_slice()
        } else {
            b"HTTP/1.1 200 OK\r\n".as_slice()
        });
        self.start_len = self.buf.len();
        self.used = line_len.saturating_add(2);
        self.headers = 0;
    }

    /// Bytes still allowed in this block.
    pub(super) fn budget(&self) -> u64 {
        u64::try_from(MAX_BLOCK.saturating_sub(self.used)).unwrap_or(0)
    }

    /// Adds a header line (not the empty line that ends the block).
    pub(super) fn push_line(&mut self, line: &[u8]) -> Result<(), Limit> {
        let lws = line.iter().take_while(|&&c| is_lws(c)).count();
        let content = if lws > 0 && self.headers > 0 {
            // Continuation: Zeek concatenates it to the previous line.
            self.buf.truncate(self.buf.len().saturating_sub(2));
            self.used = self.used.saturating_sub(2);
            line
        } else {
            // A first header line starting with whitespace loses it, as in Zeek.
            let content = line.get(lws..).unwrap_or_default();
            if content.is_empty() {
                return Ok(());
            }
            self.headers = self.headers.saturating_add(1);
            if self.headers > MAX_HEADERS {
                return Err(Limit);
            }
            content
        };
        if self
            .buf
            .len()
            .saturating_add(content.len())
            .saturating_add(2)
            > MAX_BLOCK
        {
            return Err(Limit);
        }
        self.buf.extend_from_slice(content);
        self.buf.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Parses the block with `httparse` (lenient settings). Returns the
    /// header list, or `None` when `httparse` rejects the block.
    pub(super) fn parse(&mut self, request: bool) -> Option<Vec<HeaderRef>> {
        self.buf.extend_from_slice(b"\r\n");
        let mut raw = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut config = httparse::ParserConfig::default();
        config
            .allow_multiple_spaces_in_request_line_delimiters(true)
            .allow_multiple_spaces_in_response_status_delimiters(true)
            .allow_spaces_after_header_name_in_responses(true)
            .ignore_invalid_headers_in_requests(true)
            .ignore_invalid_headers_in_responses(true);
        let status = if request {
            let mut req = httparse::Request::new(&mut raw);
            config.parse_request(&mut req, &self.buf).ok()?
        } else {
            let mut resp = httparse::Response::new(&mut raw);
            config.parse_response(&mut resp, &self.buf).ok()?
        };
        if status.is_partial() {
            return None;
        }
        let base = self.buf.as_ptr() as usize;
        let mut out = Vec::new();
        for h in raw.iter().take_while(|h| !h.name.is_empty()) {
            let name_start = (h.name.as_ptr() as usize).wrapping_sub(base);
            let value_start = (h.value.as_ptr() as usize).wrapping_sub(base);
            let name = name_start..name_start.saturating_add(h.name.len());
            // Zeek keeps trailing whitespace that httparse trims: extend the
            // value to the end of its line.
            let value_end = if h.value.is_empty() {
                value_start
            } else {
                self.buf
                    .get(value_start..)
                    .and_then(|rest| rest.iter().position(|&c| c == b'\r'))
                    .map_or(value_start, |p| value_start.saturating_add(p))
            };
            if self.buf.get(name.clone()).is_some()
                && self.buf.get(value_start..value_end).is_some()
            {
                out.push(HeaderRef {
                    name,
                    value: value_start..value_end,
                });
            }
        }
        Some(out)
    }

    /// Name and value of a parsed header.
    pub(super) fn get(&self, h: &HeaderRef) -> (&[u8], &[u8]) {
        (
            self.buf.get(h.name.clone()).unwrap_or_default(),
            self.buf.get(h.value.clone()).unwrap_or_default(),
        )
    }
}

/// Whether `c` is linear whitespace.
pub(super) fn is_lws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Case-insensitive ASCII equality.
pub(super) fn eq_ci(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// Whether `method` is a case-insensitive prefix of `full` (Zeek compares
/// methods with `strncasecmp` over the method's own length).
pub(super) fn prefix_ci(method: &[u8], full: &str) -> bool {
    !method.is_empty()
        && full
            .as_bytes()
            .get(..method.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(method))
}

/// Skips linear whitespace and parenthesized comments (MIME rules).
pub(super) fn skip_lws_comments(v: &[u8]) -> usize {
    let mut i = 0usize;
    while let Some(&c) = v.get(i) {
        if is_lws(c) {
            i = i.saturating_add(1);
        } else if c == b'(' {
            i = i.saturating_add(skip_comment(v.get(i..).unwrap_or_default()));
        } else {
            return i;
        }
    }
    v.len()
}

/// Length of a parenthesized comment at the start of `v`.
fn skip_comment(v: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&c) = v.get(i) {
        match c {
            b'(' => depth = depth.saturating_add(1),
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i.saturating_add(1);
                }
            }
            b'\\' => i = i.saturating_add(1),
            _ => {}
        }
        i = i.saturating_add(1);
    }
    v.len()
}

/// MIME token character (boundary tokens only exclude `"`).
fn is_token_char(c: u8, boundary: bool) -> bool {
    if !(33..=126).contains(&c) {
        return false;
    }
    if boundary {
        return c != b'"';
    }
    !matches!(
        c,
        b'(' | b')'
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
    )
}

/// Zeek's `MIME_get_token`: the first token of `v` as a range.
pub(super) fn token(v: &[u8], boundary: bool) -> Option<Range<usize>> {
    let mut i = if boundary { 0 } else { skip_lws_comments(v) };
    while let Some(&c) = v.get(i) {
        if is_token_char(c, boundary) {
            let len = v
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&c| is_token_char(c, boundary))
                .count();
            return Some(i..i.saturating_add(len));
        }
        let j = skip_lws_comments(v.get(i..).unwrap_or_default());
        i = i.saturating_add(j.max(1));
    }
    None
}

/// The first token of a header value (Zeek's `get_value_token`).
pub(super) fn value_token(v: &[u8]) -> Option<&[u8]> {
    token(v, false).and_then(|r| v.get(r))
}

/// `std::from_chars` for `i64`: optional `-`, digits of `radix`, stops at the
/// first other byte; `None` without digits or on overflow.
pub(super) fn parse_i64_prefix(s: &[u8], radix: u32) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let mut value: i64 = 0;
    let mut any = false;
    for &c in digits {
        let Some(d) = char::from(c).to_digit(radix) else {
            break;
        };
        any = true;
        value = value.checked_mul(i64::from(radix))?;
        value = if neg {
            value.checked_sub(i64::from(d))?
        } else {
            value.checked_add(i64::from(d))?
        };
    }
    any.then_some(value)
}

/// Zeek's MIME header line split for part headers: field name and value.
pub(super) fn mime_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = skip_lws_comments(line);
    let rest = line.get(start..)?;
    let name_len = rest
        .iter()
        .take_while(|&&c| (33..=126).contains(&c) && c != b':')
        .count();
    if name_len == 0 {
        return None;
    }
    let (name, after) = rest.split_at_checked(name_len)?;
    let after = after.get(skip_lws_comments(after)..)?;
    let value = after.strip_prefix(b":")?;
    let lead = value.iter().take_while(|c| c.is_ascii_whitespace()).count();
    Some((name, value.get(lead..)?))
}

/// Zeek's multipart boundary parameter of a Content-Type value (the text
/// after the type/subtype pair); `None` when absent.
pub(super) fn boundary_param(mut v: &[u8]) -> Option<Vec<u8>> {
    let mut found = None;
    loop {
        let Some(rest) = v
            .get(skip_lws_comments(v)..)
            .and_then(|r| r.strip_prefix(b";"))
        else {
            return found;
        };
        v = rest;
        let Some(attr) = token(v, false) else {
            return found;
        };
        let is_boundary = v.get(attr.clone()).is_some_and(|a| eq_ci(a, "boundary"));
        v = v.get(attr.end..).unwrap_or_default();
        let Some(rest) = v
            .get(skip_lws_comments(v)..)
            .and_then(|r| r.strip_prefix(b"="))
        else {
            continue;
        };
        v = rest;
        let Some((val, used)) = mime_value(v, is_boundary) else {
            continue;
        };
        if is_boundary {
            found = Some(val);
        }
        v = v.get(used..).unwrap_or_default();
    }
}

/// Zeek's `MIME_get_value`: a quoted string (quoted pairs decoded) or a token.
fn mime_value(v: &[u8], boundary: bool) -> Option<(Vec<u8>, usize)> {
    let off = if boundary { 0 } else { skip_lws_comments(v) };
    let rest = v.get(off..)?;
    if rest.first() == Some(&b'"') {
        let mut out = Vec::new();
        let mut i = 1usize;
        while let Some(&c) = rest.get(i) {
            match c {
                b'"' => return Some((out, off.saturating_add(i).saturating_add(1))),
                b'\\' => {
                    i = i.saturating_add(1);
                    if let Some(&q) = rest.get(i) {
                        out.push(q);
                    }
                }
                _ => out.push(c),
            }
            i = i.saturating_add(1);
        }
        return None;
    }
    let r = token(rest, boundary)?;
    Some((rest.get(r.clone())?.to_vec(), off.saturating_add(r.end)))
}

/// Zeek's type/subtype split of a Content-Type value; returns the type and
/// the text after the pair.
pub(super) fn content_type(v: &[u8]) -> Option<(&[u8], &[u8])> {
    let t = token(v, false)?;
    let ty = v.get(t.clone())?;
    let rest = v.get(t.end..)?;
    let rest = rest.get(skip_lws_comments(rest)..)?;
    let rest = rest.strip_prefix(b"/")?;
    let s = token(rest, false)?;
    Some((ty, rest.get(s.end..)?))
}
