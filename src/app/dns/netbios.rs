//! NetBIOS name service names as Zeek's dns.log shows them: the 32 letters of the first-level
//! encoding (RFC 1001 §14.1) decoded into the name they stand for.

use super::escape::zeek_escape;

/// UDP port of the NetBIOS name service.
pub const NETBIOS_NS_PORT: u16 = 137;

/// Zeek's `decode_netbios_name`: the name a 32-letter encoding stands for, its 16th byte
/// (the type) and trailing spaces and NULs left out, escaped as Zeek logs it. `None` where
/// Zeek returns an empty string (not an encoding, or nothing left), so the query stays.
pub fn decode_netbios_name(encoded: &str) -> Option<String> {
    let s = encoded.as_bytes();
    if s.len() != 32 {
        return None;
    }
    let mut buf = [0u8; 16];
    let mut length = 0;
    for (i, pair) in s.chunks_exact(2).enumerate() {
        let (c0, c1) = (pair[0].to_ascii_uppercase(), pair[1].to_ascii_uppercase());
        if !(b'A'..=b'P').contains(&c0) || !(b'A'..=b'P').contains(&c1) {
            return None;
        }
        buf[i] = ((c0 - b'A') << 4) + (c1 - b'A');
        let b = buf[i];
        // C's isalnum and ispunct in the C locale, a space, or \x01 and \x02.
        if b.is_ascii_alphanumeric() || b.is_ascii_punctuation() || b == b' ' || b < 3 {
            length += 1;
        } else {
            break;
        }
    }
    // The 16th byte is the suffix (the name's type).
    length = length.min(15);
    while length > 0 && matches!(buf[length - 1], b' ' | 0) {
        length -= 1;
    }
    (length > 0).then(|| zeek_escape(&buf[..length]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decode_as_zeek_logs_them() {
        // Zeek's opt.basic baseline (wikipedia.pcap): a printer and a workgroup.
        assert_eq!(
            decode_netbios_name("ecfcfheddaedecdddiddeedbegdedcaa").as_deref(),
            Some("BRWC0CB383D1F42")
        );
        assert_eq!(
            decode_netbios_name("fhepfcelehfcepfffacacacacacacabn").as_deref(),
            Some("WORKGROUP")
        );
        // Zeek's own example.
        assert_eq!(
            decode_netbios_name("FEEIEFCAEOEFFEECEJEPFDCAEOEBENEF").as_deref(),
            Some("THE NETBIOS NAM")
        );
        assert_eq!(decode_netbios_name("www.example.com"), None);
        assert_eq!(decode_netbios_name(&"CA".repeat(16)), None, "only spaces");
        assert_eq!(decode_netbios_name(&"QQ".repeat(16)), None, "not A to P");
    }
}
