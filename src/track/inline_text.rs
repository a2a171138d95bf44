//! Short text kept inside a record rather than on the heap: a flow record's Community ID
//! and TCP state are written for every flow, millions of them in a flood, and one heap
//! allocation each (made on a tracker thread, freed on the builder's) cost more than the
//! text itself.

use std::fmt;

/// Up to `N` bytes of UTF-8 text, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct InlineText<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

impl<const N: usize> InlineText<N> {
    /// Empty text.
    pub const fn new() -> Self {
        InlineText {
            len: 0,
            bytes: [0; N],
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: the bytes up to `len` are only ever written by `write_str`, which copies
        // whole `&str`s or nothing, so they are valid UTF-8. Checking them again on every
        // read cost 1% of a flood's conversion (each flow row reads two).
        unsafe { std::str::from_utf8_unchecked(&self.bytes[..usize::from(self.len)]) }
    }
}

impl<const N: usize> Default for InlineText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for InlineText<N> {
    /// Appends `s`; fails, changing nothing, when it does not fit.
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let start = usize::from(self.len);
        let end = start + s.len();
        if end > N || end > usize::from(u8::MAX) {
            return Err(fmt::Error);
        }
        self.bytes[start..end].copy_from_slice(s.as_bytes());
        self.len = end as u8;
        Ok(())
    }
}

impl<const N: usize> fmt::Debug for InlineText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for InlineText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> AsRef<str> for InlineText<N> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> PartialEq<&str> for InlineText<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;

    #[test]
    fn text_that_fits_is_kept_and_text_that_does_not_is_refused_whole() {
        let mut t = InlineText::<8>::new();
        write!(t, "S{}F{}", 1, 2).unwrap();
        assert_eq!(t, "S1F2");
        assert!(t.write_str("/R/R/R").is_err());
        assert_eq!(t.as_str(), "S1F2");
        t.write_str("/R").unwrap();
        assert_eq!(format!("{t}"), "S1F2/R");
        assert_eq!(format!("{t:?}"), "\"S1F2/R\"");
    }

    #[test]
    fn multi_byte_characters_stay_whole() {
        let mut t = InlineText::<4>::new();
        t.write_str("é").unwrap();
        assert!(t.write_str("éé").is_err());
        assert_eq!(t.as_str(), "é");
    }
}
