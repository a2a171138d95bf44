//! SSLv2 CLIENT-HELLO / SERVER-HELLO records (2-byte header), hand-parsed: tls-parser has no
//! SSLv2 support. Zeek still logs version and server hello of such connections.

use super::{ClientHello, Hello, ServerHello, TlsError};

/// Reads a big-endian u16 at `at`.
fn be16(b: &[u8], at: usize) -> Option<usize> {
    let hi = *b.get(at)?;
    let lo = *b.get(at.checked_add(1)?)?;
    Some(usize::from(u16::from_be_bytes([hi, lo])))
}

/// If `b` starts with an SSLv2 2-byte record header whose message is a CLIENT-HELLO (1) or
/// SERVER-HELLO (4) with a plausible version, the whole record length (header included).
pub(super) fn record_len(b: &[u8]) -> Option<usize> {
    let &[h0, h1, kind, major, minor] = b.get(..5)? else {
        return None;
    };
    if h0 & 0x80 == 0 {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([h0 & 0x7f, h1]));
    let ok = match kind {
        1 => len >= 9 && ((major == 0 && minor == 2) || (major == 3 && minor <= 4)),
        4 => len >= 11,
        _ => false,
    };
    ok.then_some(len + 2)
}

/// Parses a whole SSLv2 hello record. The ClientHello has no extensions and empty
/// fingerprints (neither tshark nor FoxIO fingerprint SSLv2 hellos); the ServerHello's cipher
/// is 0 (SSLv2 cipher kinds are 24-bit).
pub(super) fn parse(record: &[u8]) -> Result<Hello, TlsError> {
    let bad = TlsError("sslv2_bad_hello");
    let total = record_len(record).ok_or(bad)?;
    let rec = record.get(..total).ok_or(bad)?;
    match rec.get(2) {
        Some(1) => {
            let version = be16(rec, 3).ok_or(bad)?;
            let needed = [5, 7, 9]
                .iter()
                .try_fold(11usize, |acc, &at| acc.checked_add(be16(rec, at)?))
                .ok_or(bad)?;
            if needed > rec.len() {
                return Err(bad);
            }
            Ok(Hello::Client(ClientHello {
                legacy_version: u16::try_from(version).map_err(|_| bad)?,
                sni: None,
                alpn: Vec::new(),
                supported_versions: Vec::new(),
                ja3: String::new(),
                ja3_text: String::new(),
                ja4: String::new(),
            }))
        }
        Some(4) => {
            let version = u16::try_from(be16(rec, 5).ok_or(bad)?).map_err(|_| bad)?;
            Ok(Hello::Server(ServerHello {
                legacy_version: version,
                version,
                cipher: 0,
                alpn: None,
            }))
        }
        _ => Err(bad),
    }
}
