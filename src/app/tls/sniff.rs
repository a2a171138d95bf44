//! Is this the start of a TLS connection?

use super::sslv2;

/// Largest record length accepted (2^14 plus the 2048 bytes of expansion TLS allows).
pub(super) const MAX_RECORD: usize = 16384 + 2048;

/// True when `first_bytes` (the first bytes of one direction) start with a handshake record
/// (type 22, version 3.0 to 3.4) carrying a ClientHello or ServerHello, or with an
/// SSLv2-compatible CLIENT-HELLO. Needs at least 6 bytes; checks more when more are given.
pub fn looks_like_tls(first_bytes: &[u8]) -> bool {
    if let Some(&[22, 3, minor, l0, l1, kind]) = first_bytes.get(..6) {
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        if minor > 4 || !(4..=MAX_RECORD).contains(&len) || !(kind == 1 || kind == 2) {
            return false;
        }
        if let Some(&[a, b, c]) = first_bytes.get(6..9) {
            let hs_len = u32::from_be_bytes([0, a, b, c]);
            if hs_len < 38 {
                return false;
            }
        }
        return first_bytes.get(9).is_none_or(|&major| major == 3);
    }
    first_bytes.get(2) == Some(&1) && sslv2::record_len(first_bytes).is_some()
}
