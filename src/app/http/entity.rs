//! One HTTP message body, mirroring Zeek's `HTTP_Entity` (top level) with a
//! single level of MIME parts: how long the body is and how it is framed
//! (Content-Length, Content-Range of a 206, chunked, multipart boundaries,
//! until close, or line by line), and Zeek's count of its bytes.

use super::decode::Decoder;
use super::headers::{
    boundary_param, content_type, eq_ci, mime_header, parse_i64_prefix, value_token,
};
use super::lines::LineSplitter;

/// Zeek's `INT_MAX` plain delivery for bodies read until the connection closes.
const UNTIL_CLOSE: i64 = i32::MAX as i64;
/// Stored prefix of body lines (chunk sizes, MIME part headers, boundaries).
pub(super) const BODY_LINE_CAP: usize = 1024;
/// Longest multipart boundary honoured (longer ones make the body plain text).
const MAX_BOUNDARY: usize = 512;

/// Whether the message may have a body (Zeek's `HTTP_BODY_*`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ExpectBody {
    /// HEAD responses, 1xx, 204, 304.
    No,
    /// Requests: a body only with a length or a transfer coding.
    Maybe,
    /// Other responses.
    Yes,
}

/// Chunked transfer state.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chunked {
    None,
    Before,
    Size,
    Data,
    DataCrlf,
    Trailer,
    Finished,
}

/// Content coding that Zeek decompresses before counting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Coding {
    Identity,
    Compressed,
}

/// Top-level MIME type class.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mime {
    Other,
    Multipart,
    Message,
}

/// Result of a delivery.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The message goes on.
    Continue,
    /// The message ended (Zeek's `EndOfData`).
    Done,
}

/// Length information from Content-Length and Content-Range.
#[derive(Clone, Copy)]
struct Lengths {
    content_length: i64,
    range_length: i64,
    partial: bool,
}

impl Lengths {
    /// Nothing declared.
    fn new() -> Self {
        Lengths {
            content_length: -1,
            range_length: -1,
            partial: false,
        }
    }

    /// Zeek's handling of Content-Length and (for 206 replies) Content-Range.
    fn header(&mut self, name: &[u8], value: &[u8], code_206: bool) {
        if eq_ci(name, "content-length") {
            let Some(tok) = value_token(value) else {
                return;
            };
            match parse_i64_prefix(tok, 10) {
                Some(n) if n >= 0 => {
                    self.content_length = n;
                    if self.partial && self.range_length != n {
                        self.content_length = n.max(self.range_length);
                    }
                }
                _ => self.content_length = 0,
            }
        } else if code_206 && eq_ci(name, "content-range") {
            let Some(len) = range_len(value) else {
                return;
            };
            self.partial = true;
            self.range_length = len;
            if self.content_length > 0 {
                self.content_length = self.content_length.max(len);
            } else {
                self.content_length = len;
            }
        }
    }
}

/// Length of a `bytes F-L/N` Content-Range, as Zeek computes it.
fn range_len(value: &[u8]) -> Option<i64> {
    let unit_range = super::headers::token(value, false)?;
    if value.get(unit_range.clone())? != b"bytes" {
        return None;
    }
    let spec: Vec<u8> = value
        .get(unit_range.end..)?
        .iter()
        .copied()
        .filter(|&c| c != b' ')
        .collect();
    let slash = spec.iter().position(|&c| c == b'/')?;
    let range = spec.get(..slash)?;
    let dash = range.iter().position(|&c| c == b'-')?;
    let first = parse_i64_prefix(range.get(..dash)?, 10)?;
    let last = parse_i64_prefix(range.get(dash.saturating_add(1)..)?, 10)?;
    if first < 0 || last < first {
        return None;
    }
    let len = last.checked_sub(first)?.checked_add(1)?;
    (len > 0).then_some(len)
}

/// A MIME part of a multipart (or message/*) body, as far as it matters
/// for the top-level count: its headers, and a length that switches the
/// stream to plain delivery.
struct Part {
    in_header: bool,
    lengths: Lengths,
    compressed: bool,
    expect: i64,
    received: u64,
    ended: bool,
    in_multipart: bool,
}

impl Part {
    /// A part whose headers come next.
    fn new(in_multipart: bool) -> Self {
        Part {
            in_header: true,
            lengths: Lengths::new(),
            compressed: false,
            expect: 0,
            received: 0,
            ended: false,
            in_multipart,
        }
    }

    /// Ends the part (Zeek restores CR/LF line ends after a multipart part).
    fn end(&mut self, lines: &mut LineSplitter) {
        if !self.ended {
            self.ended = true;
            if self.in_multipart {
                lines.crlf_only = false;
            }
        }
    }

