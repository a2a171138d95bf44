//! Reassembly of one direction's Initial CRYPTO stream by offset, with a fixed bound.

/// Highest stream offset (exclusive) kept per direction: 16 KiB.
pub(super) const MAX_CRYPTO_BYTES: usize = 16 * 1024;
/// Most disjoint received ranges kept before giving up.
const MAX_RANGES: usize = 64;

/// The CRYPTO stream of one direction of the Initial packet number space.
#[derive(Debug, Default)]
pub(super) struct CryptoStream {
    /// Stream bytes `[0, buf.len())`; holes are zero.
    buf: Vec<u8>,
    /// Received ranges `[start, end)`, sorted, disjoint, not touching.
    ranges: Vec<(usize, usize)>,
    /// Bytes already handed out by `take`.
    taken: usize,
}

impl CryptoStream {
    /// Bytes buffered, holes included.
    pub(super) fn held(&self) -> usize {
        self.buf.capacity() + self.ranges.capacity() * 16
    }

    /// Adds a CRYPTO fragment. Bytes already received are kept (first copy wins).
    /// Errors with a note when the 16 KiB or the range bound is exceeded.
    pub(super) fn insert(&mut self, offset: u64, data: &[u8]) -> Result<(), &'static str> {
        if data.is_empty() {
            return Ok(());
        }
        let start = usize::try_from(offset).map_err(|_| "quic_crypto_limit")?;
        let end = start
            .checked_add(data.len())
            .filter(|&e| e <= MAX_CRYPTO_BYTES)
            .ok_or("quic_crypto_limit")?;
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        // Write only the parts not covered by an existing range.
        let mut cursor = start;
        for &(a, b) in &self.ranges {
            if b <= cursor {
                continue;
            }
            if a >= end {
                break;
            }
            if a > cursor {
                write(&mut self.buf, start, data, cursor, a);
            }
            cursor = cursor.max(b);
        }
        if cursor < end {
            write(&mut self.buf, start, data, cursor, end);
        }
        self.add_range(start, end)
    }

    /// Merges `[start, end)` into the sorted range list.
    fn add_range(&mut self, start: usize, end: usize) -> Result<(), &'static str> {
        let mut merged = (start, end);
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut placed = false;
        for &(a, b) in &self.ranges {
            if b < merged.0 {
                out.push((a, b));
            } else if a > merged.1 {
                if !placed {
                    out.push(merged);
                    placed = true;
                }
                out.push((a, b));
            } else {
                merged = (merged.0.min(a), merged.1.max(b));
            }
        }
        if !placed {
            out.push(merged);
        }
        if out.len() > MAX_RANGES {
            return Err("quic_crypto_fragments");
        }
        self.ranges = out;
        Ok(())
    }

    /// Length of the stream prefix received without holes.
    pub(super) fn contiguous(&self) -> usize {
        match self.ranges.first() {
            Some(&(0, end)) => end,
            _ => 0,
        }
    }

    /// Bytes that became contiguous from offset 0 since the last call.
    pub(super) fn take(&mut self) -> Vec<u8> {
        let end = self.contiguous();
        let out = self.buf.get(self.taken..end).map(<[u8]>::to_vec);
        self.taken = self.taken.max(end);
        out.unwrap_or_default()
    }

    /// Length (with its 4-byte header) of the first TLS handshake message, once known.
    pub(super) fn first_message_len(&self) -> Option<usize> {
        if self.contiguous() < 4 {
            return None;
        }
        let [a, b, c] = <[u8; 3]>::try_from(self.buf.get(1..4)?).ok()?;
        Some(4 + ((usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c)))
    }

    /// Whether the first handshake message (ClientHello or ServerHello) is complete.
    pub(super) fn first_message_complete(&self) -> bool {
        self.first_message_len()
            .is_some_and(|n| self.contiguous() >= n)
    }
}

/// Copies `data[from - start .. to - start]` (data starts at stream offset `start`)
/// to `buf[from..to]`.
fn write(buf: &mut [u8], start: usize, data: &[u8], from: usize, to: usize) {
    let src = data.get(from.saturating_sub(start)..to.saturating_sub(start));
    if let (Some(dst), Some(src)) = (buf.get_mut(from..to), src) {
        dst.copy_from_slice(src);
    }
}
