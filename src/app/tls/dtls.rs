//! DTLS datagrams: records with the 13-byte header (tls-parser), handshake messages with the
//! 12-byte header. Hellos fragmented across records or datagrams are given up with a note.

use tls_parser::TlsRecordType;

use super::{Hello, hello};

/// Reads a big-endian 24-bit integer at `at`.
fn be24(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(3)?)?;
    let [x, y, z] = <[u8; 3]>::try_from(s).ok()?;
    usize::try_from(u32::from_be_bytes([0, x, y, z])).ok()
}

/// DTLS 1.0, 1.2 and 1.3 record versions.
fn is_dtls_version(v: u16) -> bool {
    matches!(v, 0xfeff | 0xfefd | 0xfefc)
}

/// True when the datagram starts with a DTLS handshake record (epoch 0) carrying a
/// ClientHello, ServerHello or HelloVerifyRequest.
pub fn looks_like_dtls(datagram: &[u8]) -> bool {
    let Ok((rest, hdr)) = tls_parser::parse_dtls_record_header(datagram) else {
        return false;
    };
    let len = usize::from(hdr.length);
    hdr.content_type == TlsRecordType::Handshake
        && is_dtls_version(hdr.version.0)
        && hdr.epoch == 0
        && len >= 12
        && matches!(rest.first(), Some(1..=3))
        && be24(rest, 9).is_some_and(|frag| frag <= len - 12)
}

/// The first ClientHello or ServerHello in a DTLS datagram, if any.
pub fn dtls_hello(datagram: &[u8]) -> Option<Hello> {
    dtls_hello_or_note(datagram).ok().flatten()
}

/// Like [`dtls_hello`], but tells why a hello was given up: "dtls_fragmented_hello" (the hello
/// is split over several records or datagrams), "dtls_truncated", "dtls_bad_hello". Records
/// are read until one without a DTLS version; `Ok(None)` when no hello was found.
pub fn dtls_hello_or_note(datagram: &[u8]) -> Result<Option<Hello>, &'static str> {
    let mut rest = datagram;
    while !rest.is_empty() {
        let Ok((after, hdr)) = tls_parser::parse_dtls_record_header(rest) else {
            return Err("dtls_truncated");
        };
        if !is_dtls_version(hdr.version.0) {
            break;
        }
        let len = usize::from(hdr.length);
        let (Some(payload), Some(tail)) = (after.get(..len), after.get(len..)) else {
            return Err("dtls_truncated");
        };
        rest = tail;
        if hdr.content_type != TlsRecordType::Handshake || hdr.epoch != 0 {
            continue;
        }
        let mut msgs = payload;
        while let Some(&kind) = msgs.first() {
            let (Some(length), Some(offset), Some(frag)) =
                (be24(msgs, 1), be24(msgs, 6), be24(msgs, 9))
            else {
                return Err("dtls_truncated");
            };
            let end = frag.checked_add(12).ok_or("dtls_truncated")?;
            let (Some(msg), Some(next)) = (msgs.get(..end), msgs.get(end..)) else {
                return Err("dtls_truncated");
            };
            if kind == 1 || kind == 2 {
                if offset != 0 || frag != length {
                    return Err("dtls_fragmented_hello");
                }
                return hello::from_dtls_message(msg).map_err(|e| e.0);
            }
            msgs = next;
        }
    }
    Ok(None)
}
