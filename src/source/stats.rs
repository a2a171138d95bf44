//! What pcapq learns about each input while reading it: the row it writes to `captures`.

use super::input::{CaptureFormat, Compression};

/// Where a damaged capture stops, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Byte offset (in the decompressed stream) of the frame or block that is damaged.
    pub offset: u64,
    /// What is wrong, in one phrase.
    pub message: String,
}

/// Facts and counters of one input capture.
#[derive(Debug, Clone)]
pub struct CaptureStats {
    /// Position of the input on the command line, from 0; `packets.capture_id` refers to it.
    pub capture_id: u32,
    /// The input as the user named it (`<stdin>` for `-`).
    pub path: String,
    /// Container format.
    pub format: CaptureFormat,
    /// Compression around the capture.
    pub compression: Compression,
    /// Size of the file on disk, when it is a regular file.
    pub file_bytes: Option<u64>,
    /// Absolute path of the file (None for stdin).
    pub file_path: Option<String>,
    /// [`super::fingerprint::file_fingerprint`] of the file (None for stdin).
    pub file_hash: Option<String>,
    /// Distinct link types (DLT numbers) of its interfaces, in order of appearance.
    pub link_types: Vec<u32>,
    /// Largest snapshot length declared by its header(s).
    pub snaplen: Option<u32>,
    /// Distinct timestamp resolutions (`us`, `ns`, …).
    pub ts_precisions: Vec<String>,
    /// pcapng sections read (0 for legacy pcap).
    pub sections: u32,
    /// Interfaces described (1 for legacy pcap).
    pub interfaces: u32,
    /// Frames read.
    pub frames: u64,
    /// Sum of captured lengths.
    pub captured_bytes: u64,
    /// Sum of original (wire) lengths.
    pub wire_bytes: u64,
    /// Earliest frame time, ns since the epoch.
    pub first_ts: Option<i64>,
    /// Latest frame time, ns since the epoch.
    pub last_ts: Option<i64>,
    /// Frames whose captured length exceeds the declared snapshot length.
    pub frames_over_snaplen: u64,
    /// Frames whose decoding stopped with an error (`packets.decode_error` set).
    pub decode_errors: u64,
    /// The damage that ended reading early, if any.
    pub damage: Option<Damage>,
}

impl CaptureStats {
    /// Empty statistics for a capture about to be read.
    pub fn new(
        capture_id: u32,
        path: String,
        format: CaptureFormat,
        compression: Compression,
    ) -> Self {
        CaptureStats {
            capture_id,
            path,
            format,
            compression,
            file_bytes: None,
            file_path: None,
            file_hash: None,
            link_types: Vec::new(),
            snaplen: None,
            ts_precisions: Vec::new(),
            sections: 0,
            interfaces: 0,
            frames: 0,
            captured_bytes: 0,
            wire_bytes: 0,
            first_ts: None,
            last_ts: None,
            frames_over_snaplen: 0,
            decode_errors: 0,
            damage: None,
        }
    }

    /// The one-line warning printed for a damaged capture.
    pub fn damage_warning(&self) -> Option<String> {
        self.damage.as_ref().map(|d| {
            format!(
                "{}: byte {}: {} (kept the {} frame{} before it)",
                self.path,
                d.offset,
                d.message,
                self.frames,
                if self.frames == 1 { "" } else { "s" }
            )
        })
    }
}
