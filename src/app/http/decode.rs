//! Counting gzip/deflate decoder that mirrors Zeek's ZIP support analyzer
//! (zlib `inflateInit2(MAX_WBITS + 32)`: gzip or zlib header auto-detected,
//! one retry as raw deflate when the first inflate of a delivery fails).
//! Only the number of decompressed bytes is kept, never the bytes.

use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

/// Output chunk of one inflate round, as in Zeek.
const ROUND: usize = 4096;
/// Bound on the rounds of one delivery that produce output without input.
const MAX_DRAIN_ROUNDS: usize = 16;

/// Where the decoder is in the stream.
enum Stage {
    /// Waiting for the two bytes that tell gzip from zlib.
    Detect(Option<u8>),
    /// Skipping a gzip header.
    Gzip(GzStep),
    /// Inflating raw deflate data.
    Inflate,
    /// Stream ended or failed: the rest is ignored.
    Finished,
}

/// Position inside a gzip header (after the two magic bytes).
#[derive(Clone, Copy)]
enum GzStep {
    /// Method byte.
    Method,
    /// Flag byte.
    Flags,
    /// MTIME, XFL and OS: bytes left to skip.
    Fixed(u8, u8),
    /// Low byte of the FEXTRA length.
    ExtraLo(u8),
    /// High byte of the FEXTRA length.
    ExtraHi(u8, u8),
    /// FEXTRA bytes left.
    Extra(u8, u16),
    /// Inside the zero-terminated file name.
    Name(u8),
    /// Inside the zero-terminated comment.
    Comment(u8),
    /// Header CRC bytes left.
    Hcrc(u8),
}

const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// Result of skipping gzip header bytes.
enum GzOutcome {
    /// Header complete after this many input bytes.
    Done(usize),
    /// All input consumed, header still incomplete.
    More,
    /// Invalid header (zlib's Z_DATA_ERROR).
    Bad,
}

impl GzStep {
    /// Advances over `input`.
    fn skip(&mut self, input: &[u8]) -> GzOutcome {
        for (i, &b) in input.iter().enumerate() {
            let next = match *self {
                GzStep::Method if b != 8 => return GzOutcome::Bad,
                GzStep::Method => GzStep::Flags,
                GzStep::Flags if b & 0xE0 != 0 => return GzOutcome::Bad,
                GzStep::Flags => GzStep::Fixed(b, 6),
                GzStep::Fixed(f, n) if n > 1 => GzStep::Fixed(f, n.saturating_sub(1)),
                GzStep::Fixed(f, _) => Self::after_fixed(f),
                GzStep::ExtraLo(f) => GzStep::ExtraHi(f, b),
                GzStep::ExtraHi(f, lo) => {
                    let len = u16::from_le_bytes([lo, b]);
                    if len == 0 {
                        Self::after_extra(f)
                    } else {
                        GzStep::Extra(f, len)
                    }
                }
                GzStep::Extra(f, n) if n > 1 => GzStep::Extra(f, n.saturating_sub(1)),
                GzStep::Extra(f, _) => Self::after_extra(f),
                GzStep::Name(f) if b != 0 => GzStep::Name(f),
                GzStep::Name(f) => Self::after_name(f),
                GzStep::Comment(f) if b != 0 => GzStep::Comment(f),
                GzStep::Comment(f) => Self::after_comment(f),
                GzStep::Hcrc(n) if n > 1 => GzStep::Hcrc(n.saturating_sub(1)),
                GzStep::Hcrc(_) => return GzOutcome::Done(i.saturating_add(1)),
            };
            *self = next;
            if let GzStep::Hcrc(0) = next {
                return GzOutcome::Done(i.saturating_add(1));
            }
        }
        GzOutcome::More
    }

    /// Step after MTIME/XFL/OS.
    fn after_fixed(f: u8) -> GzStep {
        if f & FEXTRA != 0 {
            GzStep::ExtraLo(f)
        } else {
            Self::after_extra(f)
        }
    }

    /// Step after FEXTRA.
    fn after_extra(f: u8) -> GzStep {
        if f & FNAME != 0 {
            GzStep::Name(f)
        } else {
            Self::after_name(f)
        }
    }

    /// Step after FNAME.
    fn after_name(f: u8) -> GzStep {
        if f & FCOMMENT != 0 {
            GzStep::Comment(f)
        } else {
            Self::after_comment(f)
        }
    }

    /// Step after FCOMMENT: the CRC, or the end of the header (`Hcrc(0)`).
    fn after_comment(f: u8) -> GzStep {
        if f & FHCRC != 0 {
            GzStep::Hcrc(2)
        } else {
            GzStep::Hcrc(0)
        }
    }
}

/// Counts the decompressed size of a gzip, zlib or raw deflate body.
pub(super) struct Decoder {
    stage: Stage,
    state: Option<Box<InflateState>>,
}

