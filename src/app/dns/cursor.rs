//! A read cursor with the semantics of Zeek's DNS analyzer (`data`/`len` pairs).
//!
//! Zeek's `ExtractShort`/`ExtractLong` return 0 *without consuming* when fewer bytes
//! remain, and `ExtractStream` clamps to what remains. The RR parsers depend on that
//! (it decides where the next record starts), so the cursor copies it exactly.

/// A position inside one DNS message plus the end of the readable window.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cur<'a> {
    /// The whole message (compression pointers are offsets into it).
    pub msg: &'a [u8],
    /// Next byte to read.
    pub pos: usize,
    /// One past the last readable byte (`pos <= end <= msg.len()`).
    pub end: usize,
}

impl<'a> Cur<'a> {
    /// A cursor over `msg[pos..end]` (both clamped to the message).
    pub fn new(msg: &'a [u8], pos: usize, end: usize) -> Self {
        let end = end.min(msg.len());
        Cur {
            msg,
            pos: pos.min(end),
            end,
        }
    }

    /// Bytes left in the window (Zeek's `len`).
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// Reads one byte; 0 and no progress when empty (Zeek's `ExtractByte`).
    pub fn u8(&mut self) -> u8 {
        match self.msg.get(self.pos) {
            Some(&b) if self.pos < self.end => {
                self.pos += 1;
                b
            }
            _ => 0,
        }
    }

    /// Reads a big-endian u16; 0 and no progress when fewer than 2 bytes remain.
    pub fn u16(&mut self) -> u16 {
        match self.peek(2) {
            Some(b) => {
                self.pos += 2;
                u16::from_be_bytes([b[0], b[1]])
            }
            None => 0,
        }
    }

    /// Reads a big-endian u32; 0 and no progress when fewer than 4 bytes remain.
    pub fn u32(&mut self) -> u32 {
        match self.peek(4) {
            Some(b) => {
                self.pos += 4;
                u32::from_be_bytes([b[0], b[1], b[2], b[3]])
            }
            None => 0,
        }
    }

    /// Takes up to `n` bytes (clamped to what remains; Zeek's `ExtractStream`).
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.len());
        let s = self.msg.get(self.pos..self.pos + n).unwrap_or(&[]);
        self.pos += s.len();
        s
    }

    /// Skips up to `n` bytes.
    pub fn skip(&mut self, n: usize) {
        self.take(n);
    }

    /// The next `n` bytes without consuming them, if all are there.
    fn peek(&self, n: usize) -> Option<&'a [u8]> {
        if self.len() < n {
            return None;
        }
        self.msg.get(self.pos..self.pos.checked_add(n)?)
    }
}
