//! A time that may be absent, in the 8 bytes of the time itself: `Option<i64>` takes 16,
//! and a TCP flow keeps several of them for as long as it is active.

/// A capture time in nanoseconds, or none (stored as `i64::MIN`, which no capture reaches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OptTs(i64);

impl OptTs {
    /// No time.
    pub const NONE: OptTs = OptTs(i64::MIN);

    /// The time `ts`.
    pub fn some(ts: i64) -> OptTs {
        OptTs(ts.max(i64::MIN + 1))
    }

    /// The time, if there is one.
    pub fn get(self) -> Option<i64> {
        (self.0 != i64::MIN).then_some(self.0)
    }

    /// Whether there is a time.
    pub fn is_some(self) -> bool {
        self.0 != i64::MIN
    }

    /// Whether there is none.
    pub fn is_none(self) -> bool {
        self.0 == i64::MIN
    }
}

impl Default for OptTs {
    fn default() -> Self {
        OptTs::NONE
    }
}
