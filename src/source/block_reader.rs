//! The capture stream's bytes, read into blocks that frames can be kept from.
//!
//! pcap-parser's own streaming readers parse out of one circular buffer that each refill
//! shifts and overwrites, so a frame's bytes must be copied before the reader moves on.
//! The application stage needs the payloads of a batch after the reading thread has moved
//! on, and copying every payload was as much work as the stage's own parsing (BENCHMARKS,
//! eighth pass). This reader parses with the same pcap-parser functions and behaves as its
//! readers do (the same errors, `consume`/`refill` semantics), but over a [`SharedBlock`]:
//! while a batch holds a block, a refill moves the unread tail into another block instead
//! of overwriting it, and blocks nobody holds any more are used again.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;

use pcap_parser::nom::{self, IResult, Needed, Offset};
use pcap_parser::pcap::{
    LegacyPcapBlock, PcapHeader, parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified,
    parse_pcap_header,
};
use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le, parse_sectionheaderblock};
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};

/// Blocks kept for reuse once the batches holding them let go. Enough for every batch in
/// flight between the reader and the last tracker; beyond it the oldest is forgotten (and
/// freed when its last batch lets go), so memory stays bounded.
const SPARE_BLOCKS: usize = 96;

/// A block of capture bytes that frames' payloads can be kept from after the reader has
/// moved on.
#[derive(Debug, Clone)]
pub struct SharedBlock(Arc<Vec<u8>>);

impl SharedBlock {
    /// Where `bytes` starts in this block, when they lie entirely inside it.
    pub fn offset_of(&self, bytes: &[u8]) -> Option<usize> {
        let base = self.0.as_ptr() as usize;
        let start = (bytes.as_ptr() as usize).checked_sub(base)?;
        (start + bytes.len() <= self.0.len()).then_some(start)
    }

    /// The bytes at `start..start + len` (empty when out of range).
    pub fn get(&self, start: usize, len: usize) -> &[u8] {
        self.0.get(start..start.saturating_add(len)).unwrap_or(&[])
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether both are the same block.
    pub fn same(&self, other: &SharedBlock) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// A block of bytes owned by nobody else (for a frame read any other way).
    pub fn new(bytes: Vec<u8>) -> Self {
        SharedBlock(Arc::new(bytes))
    }
}

type LegacyParseFn = fn(&[u8]) -> IResult<&[u8], LegacyPcapBlock<'_>, PcapError<&[u8]>>;

/// Which of the two formats, and what parsing it needs to remember.
enum Syntax {
    Legacy {
        header: PcapHeader,
        parse: LegacyParseFn,
    },
    Ng {
        big_endian: bool,
    },
}

/// A pcap or pcapng stream parsed block by block out of [`SharedBlock`]s.
pub struct BlockReader {
    syntax: Syntax,
    reader: Box<dyn Read + Send>,
    /// Bytes `start..end` of `block` are read and not consumed.
    block: SharedBlock,
    start: usize,
    end: usize,
    consumed: usize,
    reader_exhausted: bool,
    /// Blocks handed out before, oldest first, to use again once no batch holds them.
    spare: VecDeque<SharedBlock>,
}

impl BlockReader {
    /// Reads a legacy pcap stream's file header, as `LegacyPcapReader::new` does (but also
    /// when the header arrives in pieces).
    pub fn legacy(
        capacity: usize,
        reader: Box<dyn Read + Send>,
    ) -> Result<Self, PcapError<&'static [u8]>> {
        // The syntax is known once the header is read: until then nothing is parsed but it.
        let mut this = Self::start(capacity, reader, Syntax::Ng { big_endian: false })?;
        let header = loop {
            let missing = match parse_pcap_header(this.data()) {
                Ok((_, h)) => break h,
                Err(nom::Err::Incomplete(needed)) => needed,
                Err(e) => return Err(owned_error(e)),
            };
            this.read_more(missing)?;
        };
        let parse: LegacyParseFn = if header.is_modified_format() {
            parse_pcap_frame_modified
        } else if header.is_bigendian() {
            parse_pcap_frame_be
        } else {
            parse_pcap_frame
        };
        this.syntax = Syntax::Legacy { header, parse };
        Ok(this)
    }

