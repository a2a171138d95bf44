//! Rendering raw bytes as Zeek's ASCII log writer does (with its default
//! `LogAscii::enable_utf_8 = T`).
//!
//! The writer cuts a string at each backslash; a backslash becomes `\\`. Every other
//! piece goes through Zeek's `escape_utf8` with both control flags: printable ASCII
//! stays, control bytes become `\xNN` (lower-case hex), a valid UTF-8 character that
//! is not a control, private-use or U+FFF0..U+FFFF character stays as it is. Once one
//! bad byte is found in a piece, every non-ASCII-printable byte of that whole piece
//! (valid UTF-8 included) is written as `\xNN`.
//!
//! Not done here, because they belong to the log format and not to the value: the
//! tab and `,` separators (`\x09`, `\x2c` in a vector), `(empty)` for "" and `\x2d`
//! for a lone "-".

/// Zeek's ASCII-log text of `bytes` (see the module doc).
pub fn zeek_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    zeek_escape_into(bytes, &mut out);
    out
}

/// [`zeek_escape`] of bytes the caller owns: most names are printable ASCII without a
/// backslash, and then the buffer itself becomes the text, without a copy.
pub fn zeek_escape_owned(bytes: Vec<u8>) -> String {
    if plain(&bytes) {
        // Printable ASCII is UTF-8; the fallback is never taken.
        return String::from_utf8(bytes).unwrap_or_default();
    }
    let mut out = String::with_capacity(bytes.len());
    escape_pieces(&bytes, &mut out);
    out
}

/// Whether `bytes` are printable ASCII without a backslash, which Zeek writes as they are.
fn plain(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) && b != b'\\')
}

/// Appends [`zeek_escape`] of `bytes` to `out`.
pub fn zeek_escape_into(bytes: &[u8], out: &mut String) {
    if plain(bytes) {
        out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
    } else {
        escape_pieces(bytes, out);
    }
}

/// The escaping proper: pieces cut at backslashes, each through [`escape_piece`].
fn escape_pieces(bytes: &[u8], out: &mut String) {
    let mut first = true;
    for piece in bytes.split(|&b| b == b'\\') {
        if !first {
            out.push_str("\\\\");
        }
        first = false;
        escape_piece(piece, out);
    }
}

/// Zeek's `escape_utf8(piece, ESCAPE_PRINTABLE_CONTROLS | ESCAPE_UNPRINTABLE_CONTROLS)`.
fn escape_piece(piece: &[u8], out: &mut String) {
    let mut plain = String::new();
    let mut escaped = String::new();
    let mut bad = false;
    let mut i = 0;
    while let Some(&b) = piece.get(i) {
        if (0x20..0x7f).contains(&b) {
            plain.push(char::from(b));
            escaped.push(char::from(b));
            i += 1;
            continue;
        }
        if bad {
            push_hex(&mut escaped, b);
            i += 1;
            continue;
        }
        let size = utf8_len(b);
        match piece.get(i..i + size).and_then(good_char) {
            Some(c) => {
                plain.push(c);
                for &x in piece.get(i..i + size).unwrap_or(&[]) {
                    push_hex(&mut escaped, x);
                }
                i += size;
            }
            None => {
                bad = true;
                push_hex(&mut escaped, b);
                i += 1;
            }
        }
    }
    out.push_str(if bad { &escaped } else { &plain });
}

/// Sequence length announced by a first byte (ConvertUTF's `trailingBytesForUTF8` + 1).
fn utf8_len(b: u8) -> usize {
    match b {
        0x00..=0xbf => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        0xf8..=0xfb => 5,
        _ => 6,
    }
}

/// One well-formed UTF-8 character that Zeek's `check_ok_utf8` accepts.
fn good_char(seq: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(seq).ok()?;
    let mut chars = s.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    let v = u32::from(c);
    let control = v <= 0x1f || v == 0x7f || (0x80..=0x9f).contains(&v);
    let private = (0xe000..=0xf8ff).contains(&v);
    let special = (0xfff0..=0xffff).contains(&v);
    (!control && !private && !special).then_some(c)
}

/// Appends `\xNN` in lower-case hex.
fn push_hex(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('\\');
    out.push('x');
    out.push(char::from(HEX[usize::from(b >> 4)]));
    out.push(char::from(HEX[usize::from(b & 0x0f)]));
}
