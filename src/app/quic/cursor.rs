//! A bounds-checked byte reader with QUIC variable-length integers (RFC 9000 §16).

/// Reads big-endian fields from a byte slice; every read is checked and returns `None`
/// at the end of input instead of panicking.
pub(super) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A reader at the start of `buf`.
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    /// Bytes consumed so far.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes not yet consumed.
    pub(super) fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or(&[])
    }

    /// Whether all input has been consumed.
    pub(super) fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// The next `n` bytes.
    pub(super) fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    /// One byte.
    pub(super) fn u8(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// A big-endian 32-bit integer.
    pub(super) fn u32(&mut self) -> Option<u32> {
        let b = self.bytes(4)?;
        Some(u32::from_be_bytes(b.try_into().ok()?))
    }

    /// A QUIC variable-length integer (1, 2, 4 or 8 bytes, top two bits give the size).
    pub(super) fn varint(&mut self) -> Option<u64> {
        let first = *self.buf.get(self.pos)?;
        let len = 1usize << (first >> 6);
        let b = self.bytes(len)?;
        let mut v = u64::from(first & 0x3f);
        for &x in b.iter().skip(1) {
            v = (v << 8) | u64::from(x);
        }
        Some(v)
    }

    /// A variable-length integer that must fit in `usize`.
    pub(super) fn varint_usize(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }
}
