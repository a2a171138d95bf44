//! WebSocket frames (RFC 6455) after an HTTP upgrade: the payload of data messages, unmasked,
//! as one stream per direction, so that what a WebSocket tunnel carries (wstunnel's SSH,
//! TLS or HTTP) is recognised as Zeek's WebSocket analyzer hands it to protocol detection.
//! Control frames (close, ping, pong) are skipped. Only a frame header (at most 14 bytes) is
//! ever buffered: payload bytes are passed on as they arrive.

/// What one direction's bytes held.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Payload bytes of a data message (text, binary or a continuation), unmasked.
    Data(std::borrow::Cow<'a, [u8]>),
    /// The end of a data message (its last frame, with FIN, is complete).
    MessageEnd,
}

/// Longest frame header: 2 bytes, an 8-byte length, a 4-byte mask.
const MAX_HEADER: usize = 14;

/// One direction's frames.
#[derive(Debug, Default)]
pub struct Deframer {
    header: Vec<u8>,
    /// Payload bytes left in the current frame.
    left: u64,
    /// The current frame's mask, and how far into it the payload is.
    mask: Option<[u8; 4]>,
    at: u64,
    /// The current frame carries data (not a control frame), and ends its message.
    data: bool,
    fin: bool,
}

impl Deframer {
    /// Splits `bytes` into payload and message ends, calling `out` for each in order.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut dyn FnMut(Piece<'_>)) {
        while !bytes.is_empty() {
            if self.left == 0 && !self.header_complete(&mut bytes) {
                return;
            }
            let n = usize::try_from(self.left)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let (payload, rest) = bytes.split_at(n);
            bytes = rest;
            self.left -= n as u64;
            if self.data && !payload.is_empty() {
                out(Piece::Data(self.unmask(payload)));
            } else {
                self.at += n as u64;
            }
            if self.left == 0 && self.data && self.fin {
                out(Piece::MessageEnd);
            }
        }
    }

    /// Reads header bytes from `bytes`; true once a header is complete (a frame with no
    /// payload is then finished at once).
    fn header_complete(&mut self, bytes: &mut &[u8]) -> bool {
        loop {
            let need = header_len(&self.header);
            if self.header.len() >= need {
                break;
            }
            let Some((&b, rest)) = bytes.split_first() else {
                return false;
            };
            self.header.push(b);
            *bytes = rest;
        }
        let h = &self.header;
        let opcode = h[0] & 0x0f;
        self.fin = h[0] & 0x80 != 0;
        self.data = opcode < 8;
        let masked = h[1] & 0x80 != 0;
        let (len, at) = match h[1] & 0x7f {
            126 => (u64::from(u16::from_be_bytes([h[2], h[3]])), 4),
            127 => (
                u64::from_be_bytes(h[2..10].try_into().unwrap_or([0; 8])),
                10,
            ),
            n => (u64::from(n), 2),
        };
        self.mask = masked.then(|| h[at..at + 4].try_into().unwrap_or([0; 4]));
        self.at = 0;
        self.left = len;
        self.header.clear();
        true
    }

    fn unmask<'a>(&mut self, payload: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        let start = self.at;
        self.at += payload.len() as u64;
        match self.mask {
            None => std::borrow::Cow::Borrowed(payload),
            Some(key) => std::borrow::Cow::Owned(
                payload
                    .iter()
                    .enumerate()
                    .map(|(i, b)| b ^ key[((start + i as u64) % 4) as usize])
                    .collect(),
            ),
        }
    }
}

