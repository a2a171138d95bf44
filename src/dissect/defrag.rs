//! IP fragment reassembly, as Zeek does it (`src/Frag.cc`, `IP.cc`): fragments are kept by
//! source, destination, identification and (IPv4) protocol until their datagram is whole,
//! which is then the packet of the frame that completed it. A fragment cut by the snap
//! length cannot be reassembled: a first one is analysed as it is (useful in header-only
//! captures), a later one belongs to no packet. [`pieces`] puts the bytes of one datagram
//! together; this file keeps the datagrams waiting, their headers, a time limit (Zeek's
//! `frag_timeout`, 5 minutes) and a memory budget.

mod pieces;

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use etherparse::IpFragOffset;
use pieces::Pieces;

/// How long the fragments of a datagram wait for the rest of it (Zeek's `frag_timeout`).
pub const FRAGMENT_TIMEOUT_NS: i64 = 300 * 1_000_000_000;
/// Datagrams waiting at once; beyond it the oldest is given up.
const MAX_DATAGRAMS: usize = 16_384;
/// Bytes held by the datagrams waiting at once (each holds at most 64 KiB); beyond it the
/// oldest is given up.
const MAX_HELD_BYTES: usize = 16 * 1024 * 1024;

/// A fragment, as dissection found it: what reassembly needs, borrowed from the frame.
#[derive(Debug, Clone, Copy)]
pub struct FragmentPiece<'a> {
    /// IP version, 4 or 6.
    pub version: u8,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// IPv4 identification or IPv6 fragment identification.
    pub ident: u32,
    /// Protocol of the fragmentable part (IPv6: the fragment header's next header).
    pub next_proto: u8,
    /// The IP header the reassembled datagram is given: IPv4 with its options, IPv6 the
    /// fixed 40 bytes (extension headers before the fragment header are left out).
    pub header: &'a [u8],
    /// Offset of the fragment's data, in 8-byte units.
    pub offset: IpFragOffset,
    /// More fragments follow.
    pub more: bool,
    /// The fragment's data, as far as it was captured.
    pub data: &'a [u8],
    /// The fragment's data length on the wire, from the IP length fields.
    pub wire_len: u32,
}

impl FragmentPiece<'_> {
    /// Whether the snap length cut the fragment's data.
    fn cut(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.wire_len)
    }
}

/// What became of a fragment.
#[derive(Debug)]
pub enum Added<'d> {
    /// Kept until the rest of its datagram comes: no packet by itself.
    Held,
    /// Cut by the snap length, offset 0: analysed as the packet it is.
    Alone,
    /// Cut by the snap length after offset 0, or refused (a datagram over 64 KiB): no
    /// packet.
    Dropped,
    /// It completed its datagram: the whole IP packet, header first.
    Whole(&'d [u8]),
}

/// Counts of what reassembly did over a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DefragStats {
    /// Fragments seen.
    pub fragments: u64,
    /// Datagrams put together.
    pub reassembled: u64,
    /// Fragments of datagrams never completed (the rest never came in time, did not fit
    /// the budget, or the input ended), cut by the snap length after offset 0, or refused.
    pub incomplete: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
struct DatagramKey {
    src: IpAddr,
    dst: IpAddr,
    ident: u32,
    /// IPv4's protocol (part of its datagram identity); 0 for IPv6.
    proto: u8,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Datagram {
    /// Its position in `order`'s sequence, to tell its entry from a reused key's.
    serial: u64,
    /// The bytes so far.
    pieces: Pieces,
    /// The header of its offset-0 fragment, once seen.
    header: Vec<u8>,
    /// The protocol of the datagram's payload, from its offset-0 fragment.
    next_proto: u8,
    /// Fragments it holds.
    fragments: u64,
}

impl Datagram {
    fn bytes(&self) -> usize {
        self.pieces.held() + self.header.capacity()
    }
}

/// The datagrams whose fragments are still coming. Kept between the batches of an appended
/// dataset (serialized with the tracker's state), so that a datagram cut by the end of a
/// batch is put together in the next.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Defragmenter {
    waiting: HashMap<DatagramKey, Datagram, ahash::RandomState>,
    /// (first fragment's time, key, serial), oldest first; entries of datagrams completed
    /// since are skipped when they reach the front.
    order: VecDeque<(i64, DatagramKey, u64)>,
    next_serial: u64,
    held_bytes: usize,
    /// The last datagram put together.
    #[serde(skip)]
    whole: Vec<u8>,
    /// This run's counts (a resumed batch counts afresh).
    #[serde(skip)]
    stats: DefragStats,
}

