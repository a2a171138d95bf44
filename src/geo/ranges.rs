//! Inclusive address ranges with an AS number and organisation, searched by binary search.
//!
//! Ranges may overlap (the real ip-location-db file has one pair that does): where they
//! do, the range that starts later wins (it is the more specific one), and of two ranges
//! with the same start the narrower wins, then the later line. The ranges are flattened
//! into disjoint segments once, when the table is built.

use std::collections::HashMap;
use std::net::IpAddr;

/// One range as read from a file.
#[derive(Clone, Copy, Debug)]
struct Raw<T> {
    start: T,
    end: T,
    asn: u32,
    org: u32,
}

/// A disjoint piece of the flattened table.
#[derive(Clone, Copy, Debug)]
struct Seg<T> {
    start: T,
    end: T,
    asn: u32,
    org: u32,
}

/// Address widths the table works with (u32 for IPv4, u128 for IPv6).
trait Bound: Copy + Ord {
    fn succ(self) -> Option<Self>;
    fn pred(self) -> Option<Self>;
}

impl Bound for u32 {
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn pred(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

impl Bound for u128 {
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn pred(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

/// Collects ranges and interns organisation names.
#[derive(Default)]
pub(super) struct RangeBuilder {
    v4: Vec<Raw<u32>>,
    v6: Vec<Raw<u128>>,
    org_ids: HashMap<Box<str>, u32>,
    orgs: Vec<Box<str>>,
    org_bytes: usize,
}

impl RangeBuilder {
    /// Bytes of distinct organisation names so far.
    pub(super) fn org_bytes(&self) -> usize {
        self.org_bytes
    }

    /// Ranges added so far.
    pub(super) fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// Adds one inclusive range; the caller has checked `start <= end` and the families.
    pub(super) fn add(&mut self, start: IpAddr, end: IpAddr, asn: u32, org: &str) {
        let org = self.intern(org);
        match (start, end) {
            (IpAddr::V4(s), IpAddr::V4(e)) => self.v4.push(Raw {
                start: s.to_bits(),
                end: e.to_bits(),
                asn,
                org,
            }),
            (IpAddr::V6(s), IpAddr::V6(e)) => self.v6.push(Raw {
                start: s.to_bits(),
                end: e.to_bits(),
                asn,
                org,
            }),
            _ => {}
        }
    }

    fn intern(&mut self, org: &str) -> u32 {
        if let Some(&id) = self.org_ids.get(org) {
            return id;
        }
        let id = self.orgs.len() as u32;
        self.org_bytes += org.len();
        self.orgs.push(org.into());
        self.org_ids.insert(org.into(), id);
        id
    }

    /// Sorts and flattens the ranges into a searchable table.
    pub(super) fn finish(self) -> RangeTable {
        RangeTable {
            v4: flatten(self.v4),
            v6: flatten(self.v6),
            orgs: self.orgs,
        }
    }
}

/// Disjoint sorted segments of both families, ready for lookups.
#[derive(Debug)]
pub(super) struct RangeTable {
    v4: Vec<Seg<u32>>,
    v6: Vec<Seg<u128>>,
    orgs: Vec<Box<str>>,
}

impl RangeTable {
    /// Number of disjoint segments (IPv4 + IPv6).
    pub(super) fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// AS number and organisation of the range holding `ip`. IPv4-mapped IPv6 addresses
    /// are looked up as IPv4.
    pub(super) fn lookup(&self, ip: IpAddr) -> Option<(u32, &str)> {
        let (asn, org) = match ip {
            IpAddr::V4(v4) => find(&self.v4, v4.to_bits())?,
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => find(&self.v4, v4.to_bits())?,
                None => find(&self.v6, v6.to_bits())?,
            },
        };
        Some((asn, self.orgs.get(org as usize).map_or("", |o| o)))
    }
}

fn find<T: Bound>(segs: &[Seg<T>], ip: T) -> Option<(u32, u32)> {
    let after = segs.partition_point(|s| s.start <= ip);
    let seg = segs.get(after.checked_sub(1)?)?;
    (ip <= seg.end).then_some((seg.asn, seg.org))
}

/// Turns possibly overlapping ranges into disjoint segments: at every address, the
/// covering range with the latest start wins (ties: the narrower, then the later one).
fn flatten<T: Bound>(mut raws: Vec<Raw<T>>) -> Vec<Seg<T>> {
    // Stable sort: among equal (start, end) the later line stays later and wins.
    raws.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Seg<T>> = Vec::with_capacity(raws.len());
    let mut open: Vec<Raw<T>> = Vec::new();
    // First address not yet emitted; None once past the top of the address space.
    let mut cursor: Option<T> = raws.first().map(|r| r.start);
    let emit = |out: &mut Vec<Seg<T>>, cursor: &mut Option<T>, r: &Raw<T>, upto: T| {
        if let Some(c) = *cursor
            && c <= upto
        {
            out.push(Seg {
                start: c,
                end: upto,
                asn: r.asn,
                org: r.org,
            });
            *cursor = upto.succ();
        }
    };
    for r in raws {
        // Ranges that end before this one starts: emit what is left of them.
        while let Some(top) = open.last().copied() {
            if top.end >= r.start {
                break;
            }
            emit(&mut out, &mut cursor, &top, top.end);
            open.pop();
        }
        // The innermost open range covers the gap up to this start.
        if let (Some(top), Some(before)) = (open.last().copied(), r.start.pred()) {
            emit(&mut out, &mut cursor, &top, before);
        }
        if cursor.is_some_and(|c| c < r.start) || open.is_empty() {
            cursor = Some(r.start);
        }
        open.push(r);
    }
    while let Some(top) = open.pop() {
        emit(&mut out, &mut cursor, &top, top.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(start: u32, end: u32, asn: u32) -> Raw<u32> {
        Raw {
            start,
            end,
            asn,
            org: asn,
        }
    }

    /// The rule stated in words, checked address by address.
    fn brute(raws: &[Raw<u32>], ip: u32) -> Option<u32> {
        raws.iter()
            .enumerate()
            .filter(|(_, r)| r.start <= ip && ip <= r.end)
            .max_by(|(i, a), (j, b)| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(i.cmp(j)))
            .map(|(_, r)| r.asn)
    }

    fn check(raws: &[Raw<u32>], upto: u32) {
        let segs = flatten(raws.to_vec());
        for w in segs.windows(2) {
            assert!(w[0].end < w[1].start, "not disjoint: {segs:?}");
        }
        for ip in 0..=upto {
            assert_eq!(
                find(&segs, ip).map(|(asn, _)| asn),
                brute(raws, ip),
                "ip {ip} in {raws:?} -> {segs:?}"
            );
        }
    }

    #[test]
    fn disjoint_nested_partial_and_duplicate_ranges() {
        check(&[raw(10, 20, 1), raw(30, 40, 2)], 50);
        check(&[raw(0, 100, 1), raw(10, 20, 2), raw(15, 16, 3)], 110);
        check(&[raw(0, 10, 1), raw(5, 20, 2)], 25);
        check(&[raw(5, 20, 1), raw(5, 10, 2), raw(5, 20, 3)], 25);
        check(&[raw(0, 50, 1), raw(10, 20, 2), raw(30, 40, 3)], 60);
        check(&[], 5);
    }

    #[test]
    fn random_tables_agree_with_the_rule() {
        let mut state = 99u64;
        let mut next = |n: u32| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as u32) % n
        };
        for _ in 0..300 {
            let count = next(7) + 1;
            let raws: Vec<Raw<u32>> = (0..count)
                .map(|i| {
                    let a = next(60);
                    let b = a + next(30);
                    raw(a, b, i + 1)
                })
                .collect();
            check(&raws, 100);
        }
    }

    #[test]
    fn ends_of_the_address_space() {
        check(&[raw(0, 0, 1), raw(u32::MAX - 1, u32::MAX, 2)], 3);
        let segs = flatten(vec![raw(0, u32::MAX, 1), raw(u32::MAX, u32::MAX, 2)]);
        assert_eq!(find(&segs, u32::MAX).map(|x| x.0), Some(2));
        assert_eq!(find(&segs, u32::MAX - 1).map(|x| x.0), Some(1));
        assert_eq!(find(&segs, 0).map(|x| x.0), Some(1));
    }
}