    /// Delivers a line or plain bytes to the part.
    fn deliver(&mut self, lines: &mut LineSplitter, line: Option<&[u8]>, len: u64, ctx: PartCtx) {
        if self.ended {
            return;
        }
        if self.in_header {
            let Some(line) = line else { return };
            if len == 0 || line.first() == Some(&0) {
                self.in_header = false;
                if self.in_multipart {
                    lines.crlf_only = true;
                }
                let cl = self.lengths.content_length;
                if cl >= 0 {
                    lines.delivery = cl;
                }
                if cl > 0 {
                    self.expect = cl;
                    lines.plain = u64::try_from(cl).unwrap_or(0);
                } else if cl == 0 {
                    self.end(lines);
                } else if ctx.connection_close || self.compressed {
                    lines.plain = u64::try_from(UNTIL_CLOSE).unwrap_or(0);
                }
            } else if let Some((name, value)) = mime_header(line) {
                self.lengths.header(name, value, ctx.code_206);
                if eq_ci(name, "content-encoding") && value_token(value).is_some_and(is_compressed)
                {
                    self.compressed = true;
                }
            }
            return;
        }
        if line.is_none() && self.lengths.content_length >= 0 {
            self.received = self.received.saturating_add(len);
            self.expect = self
                .expect
                .saturating_sub(i64::try_from(len).unwrap_or(i64::MAX));
            if self.expect <= 0 {
                lines.plain = 0;
                lines.delivery = -1;
                self.end(lines);
            }
        }
    }
}

/// What a part needs to know about its message.
#[derive(Clone, Copy)]
struct PartCtx {
    code_206: bool,
    connection_close: bool,
}

/// Whether a Content-Encoding token is one Zeek decompresses.
fn is_compressed(t: &[u8]) -> bool {
    eq_ci(t, "gzip") || eq_ci(t, "x-gzip") || eq_ci(t, "deflate")
}

/// Zeek's boundary test of a body line.
#[derive(PartialEq, Eq)]
enum BoundaryKind {
    NotBoundary,
    Boundary,
    Closing,
}

/// Checks a line against `--boundary`.
fn boundary_kind(line: &[u8], boundary: &[u8]) -> BoundaryKind {
    let Some(rest) = line.strip_prefix(b"--") else {
        return BoundaryKind::NotBoundary;
    };
    let Some(rest) = rest.strip_prefix(boundary) else {
        return BoundaryKind::NotBoundary;
    };
    if rest.starts_with(b"--") {
        BoundaryKind::Closing
    } else {
        BoundaryKind::Boundary
    }
}

/// The body side of one HTTP message.
pub(super) struct Entity {
    expect_body: ExpectBody,
    lengths: Lengths,
    chunked: Chunked,
    coding: Coding,
    mime: Mime,
    boundary: Option<Vec<u8>>,
    part: Option<Part>,
    expect_data: i64,
    body_length: u64,
    decoder: Option<Box<Decoder>>,
    in_header: bool,
    end_of_data: bool,
    code_206: bool,
    connection_close: bool,
}

impl Entity {
    /// Bytes held by the body's decoder and multipart boundary.
    pub(super) fn held(&self) -> usize {
        let decoder = self.decoder.as_ref().map_or(0, |d| d.held());
        decoder.saturating_add(self.boundary.as_ref().map_or(0, Vec::capacity))
    }

    /// A message whose headers come next.
    pub(super) fn new(expect_body: ExpectBody, code_206: bool) -> Self {
        Entity {
            expect_body,
            lengths: Lengths::new(),
            chunked: Chunked::None,
            coding: Coding::Identity,
            mime: Mime::Other,
            boundary: None,
            part: None,
            expect_data: 0,
            body_length: 0,
            decoder: None,
            in_header: true,
            end_of_data: false,
            code_206,
            connection_close: false,
        }
    }

    /// Zeek's body length so far (after dechunking and decompression).
    pub(super) fn body_length(&self) -> u64 {
        self.body_length
    }

    /// Processes one header of the top-level block. `http11` is the version
    /// Zeek checks before honouring `chunked`.
    pub(super) fn header(&mut self, name: &[u8], value: &[u8], http11: bool) {
        if eq_ci(name, "content-length") || eq_ci(name, "content-range") {
            self.lengths.header(name, value, self.code_206);
        } else if eq_ci(name, "transfer-encoding") {
            if http11 && value_token(value).is_some_and(|t| eq_ci(t, "chunked")) {
                self.chunked = Chunked::Before;
            }
        } else if eq_ci(name, "content-encoding") {
            if value_token(value).is_some_and(is_compressed) {
                self.coding = Coding::Compressed;
            }
        } else if eq_ci(name, "content-type")
            && let Some((ty, params)) = content_type(value)
        {
            self.mime = if eq_ci(ty, "multipart") {
                Mime::Multipart
            } else if eq_ci(ty, "message") {
                Mime::Message
            } else {
                Mime::Other
            };
            if self.mime == Mime::Multipart
                && let Some(b) = boundary_param(params)
            {
                self.boundary = Some(b);
            }
            if self.mime == Mime::Multipart
                && self
                    .boundary
                    .as_ref()
                    .is_none_or(|b| b.len() > MAX_BOUNDARY)
            {
                self.mime = Mime::Other;
            }
        }
    }