    /// Checks a pcapng stream's first section header, as `PcapNGReader::new` does (but also
    /// when the header arrives in pieces).
    pub fn pcapng(
        capacity: usize,
        reader: Box<dyn Read + Send>,
    ) -> Result<Self, PcapError<&'static [u8]>> {
        let mut this = Self::start(capacity, reader, Syntax::Ng { big_endian: false })?;
        loop {
            let missing = match parse_sectionheaderblock(this.data()) {
                Ok(_) => return Ok(this),
                Err(nom::Err::Incomplete(needed)) => needed,
                Err(e) => return Err(owned_error(e)),
            };
            this.read_more(missing)?;
        }
    }

    fn start(
        capacity: usize,
        mut reader: Box<dyn Read + Send>,
        syntax: Syntax,
    ) -> Result<Self, PcapError<&'static [u8]>> {
        let mut bytes = vec![0; capacity];
        let end = reader.read(&mut bytes).map_err(|_| PcapError::ReadError)?;
        Ok(BlockReader {
            syntax,
            reader,
            block: SharedBlock::new(bytes),
            start: 0,
            end,
            consumed: 0,
            reader_exhausted: false,
            spare: VecDeque::new(),
        })
    }

    /// Reads more of a header that came in pieces (pcap-parser's readers look at the first
    /// read only); at the end of the input or of the first block, the header is `missing`
    /// bytes short.
    fn read_more(&mut self, missing: Needed) -> Result<(), PcapError<&'static [u8]>> {
        let short = nom::Err::Incomplete(missing);
        if self.end == self.capacity() {
            return Err(owned_error(short));
        }
        let bytes = Arc::get_mut(&mut self.block.0).expect("nothing is handed out yet");
        let read = self
            .reader
            .read(&mut bytes[self.end..])
            .map_err(|_| PcapError::ReadError)?;
        self.end += read;
        if read == 0 {
            return Err(owned_error(short));
        }
        Ok(())
    }

    /// The block the current data lies in, for frames to keep their bytes from.
    pub fn block(&self) -> &SharedBlock {
        &self.block
    }

    fn capacity(&self) -> usize {
        self.block.0.len()
    }

    /// A block of the current capacity that nobody holds: the spare one let go of last
    /// when there is one (the likeliest to be still in the cache).
    fn free_block(&mut self) -> SharedBlock {
        let capacity = self.capacity();
        let reusable = self
            .spare
            .iter_mut()
            .rposition(|b| b.0.len() == capacity && Arc::get_mut(&mut b.0).is_some());
        match reusable.and_then(|i| self.spare.remove(i)) {
            Some(block) => block,
            None => SharedBlock::new(vec![0; capacity]),
        }
    }

    /// Moves the unread bytes to the front of a block that can be written, leaving any
    /// block still held by a batch untouched.
    fn shift(&mut self) {
        if self.start == 0 {
            return;
        }
        let (start, end) = (self.start, self.end);
        match Arc::get_mut(&mut self.block.0) {
            Some(bytes) => {
                bytes.copy_within(start..end, 0);
                self.end = end - start;
                self.start = 0;
            }
            None => self.move_to_free_block(),
        }
    }

    /// Continues in a block nobody else holds, with the unread bytes at its front; the
    /// current one is kept for reuse once its batches let go of it.
    fn move_to_free_block(&mut self) {
        let mut fresh = self.free_block();
        let unread = self.end - self.start;
        let bytes = Arc::get_mut(&mut fresh.0).expect("a free block is unshared");
        bytes[..unread].copy_from_slice(&self.block.0[self.start..self.end]);
        let held = std::mem::replace(&mut self.block, fresh);
        self.spare.push_back(held);
        if self.spare.len() > SPARE_BLOCKS {
            self.spare.pop_front();
        }
        self.start = 0;
        self.end = unread;
    }
}

