//! TLS over TCP: records spanning TCP segments, handshake messages spanning records.

use super::sniff::MAX_RECORD;
use super::{HandshakeStream, Hello, MAX_BUFFER, Transport, sslv2};

/// TLS over TCP: one direction's in-order byte stream, record layer included, fed in chunks;
/// handshake messages may span records and records may span chunks. Stops (`done()`) after
/// its hello, at ChangeCipherSpec / application data / alert, or on garbage (with a note);
/// buffers at most MAX_BUFFER bytes. Also reads an SSLv2 CLIENT-HELLO / SERVER-HELLO.
pub struct TlsStream {
    started: bool,
    header: [u8; 5],
    header_len: usize,
    record_left: usize,
    sslv2: Option<(Vec<u8>, usize)>,
    hs: HandshakeStream,
    done: bool,
    note: Option<&'static str>,
}

impl Default for TlsStream {
    fn default() -> Self {
        Self::new()
    }
}

impl TlsStream {
    /// Bytes buffered for records or handshake messages spanning chunks.
    pub fn held(&self) -> usize {
        self.hs.held() + self.sslv2.as_ref().map_or(0, |(b, _)| b.capacity())
    }

    /// A new stream, before its first byte.
    pub fn new() -> Self {
        Self {
            started: false,
            header: [0; 5],
            header_len: 0,
            record_left: 0,
            sslv2: None,
            hs: HandshakeStream::new(Transport::Tcp),
            done: false,
            note: None,
        }
    }

    /// Feeds the next in-order payload bytes; returns the hello once it is complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Option<Hello> {
        let mut rest = bytes;
        while !rest.is_empty() && !self.done {
            if let Some((buf, total)) = &mut self.sslv2 {
                let n = total.saturating_sub(buf.len()).min(rest.len());
                let (head, tail) = rest.split_at(n);
                buf.extend_from_slice(head);
                rest = tail;
                if buf.len() >= *total {
                    let parsed = sslv2::parse(buf);
                    self.sslv2 = None;
                    return self.finish(parsed.map_err(|e| e.0));
                }
            } else if self.record_left == 0 {
                let n = 5usize.saturating_sub(self.header_len).min(rest.len());
                let (head, tail) = rest.split_at(n);
                let end = self.header_len.saturating_add(n);
                if let Some(dst) = self.header.get_mut(self.header_len..end) {
                    dst.copy_from_slice(head);
                }
                self.header_len = end;
                rest = tail;
                if self.header_len >= 5 {
                    self.header_len = 0;
                    self.start_record();
                }
            } else {
                let n = self.record_left.min(rest.len());
                let (head, tail) = rest.split_at(n);
                rest = tail;
                self.record_left = self.record_left.saturating_sub(n);
                let hello = self.hs.feed(head).into_iter().next();
                if let Some(h) = hello {
                    return self.finish(Ok(h));
                }
                if self.hs.done() {
                    self.stop(self.hs.note());
                }
            }
        }
        None
    }

    /// True once the stream stopped; later bytes are ignored.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Why the stream stopped early ("tls_bad_record", "tls_buffer_limit", ...), if it did.
    pub fn note(&self) -> Option<&'static str> {
        self.note
    }

    /// Stops, with an optional note.
    fn stop(&mut self, note: Option<&'static str>) {
        self.done = true;
        self.note = note;
        self.sslv2 = None;
    }

    /// Ends the stream with its hello, or with the note why the hello was bad.
    fn finish(&mut self, hello: Result<Hello, &'static str>) -> Option<Hello> {
        match hello {
            Ok(h) => {
                self.stop(None);
                Some(h)
            }
            Err(note) => {
                self.stop(Some(note));
                None
            }
        }
    }

    /// A 5-byte record header (or the first 5 bytes of an SSLv2 record) is complete.
    fn start_record(&mut self) {
        let first = !std::mem::replace(&mut self.started, true);
        if let Some(total) = sslv2::record_len(&self.header).filter(|_| first) {
            if total > MAX_BUFFER {
                self.stop(Some("tls_buffer_limit"));
            } else {
                let mut buf = Vec::with_capacity(total);
                buf.extend_from_slice(&self.header);
                self.sslv2 = Some((buf, total));
            }
            return;
        }
        let Ok((_, hdr)) = tls_parser::parse_tls_record_header(&self.header) else {
            self.stop(Some("tls_bad_record"));
            return;
        };
        let len = usize::from(hdr.len);
        let [major, minor] = hdr.version.0.to_be_bytes();
        if major != 3 || minor > 4 || len > MAX_RECORD {
            self.stop(Some("tls_bad_record"));
            return;
        }
        match hdr.record_type.0 {
            22 => self.record_left = len,
            20 | 21 | 23 => self.stop(None),
            _ => self.stop(Some("tls_bad_record")),
        }
    }
}
