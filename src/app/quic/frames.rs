//! Frames of a decrypted Initial packet (RFC 9000 §19): CRYPTO data is collected,
//! PADDING, PING and ACK are skipped, anything else ends the packet.

use super::cursor::Cursor;

/// Why frame parsing of a packet stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// All frames parsed.
    End,
    /// A CONNECTION_CLOSE frame (0x1c or 0x1d).
    ConnectionClose,
    /// A frame type that is not allowed in Initial packets.
    UnexpectedFrame,
    /// A frame ran past the end of the payload.
    Truncated,
}

/// The CRYPTO fragments of one packet and how its parsing ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Frames<'a> {
    /// (stream offset, data) of each non-empty CRYPTO frame, in packet order.
    pub crypto: Vec<(u64, &'a [u8])>,
    /// How parsing ended.
    pub stop: Stop,
}

/// Parses the frames of a decrypted Initial packet payload.
pub(super) fn parse(payload: &[u8]) -> Frames<'_> {
    let mut c = Cursor::new(payload);
    let mut crypto = Vec::new();
    let stop = loop {
        if c.is_empty() {
            break Stop::End;
        }
        let Some(ftype) = c.varint() else {
            break Stop::Truncated;
        };
        let ok = match ftype {
            0x00 | 0x01 => Some(()),
            0x02 | 0x03 => skip_ack(&mut c, ftype == 0x03),
            0x06 => match crypto_frame(&mut c) {
                Some((off, data)) => {
                    if !data.is_empty() {
                        crypto.push((off, data));
                    }
                    Some(())
                }
                None => None,
            },
            0x1c | 0x1d => break Stop::ConnectionClose,
            _ => break Stop::UnexpectedFrame,
        };
        if ok.is_none() {
            break Stop::Truncated;
        }
    };
    Frames { crypto, stop }
}

/// Skips the body of an ACK frame (with ECN counts for type 0x03).
fn skip_ack(c: &mut Cursor<'_>, ecn: bool) -> Option<()> {
    c.varint()?; // largest acknowledged
    c.varint()?; // ack delay
    let ranges = c.varint()?;
    c.varint()?; // first ack range
    // Each range takes at least two bytes, so this ends with the input.
    let mut left = ranges;
    while left > 0 {
        c.varint()?; // gap
        c.varint()?; // ack range length
        left -= 1;
    }
    if ecn {
        c.varint()?;
        c.varint()?;
        c.varint()?;
    }
    Some(())
}

/// The offset and data of a CRYPTO frame body.
fn crypto_frame<'a>(c: &mut Cursor<'a>) -> Option<(u64, &'a [u8])> {
    let offset = c.varint()?;
    let len = c.varint_usize()?;
    let data = c.bytes(len)?;
    offset.checked_add(u64::try_from(len).ok()?)?;
    Some((offset, data))
}
