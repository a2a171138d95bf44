//! Domain-name decompression the way Zeek's `ExtractName`/`ExtractLabel` do it.
//!
//! Rules copied from Zeek's DNS analyzer (behaviour, not code):
//! - a compression pointer must point strictly before itself, and the name it points
//!   to may only be read up to the pointer, so loops are impossible;
//! - at most [`MAX_DEPTH`] nested pointers (Zeek's `dns_max_compression_chain_depth`);
//!   past that the rest of the name is silently dropped (not an error);
//! - labels longer than 63 bytes (the 0x40/0x80 label types included) are errors;
//! - the name buffer holds 512 bytes; a label that does not fit is an error;
//! - each label is followed by '.', the final '.' is removed; pointed-to parts are
//!   always lower-cased (ASCII only), the top level when `downcase` is set.
//!
//! The result is raw bytes; `escape::zeek_escape` renders them as Zeek logs them.

use super::cursor::Cur;

/// Zeek's `dns_max_compression_chain_depth` default.
pub(super) const MAX_DEPTH: u32 = 20;
/// Zeek's name buffer (513 bytes, one kept for the NUL).
const NAME_ROOM: usize = 512;

/// Reads a name at the cursor. `None` is Zeek's parse error.
pub(super) fn read_name(cur: &mut Cur<'_>, downcase: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    extract(cur, &mut out, NAME_ROOM, downcase, 0).then_some(out)
}

/// One level of `ExtractName`: labels until the root label or a pointer.
fn extract(cur: &mut Cur<'_>, out: &mut Vec<u8>, room: usize, downcase: bool, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let start = out.len();
    let mut room = room;
    loop {
        if cur.len() == 0 {
            return false;
        }
        let at = cur.pos;
        let label_len = cur.u8();
        if label_len == 0 {
            break;
        }
        if label_len & 0xc0 == 0xc0 {
            if cur.len() == 0 {
                return false;
            }
            let offset = (usize::from(label_len & 0x3f) << 8) | usize::from(cur.u8());
            if offset >= at {
                return false; // forward or self pointer
            }
            let mut sub = Cur::new(cur.msg, offset, at);
            if !extract(&mut sub, out, room, true, depth + 1) {
                return false;
            }
            break;
        }
        let n = usize::from(label_len);
        if n > cur.len() || n > 63 || n >= room {
            return false;
        }
        out.extend_from_slice(cur.take(n));
        out.push(b'.');
        room -= n + 1;
    }
    if out.len() - start >= 2 && out.last() == Some(&b'.') {
        out.pop();
    }
    if downcase && let Some(part) = out.get_mut(start..) {
        part.make_ascii_lowercase();
    }
    true
}
