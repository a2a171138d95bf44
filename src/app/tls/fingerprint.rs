//! JA3 (Salesforce, as tshark computes tls.handshake.ja3) and JA4 (FoxIO, technical_details/JA4.md).

use md5::Md5;
use sha2::{Digest, Sha256};

use super::Transport;
use super::ext::ClientExts;
use super::text::{hex, is_grease};

/// The JA3 string: version,ciphers,extensions,groups,point formats (decimal, '-' joined,
/// GREASE removed from ciphers, extensions and groups).
pub(super) fn ja3_text(version: u16, ciphers: &[u16], exts: &ClientExts<'_>) -> String {
    let mut out = String::with_capacity(256);
    push_decimal(&mut out, version);
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
        push_decimal(out, v);
    }
}

/// Appends `v` in decimal, without the formatting machinery (this runs for every hello).
fn push_decimal(out: &mut String, v: u16) {
    let mut digits = [0u8; 5];
    let mut n = v;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
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
    let ciphers: Vec<u16> = ciphers.iter().copied().filter(|&c| !is_grease(c)).collect();
    let types: Vec<u16> = exts
        .types
        .iter()
        .copied()
        .filter(|&t| !is_grease(t))
        .collect();
    let sni = if types.contains(&0) { 'd' } else { 'i' };
    let a = format!(
        "{proto}{}{sni}{:02}{:02}{}",
        version_code(version),
        ciphers.len().min(99),
        types.len().min(99),
        alpn_code(exts.alpn.first().copied())
    );

    let mut sorted_ciphers = ciphers;
    sorted_ciphers.sort_unstable();
    let b = hash12(&hex_list(&sorted_ciphers));

    let mut sorted_exts: Vec<u16> = types.into_iter().filter(|&t| t != 0 && t != 16).collect();
    sorted_exts.sort_unstable();
    let mut c_text = hex_list(&sorted_exts);
    let sigs: Vec<u16> = exts
        .sig_algs
        .iter()
        .copied()
        .filter(|&s| !is_grease(s))
        .collect();
    if !sigs.is_empty() {
        c_text.push('_');
        c_text.push_str(&hex_list(&sigs));
    }
    let c = if sorted_exts.is_empty() {
        "000000000000".to_string()
    } else {
        hash12(&c_text)
    };
    format!("{a}_{b}_{c}")
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
fn alpn_code(first: Option<&[u8]>) -> String {
    let Some(value) = first else {
        return "00".to_string();
    };
    let (Some(&f), Some(&l)) = (value.first(), value.last()) else {
        return "00".to_string();
    };
    if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() {
        return [char::from(f), char::from(l)].iter().collect();
    }
    let h = hex(value);
    let mut chars = h.chars();
    match (chars.next(), chars.next_back()) {
        (Some(a), Some(b)) => [a, b].iter().collect(),
        _ => "00".to_string(),
    }
}

/// Four-digit lowercase hex values joined with ','.
fn hex_list(values: &[u16]) -> String {
    let mut out = String::with_capacity(values.len() * 5);
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&hex(&v.to_be_bytes()));
    }
    out
}

/// First 12 hex characters of SHA-256, or twelve zeros for an empty list.
fn hash12(text: &str) -> String {
    if text.is_empty() {
        return "000000000000".to_string();
    }
    let mut h = hex(&Sha256::digest(text.as_bytes()));
    h.truncate(12);
    h
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
            assert_eq!(alpn_code(Some(value)), want, "{value:02x?}");
        }
        assert_eq!(alpn_code(None), "00");
        assert_eq!(alpn_code(Some(b"")), "00");
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
