//! The `source` stage: capture files or stdin → a single time-ordered stream of [`Frame`]s.
//!
//! Inputs are recognised by their first bytes (gzip, zstd, pcap, pcapng), read with
//! pcap-parser's streaming readers (bounded buffers, zero-copy frames), and merged by
//! timestamp when there are several. Damage stops one input, is recorded, and never
//! loses the frames before it.

mod block_reader;
mod capture_reader;
pub mod fingerprint;
mod input;
pub mod link_types;
mod merge;
mod read_ahead;
mod stats;

pub use block_reader::SharedBlock;
pub use capture_reader::{CaptureReader, LINKTYPE_UNDEFINED_INTERFACE, MAX_BLOCK_BYTES};
pub use input::{CaptureFormat, Compression, InputSpec, OpenError, open_input, sniff_format};
pub use merge::MergedSource;
pub use stats::{CaptureStats, Damage};

/// Everything about a frame except its bytes: what rows keep after dissection.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrameMeta {
    /// Which input it came from (its position on the command line, from 0).
    pub capture_id: u32,
    /// 1-based frame number within its input, as Wireshark numbers it.
    pub number: u64,
    /// Capture time, ns since the Unix epoch (UTC).
    pub ts_ns: i64,
    /// Bytes captured.
    pub caplen: u32,
    /// Bytes on the wire.
    pub wire_len: u32,
    /// pcapng interface id (0 for legacy pcap).
    pub interface_id: u32,
    /// Position in the run's time-ordered stream of every input, from 1 (set by the
    /// pipeline; 0 until then). A flow is numbered by the frame that starts it.
    pub index: u64,
}

/// One captured frame, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// Which input it came from (its position on the command line, from 0).
    pub capture_id: u32,
    /// 1-based frame number within its input, as Wireshark numbers it.
    pub number: u64,
    /// Capture time, ns since the Unix epoch (UTC).
    pub ts_ns: i64,
    /// Bytes captured.
    pub caplen: u32,
    /// Bytes on the wire.
    pub wire_len: u32,
    /// Link type (DLT number) of its interface.
    pub link_type: u32,
    /// pcapng interface id (0 for legacy pcap).
    pub interface_id: u32,
    /// The captured bytes.
    pub data: &'a [u8],
}

impl Frame<'_> {
    /// The frame without its bytes.
    pub fn meta(&self) -> FrameMeta {
        FrameMeta {
            capture_id: self.capture_id,
            number: self.number,
            ts_ns: self.ts_ns,
            caplen: self.caplen,
            wire_len: self.wire_len,
            interface_id: self.interface_id,
            index: 0,
        }
    }
}
