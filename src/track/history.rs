//! Zeek's connection history: one letter per kind of event, upper case when the originator
//! did it, lower case for the responder; most letters once per direction, some (`T`, `W`,
//! `G`, `C`) again each time their count reaches 10, 100, 1000, …

use compact_str::CompactString;

/// The history string of a flow and the events already recorded.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct History {
    /// Inline up to 24 letters (nearly every flow), on the heap beyond.
    letters: CompactString,
    seen: u32,
}

/// A counter whose letter is repeated at exponentially spaced counts (1, 10, 100, …).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Scaled {
    count: u32,
    threshold: u32,
}

impl Default for Scaled {
    fn default() -> Self {
        Scaled {
            count: 0,
            threshold: 1,
        }
    }
}

impl History {
    /// The letters so far.
    pub fn as_str(&self) -> &str {
        &self.letters
    }

    /// Takes the letters out, leaving none (for a flow's record, made when it ends).
    pub fn take_letters(&mut self) -> CompactString {
        std::mem::take(&mut self.letters)
    }

    /// Records `code` the first time `mask` is seen. Returns true if it had been seen before.
    pub fn check(&mut self, mask: u32, code: char) -> bool {
        if self.seen & mask == 0 {
            self.seen |= mask;
            self.letters.push(code);
            false
        } else {
            true
        }
    }

    /// Marks `mask` seen without a letter. Returns true if it had been seen before.
    pub fn mark(&mut self, mask: u32) -> bool {
        let before = self.seen & mask != 0;
        self.seen |= mask;
        before
    }

    /// Appends a letter unconditionally.
    pub fn add(&mut self, code: char) {
        self.letters.push(code);
    }

    /// Counts one event of a scaled kind and appends `code` when a threshold is reached.
    pub fn scaled(&mut self, code: char, counter: &mut Scaled) -> bool {
        counter.count = counter.count.saturating_add(1);
        if counter.count == counter.threshold {
            self.letters.push(code);
            match counter.threshold.checked_mul(10) {
                Some(t) => counter.threshold = t,
                None => counter.count = 0,
            }
            true
        } else {
            false
        }
    }

    /// Replaces the letters (Zeek's role flip after a lone SYN+ACK rewrites `H` as `^h`).
    pub fn replace(&mut self, letters: &str) {
        self.letters.clear();
        self.letters.push_str(letters);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_letters_repeat_at_powers_of_ten() {
        let mut h = History::default();
        let mut c = Scaled::default();
        for _ in 0..150 {
            h.scaled('T', &mut c);
        }
        assert_eq!(h.as_str(), "TTT");
    }

    #[test]
    fn letters_are_recorded_once_per_mask() {
        let mut h = History::default();
        assert!(!h.check(1, 'S'));
        assert!(h.check(1, 'S'));
        assert_eq!(h.as_str(), "S");
    }
}
