//! TLS ClientHello/ServerHello parsing for TLS over TCP, QUIC CRYPTO streams and DTLS datagrams,
//! with JA3/JA4 client fingerprints and Zeek's ssl.log version names.

mod dtls;
mod ext;
mod fingerprint;
mod handshake_stream;
mod hello;
mod names;
mod sniff;
mod sslv2;
mod text;
mod tls_stream;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_data;
#[cfg(test)]
mod tests_real;

use std::fmt;

pub use dtls::{dtls_hello, dtls_hello_or_note, looks_like_dtls};
pub use handshake_stream::HandshakeStream;
pub use hello::parse_hello;
pub use names::version_name;
pub use sniff::looks_like_tls;
pub use tls_stream::TlsStream;

/// Largest handshake message (or SSLv2 record) buffered per direction, in bytes.
pub const MAX_BUFFER: usize = 16 * 1024;
/// Most ALPN protocol names kept from one hello.
pub const MAX_ALPN: usize = 64;

/// Where the handshake travels (JA4's first letter: t, q, d).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TLS over TCP (record layer with 5-byte headers).
    Tcp,
    /// QUIC CRYPTO frames (handshake messages without a record layer).
    Quic,
    /// DTLS over UDP (13-byte record headers, 12-byte handshake headers).
    Dtls,
}

/// What a ClientHello offers, with its fingerprints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    /// The legacy_version (client_version) field.
    pub legacy_version: u16,
    /// The first host_name entry of the server_name extension (non-printable bytes as `\xNN`).
    pub sni: Option<String>,
    /// Offered ALPN protocols, in order (at most [`MAX_ALPN`]; non-printable bytes as `\xNN`).
    pub alpn: Vec<String>,
    /// The supported_versions extension, GREASE removed, in order.
    pub supported_versions: Vec<u16>,
    /// MD5 hex of `ja3_text` (as tshark's tls.handshake.ja3); empty for SSLv2 hellos.
    pub ja3: String,
    /// The JA3 string, e.g. "771,4865-4866,0-23-65281,29-23-24,0"; empty for SSLv2 hellos.
    pub ja3_text: String,
    /// FoxIO JA4 (ja4_a_b_c); empty for SSLv2 hellos.
    pub ja4: String,
}

/// What a ServerHello chooses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// The legacy_version (server_version) field.
    pub legacy_version: u16,
    /// The version chosen: the supported_versions extension if present, else legacy_version.
    pub version: u16,
    /// The chosen cipher suite (0 for an SSLv2 SERVER-HELLO, whose ciphers are 24-bit).
    pub cipher: u16,
    /// The ALPN protocol chosen (TLS 1.2 and below; TLS 1.3 sends it encrypted).
    pub alpn: Option<String>,
}

/// A parsed hello message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hello {
    /// A ClientHello (handshake type 1).
    Client(ClientHello),
    /// A ServerHello (handshake type 2).
    Server(ServerHello),
}

/// Why a hello could not be parsed; the text is a short static note usable as a column value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsError(pub &'static str);

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for TlsError {}
