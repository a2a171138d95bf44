//! The captured payloads of a batch of packets, copied out of the reader's buffer so that
//! tracking, which runs after a batch is dissected, can hand them to the application stage.

/// Largest payload copied per packet: the application stage buffers no more per direction.
pub const MAX_COPIED: usize = 16 * 1024;

/// Payload bytes of a batch of packets, by position in the batch.
#[derive(Debug, Default)]
pub struct Payloads {
    bytes: Vec<u8>,
    spans: Vec<(u32, u32)>,
}

impl Payloads {
    /// Empties the batch, keeping the allocation.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.spans.clear();
    }

    /// Adds the next packet's payload (at most [`MAX_COPIED`] bytes of it).
    pub fn push(&mut self, payload: &[u8]) {
        let payload = &payload[..payload.len().min(MAX_COPIED)];
        let start = self.bytes.len() as u32;
        self.bytes.extend_from_slice(payload);
        self.spans.push((start, payload.len() as u32));
    }

    /// The payload of the batch's `i`-th packet (empty when none was added).
    pub fn get(&self, i: usize) -> &[u8] {
        match self.spans.get(i) {
            Some(&(start, len)) => self
                .bytes
                .get(start as usize..(start + len) as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }
}
