//! The block reader against pcap-parser's own streaming readers: the same blocks, lengths
//! and errors on every capture the project bundles (damaged ones included), read whole or
//! a few bytes at a time, while every frame's block is still held as batches hold them.

use std::io::Read;
use std::path::{Path, PathBuf};

use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};

use super::{BlockReader, SharedBlock};
use crate::source::{CaptureFormat, InputSpec, open_input};

/// A reader that hands out at most `step` bytes per call.
struct Trickle<R> {
    inner: R,
    step: usize,
}

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step);
        self.inner.read(&mut buf[..n])
    }
}

/// A frame's bytes, the block they were handed out in and where.
type Held = (SharedBlock, usize, Vec<u8>);

/// What a reader gave, block by block (consumed length and a description), then how it
/// ended. `block` gives the reader's current block, when it has one to hold.
fn outcome<P: PcapReaderIterator + ?Sized>(
    parser: &mut P,
    block: impl Fn(&P) -> Option<SharedBlock>,
    held: &mut Vec<Held>,
) -> (Vec<(usize, String)>, String) {
    let mut blocks = Vec::new();
    let mut capacity = 1024;
    loop {
        // `next` parses out of the current block: take it first.
        let current = block(parser);
        let mut hold = |data: &[u8]| {
            if let Some(b) = &current
                && let Some(at) = b.offset_of(data)
            {
                held.push((b.clone(), at, data.to_vec()));
            }
        };
        let (len, text) = match parser.next() {
            Ok((len, block)) => {
                let text = match &block {
                    PcapBlockOwned::Legacy(b) => {
                        hold(b.data);
                        format!("frame {} {} {} {:?}", b.ts_sec, b.ts_usec, b.caplen, b.data)
                    }
                    PcapBlockOwned::LegacyHeader(h) => format!("header {h:?}"),
                    PcapBlockOwned::NG(Block::EnhancedPacket(e)) => {
                        hold(e.data);
                        format!("epb {e:?}")
                    }
                    PcapBlockOwned::NG(b) => format!("ng {b:?}"),
                };
                (len, text)
            }
            Err(PcapError::Eof) => return (blocks, "eof".into()),
            Err(PcapError::Incomplete(_)) => {
                if parser.refill().is_err() {
                    return (blocks, "read error".into());
                }
                continue;
            }
            Err(PcapError::BufferTooSmall) if capacity < (1 << 24) => {
                capacity *= 4;
                parser.grow(capacity);
                continue;
            }
            Err(e) => {
                let text = format!("error {e}");
                return (blocks, format!("{text} at {}", parser.consumed()));
            }
        };
        blocks.push((len, text));
        parser.consume_noshift(len);
    }
}

fn captures(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            captures(&path, found);
        } else if path.to_string_lossy().contains(".pcap") {
            found.push(path);
        }
    }
}

/// pcap-parser's reader of the capture, or its refusal.
fn theirs(spec: &InputSpec) -> Result<Box<dyn PcapReaderIterator>, String> {
    let opened = open_input(spec).map_err(|e| e.to_string())?;
    match opened.format {
        CaptureFormat::Pcap => pcap_parser::LegacyPcapReader::new(1024, opened.stream)
            .map(|r| Box::new(r) as Box<dyn PcapReaderIterator>),
        CaptureFormat::Pcapng => pcap_parser::PcapNGReader::new(1024, opened.stream)
            .map(|r| Box::new(r) as Box<dyn PcapReaderIterator>),
    }
    .map_err(|e| e.to_string())
}

/// Ours, fed `step` bytes per read at most.
fn ours(spec: &InputSpec, step: usize) -> Result<BlockReader, String> {
    let opened = open_input(spec).map_err(|e| e.to_string())?;
    let stream: Box<dyn Read + Send> = Box::new(Trickle {
        inner: opened.stream,
        step,
    });
    match opened.format {
        CaptureFormat::Pcap => BlockReader::legacy(1024, stream),
        CaptureFormat::Pcapng => BlockReader::pcapng(1024, stream),
    }
    .map_err(|e| e.to_string())
}

#[test]
fn reads_every_bundled_capture_as_pcap_parser_does() {
    let mut found = Vec::new();
    captures(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pcaps"),
        &mut found,
    );
    found.sort();
    let mut compared = 0;
    for path in &found {
        let spec = InputSpec::File(path.clone());
        for step in [usize::MAX, 7] {
            let name = format!("{} (reads of at most {step} bytes)", path.display());
            let (mut ours, mut theirs) = match (ours(&spec, step), theirs(&spec)) {
                (Ok(o), Ok(t)) => (o, t),
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "{name}");
                    continue;
                }
                (o, t) => panic!("{name}: ours {:?}, pcap-parser's {:?}", o.err(), t.err()),
            };
            let mut held = Vec::new();
            let got = outcome(&mut ours, |r| Some(r.block().clone()), &mut held);
            let want = outcome(theirs.as_mut(), |_| None, &mut Vec::new());
            assert_eq!(got, want, "{name}");
            // Frames held while the reader went on still hold their own bytes.
            for (block, at, bytes) in &held {
                assert_eq!(block.get(*at, bytes.len()), &bytes[..], "{name}");
            }
            compared += 1;
        }
    }
    assert!(compared > 40, "only {compared} readings compared");
}

#[test]
fn a_block_nobody_holds_is_used_again() {
    let mut bytes = Vec::new();
    // A legacy pcap header and 200 frames of 100 bytes.
    bytes.extend_from_slice(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
    bytes.extend_from_slice(&[0; 8]);
    bytes.extend_from_slice(&65535u32.to_le_bytes());
    bytes.extend_from_slice(&1u32.to_le_bytes());
    for i in 0..200u32 {
        bytes.extend_from_slice(&i.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&100u32.to_le_bytes());
        bytes.extend_from_slice(&100u32.to_le_bytes());
        bytes.extend_from_slice(&[i as u8; 100]);
    }
    let mut reader = BlockReader::legacy(1024, Box::new(std::io::Cursor::new(bytes))).unwrap();
    let mut held = Vec::new();
    let (blocks, end) = outcome(&mut reader, |r| Some(r.block().clone()), &mut held);
    assert_eq!((blocks.len(), end.as_str()), (201, "eof"));
    assert_eq!(held.len(), 200);
    // Holding every frame forced a block per refill; once let go, they are spares.
    let distinct = held.windows(2).filter(|w| !w[0].0.same(&w[1].0)).count() + 1;
    assert!(distinct > 10, "{distinct} blocks");
    drop(held);
    let spare_before = reader.spare.len();
    reader.start = reader.end;
    let fresh = reader.free_block();
    assert_eq!(reader.spare.len(), spare_before - 1, "a spare was used");
    assert_eq!(fresh.0.len(), 1024);
}
