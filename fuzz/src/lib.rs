//! Helpers shared by the fuzz targets: turning the fuzzer's bytes into chunkings and
//! length-prefixed records, and a sink that counts application rows.

use pcapq::app::{AppSink, DnsRow, HttpRow};

/// Splits `data` into chunks whose lengths come from `seed`: seed 0 gives one chunk,
/// others a pseudo-random sequence of lengths bounded by one of 1, 2, 3, 7, 16, 64, 300
/// or 2000 bytes (the seed's low 3 bits), so that streams are fed byte by byte, in odd
/// pieces and in large ones.
pub fn chunks(seed: u8, data: &[u8]) -> Vec<&[u8]> {
    if seed == 0 {
        return vec![data];
    }
    const LIMITS: [u32; 8] = [1, 2, 3, 7, 16, 64, 300, 2000];
    let limit = LIMITS[usize::from(seed & 7)];
    let mut state = u32::from(seed).wrapping_mul(0x9e37_79b9) | 1;
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (1 + state % limit) as usize;
        let (head, tail) = rest.split_at(n.min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// Reads the fuzzer's bytes front to back; every read past the end gives zeros or an
/// empty slice, so a target never has to check.
pub struct Input<'a>(pub &'a [u8]);

impl<'a> Input<'a> {
    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The next `n` bytes (fewer at the end).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n.min(self.0.len()));
        self.0 = tail;
        head
    }

    /// The next byte.
    pub fn u8(&mut self) -> u8 {
        self.bytes(1).first().copied().unwrap_or(0)
    }

    /// The next big-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }

    /// The next big-endian u32.
    pub fn u32(&mut self) -> u32 {
        u32::from(self.u16()) << 16 | u32::from(self.u16())
    }
}

/// An [`AppSink`] that counts the rows it is given.
#[derive(Debug, Default)]
pub struct CountingSink {
    /// DNS rows received.
    pub dns: usize,
    /// HTTP rows received.
    pub http: usize,
}

impl AppSink for CountingSink {
    fn dns(&mut self, _row: DnsRow) {
        self.dns += 1;
    }
    fn http(&mut self, _row: HttpRow) {
        self.http += 1;
    }
}
