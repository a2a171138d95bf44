//! Reading the frames of one capture stream with pcap-parser's streaming readers, keeping
//! what pcapq needs for every frame (time in ns, lengths, link type, interface) and noting
//! where and how a damaged file stops.

use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};

use super::Frame;
use super::block_reader::{BlockReader, SharedBlock};
use super::input::{
    CaptureFormat, Compression, InputSpec, LastIoError, OpenError, ReadCounter, open_input,
};
use super::stats::{CaptureStats, Damage};

/// Initial size of the reader's blocks.
const INITIAL_BUFFER: usize = 256 * 1024;
/// Largest frame or pcapng block pcapq accepts. A length field beyond it is treated as
/// corruption, so a hostile file cannot make the reader allocate without bound.
pub const MAX_BLOCK_BYTES: usize = 16 * 1024 * 1024;

/// Link type and clock of one pcapng interface (or of a legacy pcap file).
#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: u32,
    snaplen: u32,
    /// Timestamp units per second.
    units_per_sec: u64,
    /// `if_tsoffset`: seconds added to every timestamp.
    offset_s: i64,
}

/// Where the current (not yet consumed) frame sits in the parser's buffer.
#[derive(Debug, Clone, Copy)]
struct Current {
    ts_ns: i64,
    caplen: u32,
    wire_len: u32,
    link_type: u32,
    interface_id: u32,
    data_start: usize,
    data_len: usize,
    block_len: usize,
}

/// One step of the parser, owned so the parser can be used again.
enum Step {
    Skip(usize),
    Frame(Current),
    Eof,
    NeedMore,
    Grow,
    Damaged(String),
}

/// Link type pcapq reports for a frame whose pcapng interface is undefined.
pub const LINKTYPE_UNDEFINED_INTERFACE: u32 = u32::MAX;

/// Frames of one capture, in file order.
pub struct CaptureReader {
    stats: CaptureStats,
    parser: BlockReader,
    last_io_error: LastIoError,
    raw_bytes: ReadCounter,
    interfaces: Vec<Interface>,
    legacy_big_endian: bool,
    ng_big_endian: bool,
    current: Option<Current>,
    finished: bool,
    capacity: usize,
    /// Last timestamp seen: simple packet blocks carry none and reuse it.
    last_ts_ns: i64,
    stalled_refills: u32,
}

impl CaptureReader {
    /// Opens an input and reads its header. Fails only when the input is not a capture at all.
    pub fn open(spec: &InputSpec, capture_id: u32) -> Result<Self, OpenError> {
        let opened = open_input(spec)?;
        let name = spec.to_string();
        let parser = match opened.format {
            CaptureFormat::Pcap => BlockReader::legacy(INITIAL_BUFFER, opened.stream)
                .map_err(|e| not_a_capture(&name, "pcap", &e))?,
            CaptureFormat::Pcapng => BlockReader::pcapng(INITIAL_BUFFER, opened.stream)
                .map_err(|e| not_a_capture(&name, "pcapng", &e))?,
        };
        let mut stats = CaptureStats::new(capture_id, name, opened.format, opened.compression);
        stats.file_bytes = spec.file_size();
        if let (InputSpec::File(path), Some(_)) = (spec, stats.file_bytes) {
            stats.file_path = std::fs::canonicalize(path)
                .ok()
                .map(|p| p.to_string_lossy().into_owned());
            stats.file_hash = super::fingerprint::file_fingerprint(path).ok();
        }
        Ok(CaptureReader {
            stats,
            parser,
            last_io_error: opened.last_io_error,
            raw_bytes: opened.raw_bytes_read,
            interfaces: Vec::new(),
            legacy_big_endian: false,
            ng_big_endian: false,
            current: None,
            finished: false,
            capacity: INITIAL_BUFFER,
            last_ts_ns: 0,
            stalled_refills: 0,
        })
    }

    /// What has been learnt about this capture so far.
    pub fn stats(&self) -> &CaptureStats {
        &self.stats
    }

    /// Mutable access, for the pipeline's own counters (decode errors).
    pub fn stats_mut(&mut self) -> &mut CaptureStats {
        &mut self.stats
    }

    /// Gives the statistics away once reading is over.
    pub fn into_stats(self) -> CaptureStats {
        self.stats
    }

    /// Timestamp units per second of an interface of the current section.
    pub fn ts_units_per_sec(&self, interface_id: u32) -> Option<u64> {
        self.interfaces
            .get(interface_id as usize)
            .map(|i| i.units_per_sec)
    }