impl Defragmenter {
    /// Adds a fragment seen at `ts_ns`.
    pub fn add(&mut self, piece: &FragmentPiece<'_>, ts_ns: i64) -> Added<'_> {
        self.stats.fragments += 1;
        self.expire(ts_ns);
        if piece.cut() {
            if u16::from(piece.offset) == 0 {
                return Added::Alone;
            }
            self.stats.incomplete += 1;
            return Added::Dropped;
        }
        let key = DatagramKey {
            src: piece.src,
            dst: piece.dst,
            ident: piece.ident,
            proto: if piece.version == 4 {
                piece.next_proto
            } else {
                0
            },
        };
        if !self.waiting.contains_key(&key) {
            self.make_room();
            let serial = self.next_serial;
            self.next_serial += 1;
            let datagram = Datagram {
                serial,
                pieces: Pieces::default(),
                header: Vec::new(),
                next_proto: piece.next_proto,
                fragments: 0,
            };
            self.waiting.insert(key.clone(), datagram);
            self.push_order(ts_ns, key.clone(), serial);
        }
        let Some(d) = self.waiting.get_mut(&key) else {
            return Added::Dropped;
        };
        let before = d.bytes();
        d.fragments += 1;
        let offset = u32::from(piece.offset.byte_offset());
        let added = d.pieces.add(offset, piece.more, piece.data);
        if u16::from(piece.offset) == 0 && d.header.is_empty() {
            d.header.extend_from_slice(piece.header);
            d.next_proto = piece.next_proto;
        }
        self.held_bytes = self.held_bytes + d.bytes() - before;
        if added.is_err() {
            // A datagram over 64 KiB: given up whole.
            self.give_up(&key);
            return Added::Dropped;
        }
        // Datagrams grow after they begin: the oldest go until the budget holds again.
        while self.held_bytes > MAX_HELD_BYTES && !self.order.is_empty() {
            self.pop_oldest();
        }
        let Some(d) = self.waiting.get(&key) else {
            return Added::Dropped;
        };
        let Some(len) = d.pieces.whole().filter(|_| !d.header.is_empty()) else {
            return Added::Held;
        };
        let Some(d) = self.waiting.remove(&key) else {
            return Added::Dropped;
        };
        self.held_bytes -= d.bytes();
        self.stats.reassembled += 1;
        let data = &d.pieces.data()[..len as usize];
        build_datagram(&d.header, d.next_proto, data, &mut self.whole);
        Added::Whole(&self.whole)
    }

    /// Gives up every datagram still waiting (the input ended).
    pub fn finish(&mut self) {
        let keys: Vec<DatagramKey> = self.waiting.keys().cloned().collect();
        for key in keys {
            self.give_up(&key);
        }
        self.order.clear();
    }

    /// What reassembly did so far.
    pub fn stats(&self) -> DefragStats {
        self.stats
    }

    /// Queues a new datagram for its timeout. Entries of datagrams completed since stay in
    /// the queue until they reach its front, up to 5 minutes later: when they outnumber the
    /// datagrams waiting, the queue keeps only its live entries, so that its memory is
    /// bounded by the budget (at most every [`MAX_DATAGRAMS`] datagrams: O(1) amortised).
    fn push_order(&mut self, ts_ns: i64, key: DatagramKey, serial: u64) {
        if self.order.len() >= 2 * MAX_DATAGRAMS {
            let waiting = &self.waiting;
            self.order
                .retain(|(_, k, s)| waiting.get(k).is_some_and(|d| d.serial == *s));
        }
        self.order.push_back((ts_ns, key, serial));
    }

    /// Gives up the datagrams whose first fragment came more than the timeout ago.
    fn expire(&mut self, now: i64) {
        while let Some((ts, _, _)) = self.order.front() {
            if now.saturating_sub(*ts) <= FRAGMENT_TIMEOUT_NS {
                break;
            }
            self.pop_oldest();
        }
    }

    /// Gives up the oldest datagrams until one more fits.
    fn make_room(&mut self) {
        while !self.order.is_empty()
            && (self.waiting.len() >= MAX_DATAGRAMS || self.held_bytes >= MAX_HELD_BYTES)
        {
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) {
        if let Some((_, key, serial)) = self.order.pop_front()
            && self.waiting.get(&key).is_some_and(|d| d.serial == serial)
        {
            self.give_up(&key);
        }
    }

    fn give_up(&mut self, key: &DatagramKey) {
        if let Some(d) = self.waiting.remove(key) {
            self.held_bytes -= d.bytes();
            self.stats.incomplete += d.fragments;
        }
    }
}

/// Writes the reassembled IP packet into `out`: the offset-0 fragment's header with its
/// length fields set for the whole datagram and its fragment fields cleared, then `data`
/// (whose protocol is `next_proto`).
fn build_datagram(header: &[u8], next_proto: u8, data: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(header);
    out.extend_from_slice(data);
    if header.first().is_some_and(|b| b >> 4 == 4) {
        let total = (header.len() + data.len()).min(usize::from(u16::MAX)) as u16;
        out[2..4].copy_from_slice(&total.to_be_bytes());
        // Flags and fragment offset: no longer a fragment (DF kept).
        out[6] &= 0x40;
        out[7] = 0;
    } else {
        let payload = data.len().min(usize::from(u16::MAX)) as u16;
        out[4..6].copy_from_slice(&payload.to_be_bytes());
        // The next header becomes the fragment header's.
        out[6] = next_proto;
    }
}

#[cfg(test)]
mod tests;
