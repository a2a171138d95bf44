//! An input read on a thread of its own, ahead of the merge: its decompression and
//! frame parsing overlap with the dissection of the frames before them, and inputs whose
//! times overlap are read side by side. Frames are copied into batches of about 1 MiB, at
//! most [`AHEAD`] batches ahead of the reader's consumer, so memory stays bounded.

use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

use super::input::ReadCounter;
use super::{CaptureReader, CaptureStats, Frame, SharedBlock};

/// Batches read ahead per input.
const AHEAD: usize = 4;
/// Bytes of frames per batch (a batch holds at least one frame, whatever its size).
const BATCH_BYTES: usize = 1 << 20;

/// A frame's place in its batch, and everything [`Frame`] has besides the bytes.
#[derive(Clone, Copy)]
struct Head {
    number: u64,
    ts_ns: i64,
    caplen: u32,
    wire_len: u32,
    link_type: u32,
    interface_id: u32,
    start: usize,
    len: usize,
}

/// Frames read ahead: their bytes, kept whole until every batch of the pipeline holding
/// a payload of theirs lets go.
struct Batch {
    data: SharedBlock,
    frames: Vec<Head>,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            data: SharedBlock::new(Vec::new()),
            frames: Vec::new(),
        }
    }
}

/// An input whose frames a thread of its own reads ahead.
pub struct ReadAhead {
    capture_id: u32,
    batches: Option<Receiver<Batch>>,
    current: Batch,
    at: usize,
    raw_bytes: ReadCounter,
    thread: Option<JoinHandle<CaptureStats>>,
}

impl ReadAhead {
    /// Starts reading `reader` (positioned at its first frame) on a thread of its own.
    pub fn start(mut reader: CaptureReader) -> std::io::Result<Self> {
        let capture_id = reader.stats().capture_id;
        let raw_bytes = reader.read_counter();
        let (to_merge, batches) = mpsc::sync_channel::<Batch>(AHEAD);
        let thread = std::thread::Builder::new()
            .name(format!("read-{capture_id}"))
            .spawn(move || {
                let mut more = true;
                while more {
                    let mut data = Vec::with_capacity(BATCH_BYTES + 2048);
                    let mut frames = Vec::new();
                    while data.len() < BATCH_BYTES {
                        if let Some(f) = reader.frame() {
                            frames.push(Head {
                                number: f.number,
                                ts_ns: f.ts_ns,
                                caplen: f.caplen,
                                wire_len: f.wire_len,
                                link_type: f.link_type,
                                interface_id: f.interface_id,
                                start: data.len(),
                                len: f.data.len(),
                            });
                            data.extend_from_slice(f.data);
                        }
                        if !reader.advance() {
                            more = false;
                            break;
                        }
                    }
                    let batch = Batch {
                        data: SharedBlock::new(data),
                        frames,
                    };
                    if to_merge.send(batch).is_err() {
                        break;
                    }
                }
                reader.into_stats()
            })?;
        let mut input = ReadAhead {
            capture_id,
            batches: Some(batches),
            current: Batch::default(),
            at: 0,
            raw_bytes,
            thread: Some(thread),
        };
        input.next_batch();
        Ok(input)
    }

    /// Waits for the next non-empty batch; false when the input is exhausted.
    fn next_batch(&mut self) -> bool {
        self.at = 0;
        loop {
            match self.batches.as_ref().map(Receiver::recv) {
                Some(Ok(batch)) if batch.frames.is_empty() => continue,
                Some(Ok(batch)) => {
                    self.current = batch;
                    return true;
                }
                _ => {
                    self.current = Batch::default();
                    return false;
                }
            }
        }
    }

    /// Moves to the next frame; false at the end of the input (or its damage).
    pub fn advance(&mut self) -> bool {
        self.at += 1;
        self.at < self.current.frames.len() || self.next_batch()
    }

    /// Timestamp of the current frame, if there is one.
    pub fn current_ts(&self) -> Option<i64> {
        self.current.frames.get(self.at).map(|h| h.ts_ns)
    }

    /// The current frame, valid until the next call to [`ReadAhead::advance`].
    pub fn frame(&self) -> Option<Frame<'_>> {
        let h = self.current.frames.get(self.at)?;
        Some(Frame {
            capture_id: self.capture_id,
            number: h.number,
            ts_ns: h.ts_ns,
            caplen: h.caplen,
            wire_len: h.wire_len,
            link_type: h.link_type,
            interface_id: h.interface_id,
            data: self.current.data.get(h.start, h.len),
        })
    }

    /// The block the current frame's bytes lie in, for a batch to keep them from.
    pub fn block(&self) -> Option<&SharedBlock> {
        self.current.frames.get(self.at).map(|_| &self.current.data)
    }

    /// Raw (compressed) bytes the thread has read so far.
    pub fn raw_bytes_read(&self) -> u64 {
        self.raw_bytes.get()
    }

    /// The input's statistics, once its thread has stopped (it stops early if the input
    /// was not read to its end).
    pub fn into_stats(mut self) -> CaptureStats {
        self.batches = None;
        let thread = self
            .thread
            .take()
            .expect("the reading thread is joined once");
        match thread.join() {
            Ok(stats) => stats,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}