    /// Compression of the input.
    pub fn compression(&self) -> Compression {
        self.stats.compression
    }

    /// Raw (compressed) bytes read from the input so far.
    pub fn raw_bytes_read(&self) -> u64 {
        self.raw_bytes.get()
    }

    /// The counter behind [`CaptureReader::raw_bytes_read`], for another thread to read.
    pub(super) fn read_counter(&self) -> super::input::ReadCounter {
        self.raw_bytes.clone()
    }

    /// Timestamp of the current frame, if there is one.
    pub fn current_ts(&self) -> Option<i64> {
        self.current.map(|c| c.ts_ns)
    }

    /// The current frame, valid until the next call to [`CaptureReader::advance`].
    pub fn frame(&self) -> Option<Frame<'_>> {
        let c = self.current?;
        let buf = self.parser.data();
        let data = buf.get(c.data_start..c.data_start + c.data_len)?;
        Some(Frame {
            capture_id: self.stats.capture_id,
            number: self.stats.frames,
            ts_ns: c.ts_ns,
            caplen: c.caplen,
            wire_len: c.wire_len,
            link_type: c.link_type,
            interface_id: c.interface_id,
            data,
        })
    }

    /// The block the current frame's bytes lie in: a batch can keep them from it after
    /// [`CaptureReader::advance`] instead of copying them.
    pub fn block(&self) -> Option<&SharedBlock> {
        self.current.map(|_| self.parser.block())
    }

    /// Moves to the next frame. Returns false at the end of the capture, which is either its
    /// clean end or the first damage found (then recorded in [`CaptureStats::damage`]).
    pub fn advance(&mut self) -> bool {
        if let Some(c) = self.current.take() {
            self.parser.consume_noshift(c.block_len);
        }
        while !self.finished {
            match self.step() {
                Step::Skip(n) => self.parser.consume_noshift(n),
                Step::Frame(c) => {
                    self.record(&c);
                    self.current = Some(c);
                    return true;
                }
                Step::Eof => self.finished = true,
                Step::NeedMore => self.refill(),
                Step::Grow => {}
                Step::Damaged(message) => self.damage(message),
            }
        }
        false
    }

    fn record(&mut self, c: &Current) {
        let s = &mut self.stats;
        s.frames += 1;
        s.captured_bytes += u64::from(c.caplen);
        s.wire_bytes += u64::from(c.wire_len);
        s.first_ts = Some(s.first_ts.map_or(c.ts_ns, |t| t.min(c.ts_ns)));
        s.last_ts = Some(s.last_ts.map_or(c.ts_ns, |t| t.max(c.ts_ns)));
        if let Some(iface) = self.interfaces.get(c.interface_id as usize)
            && iface.snaplen > 0
            && c.caplen > iface.snaplen
        {
            s.frames_over_snaplen += 1;
        }
        self.last_ts_ns = c.ts_ns;
    }

    fn damage(&mut self, message: String) {
        self.finished = true;
        let offset = self.parser.consumed() as u64;
        self.stats.damage = Some(Damage { offset, message });
    }

    fn refill(&mut self) {
        let before = self.parser.data().len();
        if self.parser.refill().is_err() {
            let reason = self
                .last_io_error
                .take()
                .unwrap_or_else(|| "read failed".to_string());
            self.damage(format!("read error: {reason}"));
            return;
        }
        if self.parser.data().len() == before && !self.parser.reader_exhausted() {
            // A reader that returns data in tiny pieces is fine; one that never advances is not.
            self.stalled_refills += 1;
            if self.stalled_refills > 1000 {
                self.damage("the input stopped delivering data".to_string());
            }
        } else {
            self.stalled_refills = 0;
        }
    }

    /// Parses one block and turns the outcome into an owned [`Step`].
    fn step(&mut self) -> Step {
        let base = self.parser.data().as_ptr() as usize;
        let outcome = match self.parser.next() {
            Ok((len, block)) => Ok((len, block_step(block, base, len))),
            Err(e) => Err(error_kind(&e)),
        };
        match outcome {
            Ok((
                len,
                BlockStep::Legacy {
                    ts_sec,
                    ts_frac,
                    caplen,
                    wire_len,
                    start,
                    data_len,
                },
            )) => {
                let iface = self.interfaces.first().copied();
                let Some(iface) = iface else {
                    return Step::Damaged("frame before the file header".into());
                };
                let ts_ns = legacy_ts_ns(ts_sec, ts_frac, iface.units_per_sec);
                Step::Frame(Current {
                    ts_ns,
                    caplen,
                    wire_len,
                    link_type: iface.link_type,
                    interface_id: 0,
                    data_start: start,
                    data_len,
                    block_len: len,
                })
            }
            Ok((
                len,
                BlockStep::LegacyHeader {
                    link_type,
                    snaplen,
                    nanos,
                    big_endian,
                },
            )) => {
                self.legacy_big_endian = big_endian;
                self.add_interface(Interface {
                    link_type,
                    snaplen,
                    units_per_sec: if nanos { 1_000_000_000 } else { 1_000_000 },
                    offset_s: 0,
                });
                Step::Skip(len)
            }
            Ok((len, BlockStep::Section { big_endian })) => {
                self.ng_big_endian = big_endian;
                self.interfaces.clear();
                self.stats.sections += 1;
                Step::Skip(len)
            }
            Ok((
                len,
                BlockStep::Interface {
                    link_type,
                    snaplen,
                    units_per_sec,
                    offset_s,
                },
            )) => {
                self.add_interface(Interface {
                    link_type,
                    snaplen,
                    units_per_sec,
                    offset_s,
                });
                Step::Skip(len)
            }
            Ok((
                len,
                BlockStep::Enhanced {
                    if_id,
                    ts_units,
                    caplen,
                    wire_len,
                    start,
                    data_len,
                },
            )) => {
                let (link_type, ts_ns) = match self.interfaces.get(if_id as usize) {
                    Some(i) => (i.link_type, ng_ts_ns(ts_units, i.units_per_sec, i.offset_s)),
                    None => (
                        LINKTYPE_UNDEFINED_INTERFACE,
                        ng_ts_ns(ts_units, 1_000_000, 0),
                    ),
                };
                Step::Frame(Current {
                    ts_ns,
                    caplen,
                    wire_len,
                    link_type,
                    interface_id: if_id,
                    data_start: start,
                    data_len,
                    block_len: len,
                })
            }
            Ok((
                len,
                BlockStep::Simple {
                    wire_len,
                    start,
                    data_len,
                },
            )) => {
                let (link_type, snaplen) = match self.interfaces.first() {
                    Some(i) => (i.link_type, i.snaplen),
                    None => (LINKTYPE_UNDEFINED_INTERFACE, 0),
                };
                let mut caplen = (data_len as u32).min(wire_len);
                if snaplen > 0 {
                    caplen = caplen.min(snaplen);
                }
                Step::Frame(Current {
                    ts_ns: self.last_ts_ns,
                    caplen,
                    wire_len,
                    link_type,
                    interface_id: 0,
                    data_start: start,
                    data_len: caplen as usize,
                    block_len: len,
                })
            }
            Ok((len, BlockStep::Other)) => Step::Skip(len),
            Err(ErrorKind::Eof) => Step::Eof,
            Err(ErrorKind::Incomplete) => Step::NeedMore,
            Err(ErrorKind::TooSmall) => self.grow_or_damage(),
            Err(ErrorKind::UnexpectedEof) => {
                if self.parser.data().is_empty() {
                    Step::Eof
                } else {
                    Step::Damaged(self.describe_truncation())
                }
            }
            Err(ErrorKind::Read) => {
                let reason = self
                    .last_io_error
                    .take()
                    .unwrap_or_else(|| "read failed".to_string());
                Step::Damaged(format!("read error: {reason}"))
            }
            Err(ErrorKind::Corrupt(what)) => Step::Damaged(self.describe_corruption(&what)),
        }
    }

    fn add_interface(&mut self, iface: Interface) {
        self.interfaces.push(iface);
        self.stats.interfaces += 1;
        if !self.stats.link_types.contains(&iface.link_type) {
            self.stats.link_types.push(iface.link_type);
        }
        self.stats.snaplen = Some(
            self.stats
                .snaplen
                .map_or(iface.snaplen, |s| s.max(iface.snaplen)),
        );
        let precision = precision_name(iface.units_per_sec);
        if !self.stats.ts_precisions.iter().any(|p| p == &precision) {
            self.stats.ts_precisions.push(precision);
        }
    }

    /// Length the block at the front of the buffer claims, read from its header.
    fn claimed_block_len(&self) -> Option<usize> {
        let data = self.parser.data();
        match self.stats.format {
            CaptureFormat::Pcap => {
                let raw: [u8; 4] = data.get(8..12)?.try_into().ok()?;
                let caplen = if self.legacy_big_endian {
                    u32::from_be_bytes(raw)
                } else {
                    u32::from_le_bytes(raw)
                };
                Some(16 + caplen as usize)
            }
            CaptureFormat::Pcapng => {
                let raw: [u8; 4] = data.get(4..8)?.try_into().ok()?;
                let len = if self.ng_big_endian {
                    u32::from_be_bytes(raw)
                } else {
                    u32::from_le_bytes(raw)
                };
                Some(len as usize)
            }
        }
    }

    fn unit_name(&self) -> &'static str {
        match self.stats.format {
            CaptureFormat::Pcap => "frame",
            CaptureFormat::Pcapng => "block",
        }
    }

    fn grow_or_damage(&mut self) -> Step {
        let Some(claimed) = self.claimed_block_len() else {
            return Step::Damaged(format!("unreadable {} header", self.unit_name()));
        };
        if claimed > MAX_BLOCK_BYTES {
            return Step::Damaged(format!(
                "corrupt {unit}: its header claims {claimed} bytes, more than the {} MiB limit",
                MAX_BLOCK_BYTES >> 20,
                unit = self.unit_name()
            ));
        }
        let wanted = (claimed + 64)
            .next_power_of_two()
            .max(self.capacity * 2)
            .min(MAX_BLOCK_BYTES * 2);
        if wanted <= self.capacity || !self.parser.grow(wanted) {
            return Step::Damaged(format!(
                "cannot buffer a {claimed}-byte {}",
                self.unit_name()
            ));
        }
        self.capacity = wanted;
        Step::Grow
    }

    fn describe_truncation(&self) -> String {
        let have = self.parser.data().len();
        let unit = self.unit_name();
        let header = match self.stats.format {
            CaptureFormat::Pcap => 16,
            CaptureFormat::Pcapng => 12,
        };
        match self.claimed_block_len() {
            Some(need) if have >= header => {
                format!("truncated: the file ends {have} bytes into a {need}-byte {unit}")
            }
            _ => format!("truncated: the file ends {have} bytes into a {unit} header"),
        }
    }

    fn describe_corruption(&self, what: &str) -> String {
        match self.claimed_block_len() {
            Some(len) => format!(
                "corrupt {} (claimed length {len}): {what}",
                self.unit_name()
            ),
            None => format!("corrupt {}: {what}", self.unit_name()),
        }
    }
}

