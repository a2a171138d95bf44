//! The pieces of one IP datagram, put together by Zeek's rules (`FragReassembler`): a
//! fragment's bytes already received are kept (tshark keeps them too), the datagram's size
//! is set by its last fragment and grows when a fragment reaches beyond it, and it is whole
//! once the bytes from offset 0 run without a gap to at least that size. etherparse's
//! `IpDefragBuf` refuses such fragments (ends that disagree, unaligned lengths) and lets a
//! later copy overwrite an earlier one, so Zeek's and tshark's answers would differ.

/// Largest datagram payload an IP fragment can describe.
pub const MAX_DATAGRAM: u32 = 65_535;

/// The bytes received of one datagram.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Pieces {
    data: Vec<u8>,
    /// Byte ranges received, sorted, apart from each other.
    ranges: Vec<(u32, u32)>,
    /// The datagram's size once a last fragment (or one beyond it) has told it.
    size: Option<u32>,
}

impl Pieces {
    /// Adds a fragment's bytes at byte `offset`; `more`: more fragments follow. Err when
    /// the fragment reaches past [`MAX_DATAGRAM`].
    pub fn add(&mut self, offset: u32, more: bool, bytes: &[u8]) -> Result<(), ()> {
        let upper = offset
            .checked_add(u32::try_from(bytes.len()).map_err(|_| ())?)
            .filter(|&u| u <= MAX_DATAGRAM)
            .ok_or(())?;
        self.size = match (more, self.size) {
            (false, None) => Some(upper),
            (_, Some(size)) => Some(size.max(upper)),
            (true, None) => None,
        };
        if self.data.len() < upper as usize {
            self.data.resize(upper as usize, 0);
        }
        // Copy only into the gaps: bytes already received stay as they came.
        let mut at = offset;
        for i in 0..self.ranges.len() {
            let (start, end) = self.ranges[i];
            if end <= at {
                continue;
            }
            if start >= upper {
                break;
            }
            if start > at {
                self.copy(at, start, offset, bytes);
            }
            at = at.max(end);
        }
        if at < upper {
            self.copy(at, upper, offset, bytes);
        }
        self.insert(offset, upper);
        Ok(())
    }

    /// The datagram's length when it is whole: its bytes run from 0 to at least its size.
    pub fn whole(&self) -> Option<u32> {
        let size = self.size?;
        match self.ranges.first() {
            Some(&(0, end)) if end >= size => Some(end),
            _ => None,
        }
    }

    /// The bytes received, from offset 0.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Bytes held.
    pub fn held(&self) -> usize {
        self.data.capacity() + self.ranges.capacity() * 8
    }

    fn copy(&mut self, from: u32, to: u32, offset: u32, bytes: &[u8]) {
        let src = &bytes[(from - offset) as usize..(to - offset) as usize];
        self.data[from as usize..to as usize].copy_from_slice(src);
    }

    /// Adds `[start, end)` to the ranges received, merging it with those it touches.
    fn insert(&mut self, start: u32, end: u32) {
        let (mut start, mut end) = (start, end);
        self.ranges.retain(|&(s, e)| {
            let touches = s <= end && start <= e;
            if touches {
                start = start.min(s);
                end = end.max(e);
            }
            !touches
        });
        let at = self.ranges.partition_point(|&(s, _)| s < start);
        self.ranges.insert(at, (start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_copy_of_a_byte_is_kept() {
        let mut p = Pieces::default();
        p.add(8, false, &[2; 8]).unwrap();
        p.add(0, true, &[1; 16]).unwrap();
        assert_eq!(p.whole(), Some(16));
        assert_eq!(p.data(), [[1u8; 8], [2u8; 8]].concat());
    }

    #[test]
    fn a_fragment_beyond_the_last_one_grows_the_datagram_as_in_zeek() {
        // Zeek's ipv4/fragmented-1.pcap: 0..18 (more), 48..164 (last), 0..304 (more).
        let mut p = Pieces::default();
        p.add(0, true, &[1; 18]).unwrap();
        p.add(48, false, &[2; 116]).unwrap();
        assert_eq!(p.whole(), None);
        p.add(0, true, &[3; 304]).unwrap();
        assert_eq!(p.whole(), Some(304));
        assert_eq!(&p.data()[..18], &[1; 18]);
        assert_eq!(&p.data()[18..48], &[3; 30]);
        assert_eq!(&p.data()[48..164], &[2; 116]);
        assert_eq!(&p.data()[164..], &[3; 140]);
    }

    #[test]
    fn a_gap_keeps_the_datagram_waiting() {
        let mut p = Pieces::default();
        p.add(0, true, &[0; 8]).unwrap();
        p.add(16, false, &[0; 8]).unwrap();
        assert_eq!(p.whole(), None);
        p.add(8, true, &[0; 8]).unwrap();
        assert_eq!(p.whole(), Some(24));
        assert_eq!(p.ranges, vec![(0, 24)]);
    }

    #[test]
    fn past_64_kib_is_refused() {
        let mut p = Pieces::default();
        assert!(p.add(65_528, false, &[0; 8]).is_err());
        assert!(p.add(65_528, false, &[0; 7]).is_ok());
    }
}