/// Length of the header that begins with `h` (as far as its first bytes tell).
fn header_len(h: &[u8]) -> usize {
    let Some(&second) = h.get(1) else {
        return 2;
    };
    let mask = if second & 0x80 != 0 { 4 } else { 0 };
    let len = match second & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    (2 + len + mask).min(MAX_HEADER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(fin: bool, opcode: u8, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![u8::from(fin) << 7 | opcode];
        let m = if mask.is_some() { 0x80 } else { 0 };
        match payload.len() {
            n if n < 126 => f.push(m | n as u8),
            n if n < 65536 => {
                f.push(m | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(m | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        match mask {
            Some(k) => {
                f.extend_from_slice(&k);
                f.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i % 4]));
            }
            None => f.extend_from_slice(payload),
        }
        f
    }

    /// The stream `bytes` make, fed `step` bytes at a time: data, with `|` at message ends.
    fn deframe(bytes: &[u8], step: usize) -> Vec<u8> {
        let mut d = Deframer::default();
        let mut out = Vec::new();
        for chunk in bytes.chunks(step) {
            d.feed(chunk, &mut |p| match p {
                Piece::Data(b) => out.extend_from_slice(&b),
                Piece::MessageEnd => out.push(b'|'),
            });
        }
        out
    }

    #[test]
    fn messages_are_unmasked_and_control_frames_skipped() {
        let key = Some([0x37, 0xfa, 0x21, 0x3d]);
        let mut bytes = frame(false, 2, key, b"SSH-2.0-");
        bytes.extend(frame(true, 9, key, b"ping"));
        bytes.extend(frame(true, 0, key, b"OpenSSH\r\n"));
        bytes.extend(frame(true, 1, None, b"hello"));
        bytes.extend(frame(true, 8, None, &[3, 232]));
        bytes.extend(frame(true, 2, None, &vec![7; 70_000]));
        let mut want = b"SSH-2.0-OpenSSH\r\n|hello|".to_vec();
        want.extend(vec![7; 70_000]);
        want.push(b'|');
        for step in [1, 3, 13, 1500, bytes.len()] {
            assert_eq!(deframe(&bytes, step), want, "{step} bytes at a time");
        }
    }

    #[test]
    fn an_empty_final_frame_ends_its_message() {
        let mut bytes = frame(false, 1, None, b"ab");
        bytes.extend(frame(true, 0, None, b""));
        assert_eq!(deframe(&bytes, 1), b"ab|");
    }

    #[test]
    fn a_tunnelled_request_is_a_row_of_its_flow_even_when_never_answered() {
        use crate::app::{AppFlow, AppPacket, AppRows, TcpSegment};
        let mut flow = AppFlow::new(false, [40000, 80], 0, [Some(1000), Some(9000)], false);
        let mut rows = AppRows::default();
        let mut seq = [1001u32, 9001];
        let mut send = |flow: &mut AppFlow, side: usize, bytes: &[u8], rows: &mut AppRows| {
            let p = AppPacket {
                ts: 1,
                side,
                from_orig: side == 0,
                tcp: Some(TcpSegment {
                    seq: seq[side],
                    syn: false,
                }),
                bytes,
                wire_len: bytes.len() as u32,
            };
            seq[side] = seq[side].wrapping_add(bytes.len() as u32);
            flow.packet(&p, 7, rows);
        };
        send(
            &mut flow,
            0,
            b"GET /ws HTTP/1.1\r\nHost: outer\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
            &mut rows,
        );
        send(
            &mut flow,
            1,
            b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
            &mut rows,
        );
        let inner = b"GET /inside HTTP/1.1\r\nHost: inner\r\n\r\n";
        send(
            &mut flow,
            0,
            &frame(true, 2, Some([1, 2, 3, 4]), inner),
            &mut rows,
        );
        let learnt = flow.finish(7, 2, &mut rows);
        let summary = learnt.into_summary();
        let hosts: Vec<_> = rows.http.iter().map(|r| r.tx.host.clone()).collect();
        assert_eq!(
            hosts,
            [Some("outer".to_string()), Some("inner".to_string())]
        );
        assert_eq!(summary.services, ["http", "websocket"]);
    }

    #[test]
    fn a_huge_claimed_length_buffers_nothing() {
        let mut bytes = vec![0x82, 127];
        bytes.extend_from_slice(&u64::MAX.to_be_bytes());
        bytes.extend(vec![1; 1000]);
        let mut d = Deframer::default();
        let mut seen = 0;
        d.feed(&bytes, &mut |p| {
            if let Piece::Data(b) = p {
                seen += b.len();
            }
        });
        assert_eq!(seen, 1000);
        assert!(d.header.capacity() <= 64);
    }
}