fn not_a_capture(name: &str, format: &str, e: &PcapError<&[u8]>) -> OpenError {
    OpenError::NotACapture {
        input: name.to_string(),
        found: format!("its {format} header is invalid ({})", error_text(e)),
    }
}

fn error_text(e: &PcapError<&[u8]>) -> String {
    match e {
        PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
            format!("{kind:?} check failed")
        }
        PcapError::Incomplete(_) | PcapError::UnexpectedEof => "incomplete header".to_string(),
        other => other.to_string(),
    }
}

/// Errors of the parser, owned.
enum ErrorKind {
    Eof,
    Incomplete,
    TooSmall,
    UnexpectedEof,
    Read,
    Corrupt(String),
}

fn error_kind(e: &PcapError<&[u8]>) -> ErrorKind {
    match e {
        PcapError::Eof => ErrorKind::Eof,
        PcapError::Incomplete(_) => ErrorKind::Incomplete,
        PcapError::BufferTooSmall => ErrorKind::TooSmall,
        PcapError::UnexpectedEof => ErrorKind::UnexpectedEof,
        PcapError::ReadError => ErrorKind::Read,
        PcapError::HeaderNotRecognized => ErrorKind::Corrupt("unrecognised header".to_string()),
        PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
            ErrorKind::Corrupt(match kind {
                pcap_parser::nom::error::ErrorKind::Verify => {
                    "lengths or magic number do not check out".to_string()
                }
                k => format!("{k:?} check failed"),
            })
        }
    }
}

