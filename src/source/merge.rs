//! Several inputs read as one capture: frames come out in timestamp order (ties by input
//! order), each input opened only while its frames are due, so a thousand hourly files
//! cost the memory of the few that overlap.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::read_ahead::ReadAhead;
use super::{CaptureReader, CaptureStats, Frame, InputSpec, OpenError, SharedBlock};

/// Inputs kept open between probing and reading when there are at most this many.
const KEEP_OPEN_UP_TO: usize = 16;

/// Called once per input when it has been read to its end (clean or damaged).
pub type FinishedHook = Box<dyn FnMut(&CaptureStats) + Send>;

/// An input being read: on the merging thread, or ahead on a thread of its own. (Few are
/// open at once, so the size of a reader does not matter.)
#[allow(clippy::large_enum_variant)]
enum Input {
    Here(CaptureReader),
    Ahead(ReadAhead),
}

impl Input {
    fn advance(&mut self) -> bool {
        match self {
            Input::Here(r) => r.advance(),
            Input::Ahead(r) => r.advance(),
        }
    }

    fn current_ts(&self) -> Option<i64> {
        match self {
            Input::Here(r) => r.current_ts(),
            Input::Ahead(r) => r.current_ts(),
        }
    }

    fn frame(&self) -> Option<Frame<'_>> {
        match self {
            Input::Here(r) => r.frame(),
            Input::Ahead(r) => r.frame(),
        }
    }

    fn block(&self) -> Option<&SharedBlock> {
        match self {
            Input::Here(r) => r.block(),
            Input::Ahead(r) => r.block(),
        }
    }

    fn raw_bytes_read(&self) -> u64 {
        match self {
            Input::Here(r) => r.raw_bytes_read(),
            Input::Ahead(r) => r.raw_bytes_read(),
        }
    }

    fn into_stats(self) -> CaptureStats {
        match self {
            Input::Here(r) => r.into_stats(),
            Input::Ahead(r) => r.into_stats(),
        }
    }
}

/// The merged, time-ordered frame stream of all inputs.
pub struct MergedSource {
    specs: Vec<InputSpec>,
    readers: Vec<Option<Input>>,
    /// Whether inputs are read ahead on threads of their own once their frames are due.
    read_ahead: bool,
    /// Inputs not yet opened for reading: (first frame time, id), by time.
    waiting: VecDeque<(i64, usize)>,
    heap: BinaryHeap<Reverse<(i64, usize)>>,
    last: Option<usize>,
    finished: Vec<Option<CaptureStats>>,
    finished_bytes: u64,
    on_finished: Option<FinishedHook>,
}

impl MergedSource {
    /// Opens every input once to check it is a capture and find its first frame time.
    /// Fails on the first input that is not a capture at all.
    pub fn open(specs: Vec<InputSpec>) -> Result<Self, OpenError> {
        let n = specs.len();
        let keep_open = n <= KEEP_OPEN_UP_TO;
        let mut source = MergedSource {
            readers: (0..n).map(|_| None).collect(),
            finished: (0..n).map(|_| None).collect(),
            specs,
            read_ahead: false,
            waiting: VecDeque::new(),
            heap: BinaryHeap::new(),
            last: None,
            finished_bytes: 0,
            on_finished: None,
        };
        let mut waiting = Vec::new();
        for id in 0..n {
            let mut reader = CaptureReader::open(&source.specs[id], id as u32)?;
            if !reader.advance() {
                source.finished_bytes += reader.raw_bytes_read();
                source.finished[id] = Some(reader.into_stats());
                continue;
            }
            let first_ts = reader.current_ts().unwrap_or(i64::MIN);
            if keep_open || source.specs[id] == InputSpec::Stdin {
                source.readers[id] = Some(Input::Here(reader));
            }
            waiting.push((first_ts, id));
        }
        waiting.sort();
        source.waiting = waiting.into();
        Ok(source)
    }

    /// Registers a hook called when an input has been read to its end. Inputs that held no
    /// frame at all are already finished when this is called, and are reported at once.
    pub fn on_finished(&mut self, mut hook: FinishedHook) {
        for stats in self.finished.iter().flatten() {
            hook(stats);
        }
        self.on_finished = Some(hook);
    }

