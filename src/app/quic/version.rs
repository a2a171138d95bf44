//! QUIC version numbers: names as Zeek prints them, and the Initial-packet protection
//! parameters (salt, HKDF labels, long-header type bits, Retry key) of the versions we decrypt.

/// QUIC version 1 (RFC 9000).
pub(super) const V1: u32 = 0x0000_0001;
/// QUIC version 2 (RFC 9369).
pub(super) const V2: u32 = 0x6b33_43cf;

const SALT_V1: [u8; 20] = [
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad,
    0xcc, 0xbb, 0x7f, 0x0a,
];
const SALT_V2: [u8; 20] = [
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb,
    0xf9, 0xbd, 0x2e, 0xd9,
];
const SALT_D22: [u8; 20] = [
    0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a, 0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd,
    0x7a, 0x02, 0x64, 0x4a,
];
const SALT_D23: [u8; 20] = [
    0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65,
    0xbe, 0xf9, 0xf5, 0x02,
];
const SALT_D29: [u8; 20] = [
    0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0,
    0x43, 0x90, 0xa8, 0x99,
];

/// AES-128-GCM key and nonce of the Retry integrity tag (RFC 9001 §5.8, RFC 9369 §3.3.3).
const RETRY_V1: ([u8; 16], [u8; 12]) = (
    [
        0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8,
        0x4e,
    ],
    [
        0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb,
    ],
);
const RETRY_V2: ([u8; 16], [u8; 12]) = (
    [
        0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2, 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc,
        0x92,
    ],
    [
        0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a,
    ],
);

/// Long-header packet types (RFC 9000 §17.2, RFC 9369 §3.2 for v2's bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PacketType {
    /// Initial packet.
    Initial,
    /// 0-RTT packet.
    ZeroRtt,
    /// Handshake packet.
    Handshake,
    /// Retry packet.
    Retry,
}

/// How a version protects its Initial packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct VersionParams {
    /// The QUIC version number.
    pub version: u32,
    /// HKDF-Extract salt of the initial secret.
    pub salt: &'static [u8; 20],
    /// HKDF-Expand-Label labels (without "tls13 ") of the key, IV and header-protection key.
    pub key_label: &'static [u8],
    /// See `key_label`.
    pub iv_label: &'static [u8],
    /// See `key_label`.
    pub hp_label: &'static [u8],
    /// Whether the long-header type bits follow RFC 9369 (Initial = 1) instead of v1.
    pub v2_types: bool,
    /// Retry integrity key and nonce, when known (v1 and v2 only; drafts are not checked).
    pub retry: Option<([u8; 16], [u8; 12])>,
}

impl VersionParams {
    /// The packet type encoded in bits 4..5 of a long header's first byte.
    pub(super) fn packet_type(&self, first: u8) -> PacketType {
        let bits = (first >> 4) & 0x03;
        match (self.v2_types, bits) {
            (false, 0) | (true, 1) => PacketType::Initial,
            (false, 1) | (true, 2) => PacketType::ZeroRtt,
            (false, 2) | (true, 3) => PacketType::Handshake,
            _ => PacketType::Retry,
        }
    }
}

/// The parameters of the versions Zeek's QUIC analyzer handles (v1, v2, drafts 22 to 34
/// and six mvfst versions), with Zeek's choice of salt for each; `None` for any other.
pub(super) fn params(version: u32) -> Option<VersionParams> {
    let v1_like = |salt, retry| VersionParams {
        version,
        salt,
        key_label: b"quic key",
        iv_label: b"quic iv",
        hp_label: b"quic hp",
        v2_types: false,
        retry,
    };
    match version {
        V1 => Some(v1_like(&SALT_V1, Some(RETRY_V1))),
        V2 => Some(VersionParams {
            version,
            salt: &SALT_V2,
            key_label: b"quicv2 key",
            iv_label: b"quicv2 iv",
            hp_label: b"quicv2 hp",
            v2_types: true,
            retry: Some(RETRY_V2),
        }),
        0xff00_0016 | 0xface_b001 => Some(v1_like(&SALT_D22, None)),
        0xff00_0017..=0xff00_001c
        | 0xface_b002
        | 0xface_b00e
        | 0xface_b011
        | 0xface_b012
        | 0xface_b013 => Some(v1_like(&SALT_D23, None)),
        0xff00_001d..=0xff00_0020 => Some(v1_like(&SALT_D29, None)),
        0xff00_0021 | 0xff00_0022 => Some(v1_like(&SALT_V1, None)),
        _ => None,
    }
}

/// Zeek's quic.log `version` text (`QUIC::version_strings`): "1", "quicv2", "draft-NN",
/// "mvfst (faceb0xx)", otherwise "unknown-<hex>". Zeek maps 0xff00001f to "draft-30"
/// (not 31); this is kept so that the text equals Zeek's.
pub fn version_name(v: u32) -> String {
    match v {
        V1 => "1".to_string(),
        V2 => "quicv2".to_string(),
        0xff00_001f => "draft-30".to_string(),
        0xff00_0016..=0xff00_0022 => format!("draft-{}", v & 0xff),
        0xface_b001 | 0xface_b002 | 0xface_b00e | 0xface_b011 | 0xface_b012 | 0xface_b013 => {
            format!("mvfst ({v:x})")
        }
        _ => format!("unknown-{v:x}"),
    }
}