/// A parsed block reduced to plain values.
enum BlockStep {
    LegacyHeader {
        link_type: u32,
        snaplen: u32,
        nanos: bool,
        big_endian: bool,
    },
    Legacy {
        ts_sec: u32,
        ts_frac: u32,
        caplen: u32,
        wire_len: u32,
        start: usize,
        data_len: usize,
    },
    Section {
        big_endian: bool,
    },
    Interface {
        link_type: u32,
        snaplen: u32,
        units_per_sec: u64,
        offset_s: i64,
    },
    Enhanced {
        if_id: u32,
        ts_units: u64,
        caplen: u32,
        wire_len: u32,
        start: usize,
        data_len: usize,
    },
    Simple {
        wire_len: u32,
        start: usize,
        data_len: usize,
    },
    Other,
}

/// Link-type field masks: the upper bits of the pcap header's link type carry FCS flags.
const LINKTYPE_MASK: u32 = 0x03FF_FFFF;

fn block_step(block: PcapBlockOwned<'_>, base: usize, _len: usize) -> BlockStep {
    let start_of = |data: &[u8]| (data.as_ptr() as usize).wrapping_sub(base);
    match block {
        PcapBlockOwned::LegacyHeader(h) => BlockStep::LegacyHeader {
            link_type: (h.network.0 as u32) & LINKTYPE_MASK,
            snaplen: h.snaplen,
            nanos: h.is_nanosecond_precision(),
            big_endian: h.is_bigendian(),
        },
        PcapBlockOwned::Legacy(b) => BlockStep::Legacy {
            ts_sec: b.ts_sec,
            ts_frac: b.ts_usec,
            caplen: b.caplen,
            wire_len: b.origlen,
            start: start_of(b.data),
            data_len: b.data.len(),
        },
        PcapBlockOwned::NG(Block::SectionHeader(shb)) => BlockStep::Section {
            big_endian: shb.big_endian(),
        },
        PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => BlockStep::Interface {
            link_type: (idb.linktype.0 as u32) & 0xFFFF,
            snaplen: idb.snaplen,
            units_per_sec: idb.ts_resolution().filter(|&r| r > 0).unwrap_or(1_000_000),
            offset_s: idb.ts_offset(),
        },
        PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
            let data_len = (epb.caplen as usize).min(epb.data.len());
            BlockStep::Enhanced {
                if_id: epb.if_id,
                ts_units: (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low),
                caplen: data_len as u32,
                wire_len: epb.origlen,
                start: start_of(epb.data),
                data_len,
            }
        }
        PcapBlockOwned::NG(Block::SimplePacket(spb)) => BlockStep::Simple {
            wire_len: spb.origlen,
            start: start_of(spb.data),
            data_len: spb.data.len(),
        },
        PcapBlockOwned::NG(_) => BlockStep::Other,
    }
}