    /// Reads every input on a thread of its own, ahead of the merge, from when its frames
    /// are due: decompression and parsing overlap with what the caller does with the frames,
    /// and inputs whose times overlap are read side by side.
    pub fn read_ahead(&mut self, on: bool) {
        self.read_ahead = on;
    }

    /// Number of inputs.
    pub fn input_count(&self) -> usize {
        self.specs.len()
    }

    /// Total size of the inputs on disk, when every one is a regular file.
    pub fn total_file_bytes(&self) -> Option<u64> {
        self.specs.iter().map(InputSpec::file_size).sum()
    }

    /// Raw input bytes consumed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.finished_bytes
            + self
                .readers
                .iter()
                .flatten()
                .map(Input::raw_bytes_read)
                .sum::<u64>()
    }

    /// The next frame in time order, or `None` when every input is exhausted.
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        self.next_frame_in_block().map(|(frame, _)| frame)
    }

    /// The next frame in time order, with the block its bytes lie in when they can be kept
    /// from it instead of copied.
    pub fn next_frame_in_block(&mut self) -> Option<(Frame<'_>, Option<&SharedBlock>)> {
        if let Some(id) = self.last.take() {
            self.advance_input(id);
        }
        loop {
            let due = self.heap.peek().map(|Reverse((ts, _))| *ts);
            match self.waiting.front() {
                Some(&(first_ts, id)) if due.is_none_or(|t| first_ts <= t) => {
                    self.waiting.pop_front();
                    self.activate(id);
                }
                _ => break,
            }
        }
        let Reverse((_, id)) = self.heap.pop()?;
        self.last = Some(id);
        let input = self.readers[id].as_ref()?;
        Some((input.frame()?, input.block()))
    }

    /// Statistics of every input, by capture id. Call after the last frame.
    pub fn finish(mut self) -> Vec<CaptureStats> {
        if let Some(id) = self.last.take() {
            self.advance_input(id);
        }
        for id in 0..self.readers.len() {
            if let Some(reader) = self.readers[id].take() {
                self.finished[id] = Some(reader.into_stats());
            }
        }
        self.finished.into_iter().flatten().collect()
    }

    fn activate(&mut self, id: usize) {
        let reader = match self.readers[id].take() {
            Some(Input::Here(reader)) => reader,
            Some(ahead) => {
                self.readers[id] = Some(ahead);
                return;
            }
            None => match CaptureReader::open(&self.specs[id], id as u32) {
                Ok(mut reader) => {
                    if !reader.advance() {
                        self.retire(id, Input::Here(reader));
                        return;
                    }
                    reader
                }
                // It was a capture a moment ago; it has been replaced or removed since.
                Err(_) => return,
            },
        };
        let Some(ts) = reader.current_ts() else {
            self.retire(id, Input::Here(reader));
            return;
        };
        // Standard input cannot be opened again if a thread cannot be started for it.
        let input = if self.read_ahead && self.specs[id] != InputSpec::Stdin {
            // A thread that cannot be started leaves the input to this one.
            let spec = &self.specs[id];
            match ReadAhead::start(reader) {
                Ok(ahead) => Input::Ahead(ahead),
                Err(_) => match CaptureReader::open(spec, id as u32) {
                    Ok(mut again) => {
                        if !again.advance() {
                            self.retire(id, Input::Here(again));
                            return;
                        }
                        Input::Here(again)
                    }
                    Err(_) => return,
                },
            }
        } else {
            Input::Here(reader)
        };
        self.readers[id] = Some(input);
        self.heap.push(Reverse((ts, id)));
    }

    fn advance_input(&mut self, id: usize) {
        let Some(reader) = self.readers[id].as_mut() else {
            return;
        };
        if reader.advance() {
            if let Some(ts) = reader.current_ts() {
                self.heap.push(Reverse((ts, id)));
            }
        } else if let Some(reader) = self.readers[id].take() {
            self.retire(id, reader);
        }
    }

    fn retire(&mut self, id: usize, reader: Input) {
        self.finished_bytes += reader.raw_bytes_read();
        let stats = reader.into_stats();
        if let Some(hook) = self.on_finished.as_mut() {
            hook(&stats);
        }
        self.finished[id] = Some(stats);
    }
}