    /// Zeek's `SubmitAllHeaders` for the top level: picks the body framing.
    pub(super) fn headers_done(
        &mut self,
        lines: &mut LineSplitter,
        connection_close: bool,
    ) -> Outcome {
        self.in_header = false;
        self.connection_close = connection_close;
        lines.set_cap(
            BODY_LINE_CAP.max(
                self.boundary
                    .as_ref()
                    .map_or(0, |b| b.len().saturating_add(4)),
            ),
        );
        let cl = self.lengths.content_length;
        if cl >= 0 {
            lines.delivery = cl;
        }
        if self.expect_body == ExpectBody::No {
            return self.end_of_data(lines);
        }
        if self.mime != Mime::Other {
            if cl == 0 {
                return self.end_of_data(lines);
            }
            if cl > 0 {
                self.expect_data = cl;
            }
            if self.mime == Mime::Message {
                self.part = Some(Part::new(false));
            }
        } else if self.chunked != Chunked::None {
            self.chunked = Chunked::Size;
        } else if cl >= 0 {
            if cl == 0 {
                return self.end_of_data(lines);
            }
            self.expect_data = cl;
            lines.plain = u64::try_from(cl).unwrap_or(0);
        } else if connection_close || self.coding == Coding::Compressed {
            self.expect_data = UNTIL_CLOSE;
            lines.plain = u64::try_from(UNTIL_CLOSE).unwrap_or(0);
        } else if self.expect_body != ExpectBody::Yes {
            return self.end_of_data(lines);
        }
        Outcome::Continue
    }

    /// Zeek's `EndOfData`: ends the message (and an open part).
    pub(super) fn end_of_data(&mut self, lines: &mut LineSplitter) -> Outcome {
        if !self.end_of_data {
            self.end_of_data = true;
            if let Some(p) = self.part.as_mut() {
                p.end(lines);
            }
            self.part = None;
            self.decoder = None;
            lines.crlf_only = false;
        }
        Outcome::Done
    }

    /// Counts body bytes (through the decoder for compressed plain data).
    fn count(&mut self, data: Option<&[u8]>, len: u64, line: bool) {
        let add = match data {
            Some(bytes) if self.coding == Coding::Compressed => self
                .decoder
                .get_or_insert_with(|| Box::new(Decoder::new()))
                .feed(bytes),
            _ if line => len.saturating_add(2),
            _ => len,
        };
        self.body_length = self.body_length.saturating_add(add);
    }

    /// Delivers a body line (`line` is its stored prefix, `len` its length).
    pub(super) fn deliver_line(
        &mut self,
        lines: &mut LineSplitter,
        line: &[u8],
        len: u64,
    ) -> Outcome {
        if self.end_of_data {
            return Outcome::Continue;
        }
        if self.in_header {
            // Chunked trailer lines.
            if len == 0 || line.first() == Some(&0) {
                self.in_header = false;
                self.chunked = Chunked::Finished;
                return self.end_of_data(lines);
            }
            return Outcome::Continue;
        }
        if self.mime != Mime::Other {
            self.count(None, len, true);
            return self.mime_data(lines, line, len, true);
        }
        match self.chunked {
            Chunked::None if self.lengths.content_length >= 0 => {
                // Zeek asserts lines cannot reach a Content-Length body and
                // treats them as plain bytes if they do.
                self.count(None, len, false);
                self.expect_data = self
                    .expect_data
                    .saturating_sub(i64::try_from(len).unwrap_or(i64::MAX));
                if self.expect_data <= 0 {
                    lines.plain = 0;
                    lines.delivery = -1;
                    return self.end_of_data(lines);
                }
                Outcome::Continue
            }
            Chunked::None => {
                self.count(None, len, true);
                Outcome::Continue
            }
            Chunked::Size => {
                self.expect_data = parse_i64_prefix(line, 16).unwrap_or(0);
                if self.expect_data > 0 {
                    self.chunked = Chunked::Data;
                    lines.plain = u64::try_from(self.expect_data).unwrap_or(0);
                } else {
                    self.in_header = true;
                    self.chunked = Chunked::Trailer;
                }
                Outcome::Continue
            }
            Chunked::DataCrlf => {
                self.chunked = Chunked::Size;
                Outcome::Continue
            }
            Chunked::Before | Chunked::Data | Chunked::Trailer | Chunked::Finished => {
                Outcome::Continue
            }
        }
    }