/// Nanoseconds since the epoch of a legacy pcap timestamp.
fn legacy_ts_ns(sec: u32, frac: u32, units_per_sec: u64) -> i64 {
    let frac_ns = if units_per_sec == 1_000_000_000 {
        i64::from(frac)
    } else {
        i64::from(frac) * 1000
    };
    i64::from(sec) * 1_000_000_000 + frac_ns
}

/// Nanoseconds since the epoch of a pcapng timestamp in interface units, saturating.
fn ng_ts_ns(units: u64, units_per_sec: u64, offset_s: i64) -> i64 {
    let ns = if units_per_sec == 1_000_000_000 {
        u128::from(units)
    } else {
        u128::from(units) * 1_000_000_000 / u128::from(units_per_sec.max(1))
    };
    let ns = i64::try_from(ns).unwrap_or(i64::MAX);
    ns.saturating_add(offset_s.saturating_mul(1_000_000_000))
}

/// Short name of a timestamp resolution: `us`, `ns`, or `1/N s`.
fn precision_name(units_per_sec: u64) -> String {
    match units_per_sec {
        1 => "s".to_string(),
        1_000 => "ms".to_string(),
        1_000_000 => "us".to_string(),
        1_000_000_000 => "ns".to_string(),
        n => format!("1/{n} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_timestamps_of_every_resolution() {
        assert_eq!(legacy_ts_ns(1, 500_000, 1_000_000), 1_500_000_000);
        assert_eq!(legacy_ts_ns(1, 5, 1_000_000_000), 1_000_000_005);
        assert_eq!(ng_ts_ns(1_500_000, 1_000_000, 0), 1_500_000_000);
        assert_eq!(ng_ts_ns(3, 2, 10), 11_500_000_000);
        assert_eq!(ng_ts_ns(u64::MAX, 1, 0), i64::MAX);
    }
}
