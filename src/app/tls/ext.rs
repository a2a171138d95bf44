//! Hello extensions: the block is walked by hand (to keep every raw type, GREASE included, in
//! wire order, and to keep going past an extension whose content is malformed, which tls-parser's
//! `parse_tls_*_extensions` would silently stop at); each extension's content is then decoded
//! with tls-parser.

use tls_parser::{SNIType, TlsExtension};

use super::MAX_ALPN;
use super::text::{escape, is_grease};

/// One extension as found on the wire.
pub(super) struct RawExt<'a> {
    /// Extension type.
    pub typ: u16,
    /// The whole extension: 4-byte header and data.
    pub whole: &'a [u8],
}

/// Walks an extensions block (without its 2-byte length), up to its end or to the first
/// extension that does not fit.
pub(super) fn walk(block: &[u8]) -> Vec<RawExt<'_>> {
    let mut out = Vec::with_capacity(24);
    let mut rest = block;
    while !rest.is_empty() {
        let Some(&[t0, t1, l0, l1]) = rest.get(..4) else {
            break;
        };
        let end = 4 + usize::from(u16::from_be_bytes([l0, l1]));
        let (Some(whole), Some(tail)) = (rest.get(..end), rest.get(end..)) else {
            break;
        };
        out.push(RawExt {
            typ: u16::from_be_bytes([t0, t1]),
            whole,
        });
        rest = tail;
    }
    out
}

/// What a ClientHello's extensions give to the hello and its fingerprints.
#[derive(Default)]
pub(super) struct ClientExts<'a> {
    /// Every extension type in wire order, GREASE included.
    pub types: Vec<u16>,
    /// First host_name of the first server_name extension.
    pub sni: Option<String>,
    /// ALPN protocol names as raw bytes (first ALPN extension, at most MAX_ALPN).
    pub alpn: Vec<&'a [u8]>,
    /// supported_groups, GREASE included.
    pub groups: Vec<u16>,
    /// ec_point_formats.
    pub ec_formats: Vec<u8>,
    /// signature_algorithms, in order.
    pub sig_algs: Vec<u16>,
    /// supported_versions, GREASE included.
    pub versions: Vec<u16>,
}

/// Decodes the extensions of a ClientHello.
pub(super) fn client(block: &[u8]) -> ClientExts<'_> {
    let mut out = ClientExts::default();
    let mut seen = 0u8;
    let exts = walk(block);
    out.types.reserve_exact(exts.len());
    for e in &exts {
        out.types.push(e.typ);
        let bit = match e.typ {
            0 => 1,
            10 => 2,
            11 => 4,
            13 => 8,
            16 => 16,
            43 => {
                if out.versions.is_empty() {
                    out.versions = versions(e.whole);
                }
                continue;
            }
            _ => continue,
        };
        if seen & bit != 0 {
            continue;
        }
        seen |= bit;
        let Ok((_, parsed)) = tls_parser::parse_tls_client_hello_extension(e.whole) else {
            continue;
        };
        match parsed {
            TlsExtension::SNI(names) => {
                out.sni = names
                    .iter()
                    .find(|(t, _)| *t == SNIType::HostName)
                    .map(|(_, name)| escape(name));
            }
            TlsExtension::EllipticCurves(groups) => {
                out.groups = groups.iter().map(|g| g.0).collect();
            }
            TlsExtension::EcPointFormats(formats) => out.ec_formats = formats.to_vec(),
            TlsExtension::SignatureAlgorithms(algs) => out.sig_algs = algs,
            TlsExtension::ALPN(names) => out.alpn = names.into_iter().take(MAX_ALPN).collect(),
            _ => {}
        }
    }
    out
}

/// The versions of a client's supported_versions extension (whole extension given).
fn versions(whole: &[u8]) -> Vec<u16> {
    match tls_parser::parse_tls_client_hello_extension(whole) {
        Ok((_, TlsExtension::SupportedVersions(v))) => v.iter().map(|v| v.0).collect(),
        _ => Vec::new(),
    }
}

/// What a ServerHello's extensions give.
#[derive(Default)]
pub(super) struct ServerExts {
    /// The selected_version of supported_versions.
    pub version: Option<u16>,
    /// The ALPN protocol chosen.
    pub alpn: Option<String>,
}

/// Decodes the extensions of a ServerHello.
pub(super) fn server(block: &[u8]) -> ServerExts {
    let mut out = ServerExts::default();
    for e in walk(block).iter().filter(|e| !is_grease(e.typ)) {
        let Ok((_, parsed)) = tls_parser::parse_tls_server_hello_extension(e.whole) else {
            continue;
        };
        match parsed {
            TlsExtension::SupportedVersions(v) if out.version.is_none() => {
                if let [only] = v.as_slice() {
                    out.version = Some(only.0);
                }
            }
            TlsExtension::ALPN(names) if out.alpn.is_none() => {
                out.alpn = names.first().map(|n| escape(n));
            }
            _ => {}
        }
    }
    out
}
