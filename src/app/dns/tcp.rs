//! DNS over TCP: 2-byte length prefixes over one direction's in-order bytes.

use super::message::{DnsError, DnsMessage, parse_message};

/// Most bytes of one message buffered; the rest of a longer message is skipped and
/// the kept prefix parsed (as Zeek parses a cut message) with a note.
pub const MAX_TCP_MESSAGE: usize = 16 * 1024;

/// Reassembles DNS messages from one direction of a TCP stream, fed in chunks.
///
/// Like Zeek's `Contents_DNS`: a zero-length message yields [`DnsError::TooShort`],
/// and [`DnsTcpStream::finish`] parses a partly received message at stream end.
#[derive(Debug, Default)]
pub struct DnsTcpStream {
    /// Bytes of the 2-byte length seen so far (0, 1) and the first of them.
    len_bytes: u8,
    len_hi: u8,
    /// Length of the current message once its prefix is complete.
    want: Option<usize>,
    buf: Vec<u8>,
    /// Bytes of the current message still to skip past the buffer limit.
    skip: usize,
    note: Option<&'static str>,
}

impl DnsTcpStream {
    /// Bytes buffered for a message spanning segments.
    pub fn held(&self) -> usize {
        self.buf.capacity()
    }

    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next in-order bytes; returns every message completed by them.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Vec<Result<DnsMessage, DnsError>> {
        let mut done = Vec::new();
        while !bytes.is_empty() {
            let Some(want) = self.want else {
                let (&b, rest) = match bytes.split_first() {
                    Some(x) => x,
                    None => break,
                };
                bytes = rest;
                if self.len_bytes == 0 {
                    self.len_hi = b;
                    self.len_bytes = 1;
                } else {
                    self.len_bytes = 0;
                    let want = usize::from(u16::from_be_bytes([self.len_hi, b]));
                    self.want = Some(want);
                    self.buf.clear();
                    self.skip = want.saturating_sub(MAX_TCP_MESSAGE);
                    if want == 0 {
                        self.want = None;
                        done.push(Err(DnsError::TooShort));
                    }
                }
                continue;
            };
            let keep = want.min(MAX_TCP_MESSAGE);
            let room = keep.saturating_sub(self.buf.len());
            let n = room.min(bytes.len());
            let (head, rest) = bytes.split_at(n);
            self.buf.extend_from_slice(head);
            bytes = rest;
            if self.buf.len() < keep {
                continue;
            }
            if self.skip > 0 {
                let n = self.skip.min(bytes.len());
                self.skip -= n;
                bytes = bytes.get(n..).unwrap_or(&[]);
                if self.skip > 0 {
                    continue;
                }
            }
            done.push(self.complete(want > MAX_TCP_MESSAGE));
        }
        done
    }

    /// At the end of the stream: parses a partly received message, if any (Zeek's
    /// `Contents_DNS::Flush`).
    pub fn finish(&mut self) -> Option<Result<DnsMessage, DnsError>> {
        if self.want.is_none() || self.buf.is_empty() {
            return None;
        }
        Some(self.complete(false))
    }

    /// The first limit this stream hit (`dns_tcp_msg_over_limit`), if any.
    pub fn note(&self) -> Option<&'static str> {
        self.note
    }

    /// Parses the buffered message and resets for the next length prefix.
    fn complete(&mut self, over_limit: bool) -> Result<DnsMessage, DnsError> {
        let r = parse_message(&self.buf).map(|mut m| {
            if over_limit {
                m.note = Some("dns_tcp_msg_over_limit");
            }
            m
        });
        if over_limit {
            self.note.get_or_insert("dns_tcp_msg_over_limit");
        }
        self.want = None;
        self.skip = 0;
        self.buf.clear();
        r
    }
}
