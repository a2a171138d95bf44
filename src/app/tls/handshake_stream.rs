//! Handshake messages spanning chunks (QUIC CRYPTO bytes, TLS or DTLS record payloads). Only
//! hello bodies are buffered (at most MAX_BUFFER bytes); other messages are skipped.

use super::{Hello, MAX_BUFFER, Transport, hello::parse_hello};

/// Most hellos one HandshakeStream reports (a ClientHello, a second one after a
/// HelloRetryRequest, and some slack).
const MAX_HELLOS: usize = 4;

/// Where a HandshakeStream is within the current message.
#[derive(Clone, Copy)]
enum State {
    /// Reading the message header.
    Header,
    /// Reading (keep: buffering, else skipping) the rest of a message body.
    Body {
        kind: u8,
        remaining: usize,
        keep: bool,
    },
}

/// A stream of handshake messages (QUIC CRYPTO bytes in order, or TLS/DTLS handshake record
/// payloads), fed in chunks; messages may span chunks. Stops at a malformed hello, an
/// unknown message type, a hello over MAX_BUFFER bytes, a fragmented DTLS hello, or after
/// four hellos, with a note.
pub struct HandshakeStream {
    transport: Transport,
    header: [u8; 12],
    header_len: usize,
    state: State,
    body: Vec<u8>,
    hellos: usize,
    done: bool,
    note: Option<&'static str>,
}

/// Reads a big-endian 24-bit integer at `at` of a header.
fn be24(h: &[u8], at: usize) -> usize {
    match h.get(at..at.saturating_add(3)) {
        Some(&[a, b, c]) => usize::try_from(u32::from_be_bytes([0, a, b, c])).unwrap_or(usize::MAX),
        _ => 0,
    }
}

/// Handshake message types of TLS 1.0-1.3 and DTLS (RFC 8446, 6347, 9147 and Zeek's list).
fn known_type(kind: u8) -> bool {
    matches!(kind, 0..=6 | 8 | 11..=16 | 20..=26 | 254)
}

impl HandshakeStream {
    /// Bytes buffered for a message spanning chunks.
    pub fn held(&self) -> usize {
        self.body.capacity()
    }

    /// A new stream; `transport` decides the header size (12 bytes for DTLS, else 4) and
    /// JA4's first letter.
    pub fn new(transport: Transport) -> Self {
        Self {
            transport,
            header: [0; 12],
            header_len: 0,
            state: State::Header,
            body: Vec::new(),
            hellos: 0,
            done: false,
            note: None,
        }
    }

    /// Feeds the next bytes; returns the hellos completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Hello> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() && !self.done {
            match self.state {
                State::Header => {
                    let size = self.header_size();
                    let n = size.saturating_sub(self.header_len).min(rest.len());
                    let (head, tail) = rest.split_at(n);
                    let end = self.header_len.saturating_add(n);
                    if let Some(dst) = self.header.get_mut(self.header_len..end) {
                        dst.copy_from_slice(head);
                    }
                    self.header_len = end;
                    rest = tail;
                    if self.header_len >= size {
                        self.header_len = 0;
                        self.start_message(&mut out);
                    }
                }
                State::Body {
                    kind,
                    remaining,
                    keep,
                } => {
                    let n = remaining.min(rest.len());
                    let (head, tail) = rest.split_at(n);
                    if keep {
                        self.body.extend_from_slice(head);
                    }
                    rest = tail;
                    let left = remaining.saturating_sub(n);
                    if left == 0 {
                        self.finish(kind, keep, &mut out);
                    } else {
                        self.state = State::Body {
                            kind,
                            remaining: left,
                            keep,
                        };
                    }
                }
            }
        }
        out
    }

    /// True once the stream stopped (garbage or a bound); later bytes are ignored.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Why the stream stopped early, if it did.
    pub fn note(&self) -> Option<&'static str> {
        self.note
    }

    /// Bytes in a handshake message header.
    fn header_size(&self) -> usize {
        if self.transport == Transport::Dtls {
            12
        } else {
            4
        }
    }

    /// Stops with a note.
    fn stop(&mut self, note: &'static str) {
        self.done = true;
        self.note = Some(note);
        self.body = Vec::new();
    }

    /// A header is complete: decide whether to buffer or skip the body.
    fn start_message(&mut self, out: &mut Vec<Hello>) {
        let Some(&kind) = self.header.first() else {
            return;
        };
        if !known_type(kind) {
            self.stop("tls_bad_handshake");
            return;
        }
        let length = be24(&self.header, 1);
        let keep = kind == 1 || kind == 2;
        let remaining = if self.transport == Transport::Dtls {
            let (offset, frag) = (be24(&self.header, 6), be24(&self.header, 9));
            if keep && (offset != 0 || frag != length) {
                self.stop("dtls_fragmented_hello");
                return;
            }
            frag
        } else {
            length
        };
        if keep && remaining > MAX_BUFFER {
            self.stop("tls_buffer_limit");
            return;
        }
        if keep {
            self.body = Vec::with_capacity(remaining);
        }
        if remaining == 0 {
            self.finish(kind, keep, out);
        } else {
            self.state = State::Body {
                kind,
                remaining,
                keep,
            };
        }
    }

    /// A message is complete: parse it if it is a hello.
    fn finish(&mut self, kind: u8, keep: bool, out: &mut Vec<Hello>) {
        self.state = State::Header;
        if !keep {
            return;
        }
        let body = std::mem::take(&mut self.body);
        match parse_hello(kind, &body, self.transport) {
            Ok(Some(h)) => {
                out.push(h);
                self.hellos = self.hellos.saturating_add(1);
                if self.hellos >= MAX_HELLOS {
                    self.stop("tls_too_many_hellos");
                }
            }
            Ok(None) => {}
            Err(e) => self.stop(e.0),
        }
    }
}
