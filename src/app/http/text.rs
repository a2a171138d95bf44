//! Zeek-compatible text helpers: URI unescaping (`unescape_URI`) and the
//! escaping Zeek's ASCII log writer applies to string fields (`escape_utf8`).

use std::fmt::Write as _;

/// Value of an ASCII hex digit.
fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
        b'A'..=b'F' => Some(c.wrapping_sub(b'A').wrapping_add(10)),
        _ => None,
    }
}

/// Byte from two hex digits.
fn hex_pair(hi: Option<&u8>, lo: Option<&u8>) -> Option<u8> {
    let h = hex_val(*hi?)?;
    let l = hex_val(*lo?)?;
    Some(h.wrapping_shl(4) | l)
}

/// Decodes `%XX` and `%uXXXX` escapes exactly as Zeek's `unescape_URI` does
/// (a doubled `%` drops the first one, a bad escape is kept verbatim).
pub(super) fn unescape_uri(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0usize;
    while let Some(&c) = s.get(i) {
        if c != b'%' {
            out.push(c);
            i = i.saturating_add(1);
            continue;
        }
        let q = i.saturating_add(1);
        let (Some(&a), next) = (s.get(q), s.get(q.saturating_add(1))) else {
            out.push(b'%');
            break;
        };
        if next.is_none() {
            out.extend_from_slice(&[b'%', a]);
            break;
        }
        if a == b'%' {
            // Zeek ignores the first of two '%'.
            i = q;
        } else if let Some(b) = hex_pair(Some(&a), next) {
            out.push(b);
            i = q.saturating_add(2);
        } else if let (b'u', Some(hi), Some(lo)) = (
            a,
            hex_pair(s.get(q.saturating_add(1)), s.get(q.saturating_add(2))),
            hex_pair(s.get(q.saturating_add(3)), s.get(q.saturating_add(4))),
        ) {
            if hi != 0 {
                out.push(hi);
            }
            out.push(lo);
            i = q.saturating_add(5);
        } else {
            out.extend_from_slice(&[b'%', a]);
            i = q.saturating_add(1);
        }
    }
    out
}

/// Length of the UTF-8 sequence a lead byte announces (the table Zeek uses).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0xBF => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        0xF8..=0xFB => 5,
        _ => 6,
    }
}

/// Whether `seq` is one well-formed character that Zeek prints unescaped.
fn ok_char(seq: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(seq) else {
        return false;
    };
    let mut chars = s.chars();
    let (Some(ch), None) = (chars.next(), chars.next()) else {
        return false;
    };
    let cp = u32::from(ch);
    !(cp <= 0x1F
        || cp == 0x7F
        || (0x80..=0x9F).contains(&cp)
        || (0xE000..=0xF8FF).contains(&cp)
        || (0xFFF0..=0xFFFF).contains(&cp))
}

/// Renders bytes as Zeek's ASCII log writer does: the text unchanged when it
/// is printable UTF-8, otherwise every byte outside 0x20..0x7E as `\xNN`.
pub(super) fn zeek_string(bytes: &[u8]) -> String {
    let mut i = 0usize;
    let mut clean = true;
    while let Some(&c) = bytes.get(i) {
        if (32..127).contains(&c) {
            i = i.saturating_add(1);
            continue;
        }
        let n = utf8_len(c);
        match bytes.get(i..i.saturating_add(n)) {
            Some(seq) if ok_char(seq) => i = i.saturating_add(n),
            _ => {
                clean = false;
                break;
            }
        }
    }
    if clean && let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for &c in bytes {
        if (32..127).contains(&c) {
            out.push(char::from(c));
        } else {
            let _ = write!(out, "\\x{c:02x}");
        }
    }
    out
}
