//! JA3 (Salesforce, as tshark computes tls.handshake.ja3) and JA4 (FoxIO, technical_details/JA4.md).

use md5::Md5;
use sha2::{Digest, Sha256};

use super::Transport;
use super::ext::ClientExts;
use super::text::{hex, is_grease};
use crate::decimal::push_decimal;

/// The JA3 string: version,ciphers,extensions,groups,point formats (decimal, '-' joined,
/// GREASE removed from ciphers, extensions and groups).
pub(super) fn ja3_text(version: u16, ciphers: &[u16], exts: &ClientExts<'_>) -> String {
    let mut out = String::with_capacity(256);
    push_decimal(&mut out, u32::from(version));
    for list in [ciphers, &exts.types, &exts.groups] {
        out.push(',');
        dash(&mut out, list.iter().copied());
    }
    out.push(',');
    dash(&mut out, exts.ec_formats.iter().map(|&f| u16::from(f)));
    out
}

/// Appends decimal values without GREASE, joined with '-'.
fn dash(out: &mut String, values: impl Iterator<Item = u16>) {
    let mut first = true;
    for v in values.filter(|&v| !is_grease(v)) {
        if !first {
            out.push('-');
        }
        first = false;
        push_decimal(out, u32::from(v));
    }
}

/// MD5 of the JA3 string, lowercase hex.
pub(super) fn ja3_hash(text: &str) -> String {
    hex(&Md5::digest(text.as_bytes()))
}

/// The JA4 fingerprint `a_b_c`.
pub(super) fn ja4(
    transport: Transport,
    legacy_version: u16,
    ciphers: &[u16],
    exts: &ClientExts<'_>,
) -> String {
    let proto = match transport {
        Transport::Tcp => 't',
        Transport::Quic => 'q',
        Transport::Dtls => 'd',
    };
    let version = exts
        .versions
        .iter()
        .copied()
        .filter(|&v| !is_grease(v))
        .max()
        .unwrap_or(legacy_version);
    let mut sorted_ciphers: Vec<u16> = ciphers.iter().copied().filter(|&c| !is_grease(c)).collect();
    let types = exts.types.iter().copied().filter(|&t| !is_grease(t));
    let type_count = types.clone().count();
    let sni = if exts.types.contains(&0) { 'd' } else { 'i' };
    let mut out = String::with_capacity(36);
    out.push(proto);
    out.push_str(version_code(version));
    out.push(sni);
    push_two_digits(&mut out, sorted_ciphers.len().min(99));
    push_two_digits(&mut out, type_count.min(99));
    let [a0, a1] = alpn_code(exts.alpn.first().copied());
    out.push(a0);
    out.push(a1);

    out.push('_');
    sorted_ciphers.sort_unstable();
    let mut text = String::with_capacity(5 * sorted_ciphers.len().max(exts.types.len()) + 64);
    hex_list(&mut text, sorted_ciphers.iter().copied());
    push_hash12(&mut out, &text);

    out.push('_');
    let mut sorted_exts: Vec<u16> = types.filter(|&t| t != 0 && t != 16).collect();
    if sorted_exts.is_empty() {
        out.push_str("000000000000");
        return out;
    }
    sorted_exts.sort_unstable();
    text.clear();
    hex_list(&mut text, sorted_exts.iter().copied());
    let mut sigs = exts
        .sig_algs
        .iter()
        .copied()
        .filter(|&s| !is_grease(s))
        .peekable();
    if sigs.peek().is_some() {
        text.push('_');
        hex_list(&mut text, sigs);
    }
    push_hash12(&mut out, &text);
    out
}

/// Appends `v` (below 100) as two decimal digits.
fn push_two_digits(out: &mut String, v: usize) {
    out.push(char::from(b'0' + (v / 10 % 10) as u8));
    out.push(char::from(b'0' + (v % 10) as u8));
}

/// JA4's two-character version code.
fn version_code(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// JA4's ALPN part: first and last character of the first protocol if both are ASCII
/// alphanumeric, else first and last character of its hex; "00" when there is none.
fn alpn_code(first: Option<&[u8]>) -> [char; 2] {
    let Some(value) = first else {
        return ['0', '0'];
    };
    let (Some(&f), Some(&l)) = (value.first(), value.last()) else {
        return ['0', '0'];
    };
    if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() {
        return [char::from(f), char::from(l)];
    }
    [hex_digit(f >> 4), hex_digit(l & 0x0f)]
}

/// One lowercase hex digit of a nibble.
fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(nibble & 0x0f)])
}

/// Appends four-digit lowercase hex values joined with ','.
fn hex_list(out: &mut String, values: impl Iterator<Item = u16>) {
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push(',');
        }
        for shift in [12, 8, 4, 0] {
            out.push(hex_digit((v >> shift) as u8));
        }
    }
}

/// Appends the first 12 hex characters of SHA-256 of `text`, or twelve zeros for "".
fn push_hash12(out: &mut String, text: &str) {
    if text.is_empty() {
        out.push_str("000000000000");
        return;
    }
    for b in &Sha256::digest(text.as_bytes())[..6] {
        out.push(hex_digit(b >> 4));
        out.push(hex_digit(*b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_codes_follow_the_spec_examples() {
        let cases: [(&[u8], &str); 11] = [
            (b"h2", "h2"),
            (b"http/1.1", "h1"),
            (b"a", "aa"),
            (&[0xab], "ab"),
            (&[0x20], "20"),
            (&[0xab, 0xcd], "ad"),
            (&[0x20, 0x61], "21"),
            (&[0x30, 0xab], "3b"),
            (&[0x61, 0x20], "60"),
            (&[0x30, 0x31, 0xab, 0xcd], "3d"),
            (&[0x30, 0xab, 0xcd, 0x31], "01"),
        ];
        for (value, want) in cases {
            assert_eq!(
                alpn_code(Some(value)).iter().collect::<String>(),
                want,
                "{value:02x?}"
            );
        }
        assert_eq!(alpn_code(None), ['0', '0']);
        assert_eq!(alpn_code(Some(b"")), ['0', '0']);
    }

    #[test]
    fn spec_example_fingerprint() {
        // technical_details/JA4.md example and the ja4 Rust crate's unit test.
        let ciphers = [
            0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
            0x009c, 0x009d, 0x002f, 0x0035,
        ];
        let exts = ClientExts {
            types: vec![
                0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023,
                0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015,
            ],
            alpn: vec![b"h2"],
            sig_algs: vec![
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
            ],
            versions: vec![0x0304, 0x0303],
            ..ClientExts::default()
        };
        assert_eq!(
            ja4(Transport::Tcp, 0x0303, &ciphers, &exts),
            "t13d1516h2_8daaf6152771_e5627efa2ab1"
        );
        let no_sigs = ClientExts {
            sig_algs: Vec::new(),
            ..exts
        };
        let fp = ja4(Transport::Tcp, 0x0303, &ciphers, &no_sigs);
        assert!(fp.ends_with("_6d807ffa2a79"), "{fp}");
        let empty = ClientExts::default();
        assert_eq!(
            ja4(Transport::Dtls, 0xfefd, &[], &empty),
            "dd2i000000_000000000000_000000000000"
        );
    }
}