impl PcapReaderIterator for BlockReader {
    fn next(&mut self) -> Result<(usize, PcapBlockOwned<'_>), PcapError<&[u8]>> {
        if let Syntax::Legacy { header, .. } = &self.syntax
            && self.consumed == 0
        {
            return Ok((header.size(), PcapBlockOwned::from(header.clone())));
        }
        if self.start == self.end && self.reader_exhausted {
            return Err(PcapError::Eof);
        }
        let available = self.end - self.start;
        let capacity = self.capacity();
        let exhausted = self.reader_exhausted;
        let data = &self.block.0[self.start..self.end];
        let parsed = match &mut self.syntax {
            Syntax::Legacy { parse, .. } => match parse(data) {
                Ok((rem, b)) => Ok((data.offset(rem), PcapBlockOwned::from(b))),
                Err(e) => Err(e),
            },
            Syntax::Ng { big_endian } => {
                let parse = if *big_endian {
                    parse_block_be
                } else {
                    parse_block_le
                };
                match parse(data) {
                    Ok((rem, b)) => {
                        if let Block::SectionHeader(shb) = &b {
                            *big_endian = shb.big_endian();
                        }
                        Ok((data.offset(rem), PcapBlockOwned::from(b)))
                    }
                    Err(e) => Err(e),
                }
            }
        };
        match parsed {
            Ok(step) => Ok(step),
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e),
            Err(nom::Err::Incomplete(_)) if exhausted => Err(PcapError::UnexpectedEof),
            Err(nom::Err::Incomplete(Needed::Size(n))) if available + n.get() >= capacity => {
                Err(PcapError::BufferTooSmall)
            }
            Err(nom::Err::Incomplete(Needed::Size(n))) => Err(PcapError::Incomplete(n.get())),
            Err(nom::Err::Incomplete(Needed::Unknown)) => Err(PcapError::Incomplete(0)),
        }
    }

    fn consume(&mut self, offset: usize) {
        self.consume_noshift(offset);
        self.shift();
    }

    fn consume_noshift(&mut self, offset: usize) {
        let offset = offset.min(self.end - self.start);
        self.consumed += offset;
        self.start += offset;
    }

    fn consumed(&self) -> usize {
        self.consumed
    }

    fn refill(&mut self) -> Result<(), PcapError<&[u8]>> {
        self.shift();
        if self.end == self.capacity() {
            return Ok(());
        }
        if Arc::get_mut(&mut self.block.0).is_none() {
            self.move_to_free_block();
        }
        let end = self.end;
        let bytes = Arc::get_mut(&mut self.block.0).expect("the current block is unshared");
        let read = self
            .reader
            .read(&mut bytes[end..])
            .map_err(|_| PcapError::ReadError)?;
        self.reader_exhausted = read == 0;
        self.end += read;
        Ok(())
    }

    fn position(&self) -> usize {
        self.start
    }

    fn grow(&mut self, new_size: usize) -> bool {
        if new_size <= self.capacity() {
            return false;
        }
        let mut bytes = vec![0; new_size];
        let unread = &self.block.0[self.start..self.end];
        bytes[..unread.len()].copy_from_slice(unread);
        self.end = unread.len();
        self.start = 0;
        self.block = SharedBlock::new(bytes);
        true
    }

    fn data(&self) -> &[u8] {
        &self.block.0[self.start..self.end]
    }

    fn reader_exhausted(&self) -> bool {
        self.reader_exhausted
    }
}

fn owned_error(e: nom::Err<PcapError<&[u8]>>) -> PcapError<&'static [u8]> {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.to_owned_vec(),
        nom::Err::Incomplete(Needed::Size(n)) => PcapError::Incomplete(n.get()),
        nom::Err::Incomplete(Needed::Unknown) => PcapError::Incomplete(0),
    }
}

#[cfg(test)]
#[path = "block_reader_tests.rs"]
mod tests;