    /// Delivers bytes handed over without line splitting.
    pub(super) fn deliver_plain(&mut self, lines: &mut LineSplitter, data: &[u8]) -> Outcome {
        if self.end_of_data || self.in_header {
            return Outcome::Continue;
        }
        let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
        let ilen = i64::try_from(data.len()).unwrap_or(i64::MAX);
        if self.mime != Mime::Other {
            self.count(None, len, false);
            return self.mime_data(lines, data, len, false);
        }
        if self.chunked == Chunked::Data {
            self.expect_data = self.expect_data.saturating_sub(ilen);
            if self.expect_data <= 0 {
                lines.plain = 0;
                self.chunked = Chunked::DataCrlf;
            }
            self.count(Some(data), len, false);
            return Outcome::Continue;
        }
        if self.chunked != Chunked::None {
            return Outcome::Continue;
        }
        self.count(Some(data), len, false);
        if self.lengths.content_length >= 0 {
            self.expect_data = self.expect_data.saturating_sub(ilen);
            if self.expect_data <= 0 {
                lines.plain = 0;
                lines.delivery = -1;
                return self.end_of_data(lines);
            }
        }
        Outcome::Continue
    }

    /// MIME processing of a multipart or message body delivery, then the
    /// top-level Content-Length bound.
    fn mime_data(
        &mut self,
        lines: &mut LineSplitter,
        data: &[u8],
        len: u64,
        is_line: bool,
    ) -> Outcome {
        let mut outcome = Outcome::Continue;
        let kind = match (self.mime, self.boundary.as_deref()) {
            (Mime::Multipart, Some(b)) => boundary_kind(data, b),
            _ => BoundaryKind::NotBoundary,
        };
        let line = is_line.then_some(data);
        let ctx = PartCtx {
            code_206: self.code_206,
            connection_close: self.connection_close,
        };
        match kind {
            BoundaryKind::Boundary => {
                if let Some(p) = self.part.as_mut() {
                    p.end(lines);
                }
                self.part = Some(Part::new(true));
            }
            BoundaryKind::Closing => {
                outcome = self.end_of_data(lines);
            }
            BoundaryKind::NotBoundary => {
                if let Some(p) = self.part.as_mut() {
                    p.deliver(lines, line, len, ctx);
                }
            }
        }
        if self.lengths.content_length > 0 {
            let used = if line.is_some() {
                len.saturating_add(2)
            } else {
                len
            };
            self.expect_data = self
                .expect_data
                .saturating_sub(i64::try_from(used).unwrap_or(i64::MAX));
            if self.expect_data <= 0 {
                lines.plain = 0;
                outcome = self.end_of_data(lines);
            }
        }
        outcome
    }

    /// Zeek's `HTTP_Entity::Undelivered`: whether a gap of `len` bytes lies
    /// inside the body (then it is counted and parsing goes on).
    pub(super) fn gap(&mut self, lines: &mut LineSplitter, len: u64) -> Option<Outcome> {
        if (self.end_of_data && self.in_header) || self.body_length == 0 {
            return None;
        }
        let ilen = i64::try_from(len).ok()?;
        if self.mime != Mime::Other {
            if let Some(p) = self.part.as_mut().filter(|p| !p.ended) {
                if p.in_header || p.lengths.content_length < 0 || p.received == 0 || p.expect < ilen
                {
                    return None;
                }
                p.expect = p.expect.saturating_sub(ilen);
                lines.plain = u64::try_from(p.expect).unwrap_or(0);
                if p.expect <= 0 {
                    p.end(lines);
                }
                return Some(Outcome::Continue);
            }
            if self.chunked != Chunked::None {
                return None;
            }
        }
        if self.chunked != Chunked::None {
            if self.chunked != Chunked::Data || self.expect_data < ilen {
                return None;
            }
            self.body_length = self.body_length.saturating_add(len);
            self.expect_data = self.expect_data.saturating_sub(ilen);
            lines.plain = u64::try_from(self.expect_data).unwrap_or(0);
            if self.expect_data == 0 {
                self.chunked = Chunked::DataCrlf;
            }
            return Some(Outcome::Continue);
        }
        if self.lengths.content_length < 0 || self.expect_data < ilen {
            return None;
        }
        self.body_length = self.body_length.saturating_add(len);
        self.expect_data = self.expect_data.saturating_sub(ilen);
        lines.plain = u64::try_from(self.expect_data).unwrap_or(0);
        if self.expect_data <= 0 {
            return Some(self.end_of_data(lines));
        }
        Some(Outcome::Continue)
    }
}
