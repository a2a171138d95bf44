//! ClientHello / ServerHello bodies: the fixed part is parsed by tls-parser, the extensions by
//! `ext`, the fingerprints by `fingerprint`.

use tls_parser::{DTLSMessage, DTLSMessageHandshakeBody, TlsMessageHandshake};

use super::text::{escape, is_grease};
use super::{ClientHello, Hello, ServerHello, TlsError, Transport, ext, fingerprint};

/// One handshake message body (after its 4-byte header, or after DTLS's 12-byte header once
/// reassembled) of type 1 or 2; other types give `Ok(None)`.
pub fn parse_hello(
    msg_type: u8,
    body: &[u8],
    transport: Transport,
) -> Result<Option<Hello>, TlsError> {
    if msg_type != 1 && msg_type != 2 {
        return Ok(None);
    }
    if transport == Transport::Dtls {
        let len = u32::try_from(body.len())
            .ok()
            .filter(|&l| l < 1 << 24)
            .ok_or(TlsError("tls_hello_too_long"))?;
        let [_, l0, l1, l2] = len.to_be_bytes();
        let mut msg = Vec::with_capacity(body.len().saturating_add(12));
        msg.extend_from_slice(&[msg_type, l0, l1, l2, 0, 0, 0, 0, 0, l0, l1, l2]);
        msg.extend_from_slice(body);
        return from_dtls_message(&msg);
    }
    if msg_type == 1 {
        let (_, ch) = tls_parser::parse_tls_handshake_client_hello(body)
            .map_err(|_| TlsError("tls_bad_client_hello"))?;
        let ciphers: Vec<u16> = ch.ciphers.iter().map(|c| c.0).collect();
        Ok(Some(Hello::Client(client(
            transport,
            ch.version.0,
            &ciphers,
            ch.ext,
        ))))
    } else {
        match tls_parser::parse_tls_handshake_msg_server_hello(body) {
            Ok((_, TlsMessageHandshake::ServerHello(sh))) => Ok(Some(Hello::Server(server(
                sh.version.0,
                sh.cipher.0,
                sh.ext,
            )))),
            Ok((_, TlsMessageHandshake::ServerHelloV13Draft18(sh))) => Ok(Some(Hello::Server(
                server(sh.version.0, sh.cipher.0, sh.ext),
            ))),
            _ => Err(TlsError("tls_bad_server_hello")),
        }
    }
}

/// A whole, unfragmented DTLS handshake message (12-byte header included) of type 1 or 2.
pub(super) fn from_dtls_message(msg: &[u8]) -> Result<Option<Hello>, TlsError> {
    match tls_parser::parse_dtls_message_handshake(msg) {
        Ok((_, DTLSMessage::Handshake(h))) => match h.body {
            DTLSMessageHandshakeBody::ClientHello(ch) => {
                let ciphers: Vec<u16> = ch.ciphers.iter().map(|c| c.0).collect();
                Ok(Some(Hello::Client(client(
                    Transport::Dtls,
                    ch.version.0,
                    &ciphers,
                    ch.ext,
                ))))
            }
            DTLSMessageHandshakeBody::ServerHello(sh) => Ok(Some(Hello::Server(server(
                sh.version.0,
                sh.cipher.0,
                sh.ext,
            )))),
            _ => Ok(None),
        },
        _ => Err(TlsError("dtls_bad_hello")),
    }
}

/// Builds a ClientHello from its parsed fixed part and raw extensions block.
fn client(transport: Transport, version: u16, ciphers: &[u16], ext: Option<&[u8]>) -> ClientHello {
    let exts = ext::client(ext.unwrap_or_default());
    let ja3_text = fingerprint::ja3_text(version, ciphers, &exts);
    ClientHello {
        legacy_version: version,
        sni: exts.sni.clone(),
        alpn: exts.alpn.iter().map(|a| escape(a)).collect(),
        supported_versions: exts
            .versions
            .iter()
            .copied()
            .filter(|&v| !is_grease(v))
            .collect(),
        ja3: fingerprint::ja3_hash(&ja3_text),
        ja4: fingerprint::ja4(transport, version, ciphers, &exts),
        ja3_text,
    }
}

/// Builds a ServerHello from its parsed fixed part and raw extensions block.
fn server(legacy_version: u16, cipher: u16, ext: Option<&[u8]>) -> ServerHello {
    let exts = ext::server(ext.unwrap_or_default());
    ServerHello {
        legacy_version,
        version: exts.version.unwrap_or(legacy_version),
        cipher,
        alpn: exts.alpn,
    }
}
