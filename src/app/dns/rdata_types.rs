//! RDATA readers of the record types with more structure than an address or a name
//! (strings, DNSSEC, EDNS, SVCB, TSIG), each consuming what Zeek's reader consumes.

use super::cursor::Cur;
use super::name::read_name;

/// Concatenates byte strings.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// TXT/SPF character strings (Zeek's loop over `extract_char_string`): the text, and
/// whether exactly `rdlength` bytes were used.
pub(super) fn char_strings(cur: &mut Cur<'_>, rdlength: usize, tag: &[u8]) -> (Vec<u8>, bool) {
    let mut rem = rdlength;
    let mut text = Vec::new();
    while let Some(s) = char_string(cur, &mut rem) {
        if !text.is_empty() {
            text.push(b' ');
        }
        text.extend_from_slice(tag);
        text.extend_from_slice(format!(" {} ", s.len()).as_bytes());
        text.extend_from_slice(s);
    }
    (text, rem == 0)
}

/// One length-prefixed string bounded by `rem` (Zeek's `extract_char_string`).
fn char_string<'a>(cur: &mut Cur<'a>, rem: &mut usize) -> Option<&'a [u8]> {
    if *rem == 0 || cur.len() == 0 {
        return None;
    }
    let size = usize::from(cur.u8());
    *rem -= 1;
    if size > *rem {
        return None;
    }
    *rem -= size;
    Some(cur.take(size))
}

/// NAPTR: `NAPTR order pref flags service [regexp] [replacement]`.
pub(super) fn naptr(cur: &mut Cur<'_>, rdlength: usize) -> Option<Vec<u8>> {
    let order = cur.u16();
    let pref = cur.u16();
    let mut rem = rdlength.checked_sub(4).filter(|&r| r > 0)?;
    if cur.len() == 0 {
        return None;
    }
    let flags = char_string(cur, &mut rem);
    let service = char_string(cur, &mut rem);
    let regexp = char_string(cur, &mut rem);
    let repl = read_name(cur, false);
    let (flags, service, regexp, repl) = (flags?, service?, regexp?, repl?);
    let mut tail = regexp.to_vec();
    if !repl.is_empty() {
        if !tail.is_empty() {
            tail.push(b' ');
        }
        tail.extend_from_slice(&repl);
    }
    let head = format!("NAPTR {order} {pref} ");
    Some(cat(&[head.as_bytes(), flags, b" ", service, b" ", &tail]))
}

/// EDNS OPT: options must tile the RDATA exactly.
pub(super) fn edns(cur: &mut Cur<'_>, rdlength: usize) -> bool {
    let mut rem = rdlength;
    while rem >= 4 {
        cur.u16();
        let olen = usize::from(cur.u16());
        rem -= 4;
        if olen > rem {
            return false;
        }
        cur.skip(olen);
        rem -= olen;
    }
    rem == 0
}

/// RRSIG: `RRSIG <type covered> <signer>` (`<Root>` for the root).
pub(super) fn rrsig(cur: &mut Cur<'_>, rdlength: usize) -> Option<Vec<u8>> {
    if cur.len() < 18 {
        return None;
    }
    let covered = cur.u16();
    cur.skip(16);
    let before = cur.pos;
    let signer = read_name(cur, true)?;
    let used = cur.pos - before + 18;
    cur.skip(rdlength.saturating_sub(used));
    let signer: &[u8] = if signer.is_empty() {
        b"<Root>"
    } else {
        &signer
    };
    Some(cat(&[format!("RRSIG {covered} ").as_bytes(), signer]))
}

/// Type bitmaps of NSEC/NSEC3 the way Zeek walks them (may run past `rdlength`).
fn bitmaps(cur: &mut Cur<'_>, mut left: i64) {
    while left > 0 && cur.len() > 0 {
        let bmlen = usize::from(cur.u16() & 0xff);
        if bmlen == 0 {
            break;
        }
        cur.skip(bmlen);
        left -= 2 + bmlen as i64;
    }
}

/// NSEC: `NSEC <owner> <next name>`.
pub(super) fn nsec(cur: &mut Cur<'_>, rdlength: usize, owner: &[u8]) -> Option<Vec<u8>> {
    let before = cur.pos;
    let next = read_name(cur, true)?;
    bitmaps(cur, rdlength as i64 - (cur.pos - before) as i64);
    Some(cat(&[b"NSEC ", owner, b" ", &next]))
}

/// NSEC3 (logged as just `NSEC3`).
pub(super) fn nsec3(cur: &mut Cur<'_>, rdlength: usize) -> bool {
    if cur.len() < 6 {
        return false;
    }
    let before = cur.pos;
    cur.skip(4);
    let salt = cur.u8();
    cur.skip(usize::from(salt));
    let hash = cur.u8();
    cur.skip(usize::from(hash));
    bitmaps(cur, rdlength as i64 - (cur.pos - before) as i64);
    true
}

/// SVCB/HTTPS: no reply in Zeek's scripts, but parsed (and consumed) as Zeek does:
/// each SvcParam consumes its (capped) value; 1-3 trailing bytes are left unread.
pub(super) fn svcb(cur: &mut Cur<'_>, rdlength: usize) -> bool {
    if rdlength < 3 {
        return false;
    }
    let before = cur.pos;
    cur.u16();
    if read_name(cur, false).is_none() {
        return false;
    }
    let mut left = rdlength.saturating_sub(cur.pos - before);
    while left >= 4 {
        cur.u16();
        let vlen = usize::from(cur.u16());
        left -= 4;
        let vlen = vlen.min(left);
        cur.skip(vlen);
        left -= vlen;
    }
    true
}

/// TSIG: Zeek reads its fields and consumes what it read, not `rdlength`.
pub(super) fn tsig(cur: &mut Cur<'_>) -> bool {
    if read_name(cur, true).is_none() {
        return false;
    }
    cur.u32();
    cur.u16();
    cur.u16();
    let mac = usize::from(cur.u16());
    cur.skip(mac);
    cur.u16();
    cur.u16();
    let other = usize::from(cur.u16());
    cur.skip(other);
    true
}