impl Decoder {
    /// Bytes the inflater holds (its window and tables), once it has started.
    pub(super) fn held(&self) -> usize {
        self.state
            .as_ref()
            .map_or(0, |_| std::mem::size_of::<InflateState>())
    }

    /// A decoder waiting for the first body byte.
    pub(super) fn new() -> Self {
        Decoder {
            stage: Stage::Detect(None),
            state: None,
        }
    }

    /// Switches to raw deflate from scratch.
    fn restart_raw(&mut self) {
        self.stage = Stage::Inflate;
        match self.state.as_mut() {
            Some(s) => s.reset(DataFormat::Raw),
            None => self.state = Some(InflateState::new_boxed(DataFormat::Raw)),
        }
    }

    /// Feeds one body delivery; returns how many decompressed bytes Zeek
    /// would count for it.
    pub(super) fn feed(&mut self, data: &[u8]) -> u64 {
        let mut input = data;
        let mut allow_restart = true;
        let mut total = 0u64;
        loop {
            match self.stage {
                Stage::Finished => return total,
                Stage::Detect(first) => {
                    let (b0, b1, used) = match (first, input.first(), input.get(1)) {
                        (_, None, _) => return total,
                        (None, Some(&a), None) => {
                            self.stage = Stage::Detect(Some(a));
                            return total;
                        }
                        (None, Some(&a), Some(&b)) => (a, b, 2usize),
                        (Some(a), Some(&b), _) => (a, b, 1usize),
                    };
                    input = input.get(used..).unwrap_or_default();
                    if b0 == 0x1f && b1 == 0x8b {
                        self.stage = Stage::Gzip(GzStep::Method);
                    } else if zlib_header_ok(b0, b1) {
                        if b1 & 0x20 != 0 {
                            // Preset dictionary: zlib answers Z_NEED_DICT, Zeek gives up.
                            self.stage = Stage::Finished;
                        } else {
                            self.stage = Stage::Inflate;
                            self.state = Some(InflateState::new_boxed(DataFormat::Raw));
                        }
                    } else if allow_restart {
                        allow_restart = false;
                        input = data;
                        self.restart_raw();
                    } else {
                        self.stage = Stage::Finished;
                    }
                }
                Stage::Gzip(mut step) => match step.skip(input) {
                    GzOutcome::More => {
                        self.stage = Stage::Gzip(step);
                        return total;
                    }
                    GzOutcome::Done(n) => {
                        input = input.get(n..).unwrap_or_default();
                        self.stage = Stage::Inflate;
                        self.state = Some(InflateState::new_boxed(DataFormat::Raw));
                    }
                    GzOutcome::Bad if allow_restart => {
                        allow_restart = false;
                        input = data;
                        self.restart_raw();
                    }
                    GzOutcome::Bad => self.stage = Stage::Finished,
                },
                Stage::Inflate => {
                    let (out, restart) = self.inflate_all(input, allow_restart);
                    total = total.saturating_add(out);
                    if !restart {
                        return total;
                    }
                    allow_restart = false;
                    input = data;
                    self.restart_raw();
                }
            }
        }
    }

    /// Runs inflate rounds over `input`. Returns the counted output and
    /// whether a raw-deflate restart is wanted.
    fn inflate_all(&mut self, mut input: &[u8], mut allow_restart: bool) -> (u64, bool) {
        let Some(state) = self.state.as_mut() else {
            self.stage = Stage::Finished;
            return (0, false);
        };
        let mut out = [0u8; ROUND];
        let mut total = 0u64;
        let mut drain_rounds = 0usize;
        loop {
            let r = inflate(state, input, &mut out, MZFlush::None);
            input = input.get(r.bytes_consumed..).unwrap_or_default();
            let written = u64::try_from(r.bytes_written).unwrap_or(0);
            match r.status {
                Ok(MZStatus::StreamEnd) => {
                    self.stage = Stage::Finished;
                    return (total.saturating_add(written), false);
                }
                Ok(_) => {
                    allow_restart = false;
                    total = total.saturating_add(written);
                    if r.bytes_consumed == 0 && r.bytes_written == 0 {
                        return (total, false);
                    }
                    if input.is_empty() {
                        // zlib has produced everything it can by now; drain
                        // what miniz still holds in its window.
                        drain_rounds = drain_rounds.saturating_add(1);
                        if r.bytes_written == 0 || drain_rounds > MAX_DRAIN_ROUNDS {
                            return (total, false);
                        }
                    }
                }
                Err(MZError::Buf) if input.is_empty() => return (total, false),
                Err(_) if allow_restart => return (total, true),
                Err(_) => {
                    self.stage = Stage::Finished;
                    return (total, false);
                }
            }
        }
    }
}

/// zlib's header check for a 32K window.
fn zlib_header_ok(cmf: u8, flg: u8) -> bool {
    let check = u16::from(cmf).wrapping_shl(8) | u16::from(flg);
    check % 31 == 0 && cmf & 0x0f == 8 && (cmf >> 4) <= 7
}
