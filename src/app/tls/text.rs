//! Small helpers: GREASE test, Zeek's text of wire bytes, lowercase hex.

/// RFC 8701 GREASE value: 0x?a?a with both bytes equal.
pub(super) fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && (v >> 8) == (v & 0xff)
}

/// Wire bytes as text, the way Zeek's logs show them (one implementation for every
/// parser: the DNS module's).
pub(super) fn escape(bytes: &[u8]) -> String {
    super::super::dns::zeek_escape(bytes)
}

/// Lowercase hex of a byte string.
pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
