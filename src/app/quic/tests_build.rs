//! Test helpers: hex, and building protected Initial packets (the inverse of `protect`).

use ring::aead::quic::{AES_128, HeaderProtectionKey};
use ring::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

use super::keys::{self, RawKeys};
use super::version::{self, VersionParams};

/// Decodes a hex string (test input only).
pub(super) fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Lower-case hex of bytes, as Zeek prints connection IDs.
pub(super) fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A QUIC variable-length integer in its shortest encoding.
pub(super) fn varint(v: u64) -> Vec<u8> {
    if v < 1 << 6 {
        vec![v as u8]
    } else if v < 1 << 14 {
        ((v as u16) | 0x4000).to_be_bytes().to_vec()
    } else if v < 1 << 30 {
        ((v as u32) | 0x8000_0000).to_be_bytes().to_vec()
    } else {
        (v | 0xc000_0000_0000_0000).to_be_bytes().to_vec()
    }
}

/// A CRYPTO frame.
pub(super) fn crypto(offset: u64, data: &[u8]) -> Vec<u8> {
    let mut f = vec![0x06];
    f.extend(varint(offset));
    f.extend(varint(data.len() as u64));
    f.extend_from_slice(data);
    f
}

/// Applies packet and header protection to an unprotected packet `header` (ending with the
/// packet number at `pn_offset`) and plaintext `payload`.
pub(super) fn seal(
    raw: &RawKeys,
    header: &[u8],
    pn_offset: usize,
    pn: u64,
    payload: &[u8],
) -> Vec<u8> {
    let mut nonce = raw.iv;
    for (n, p) in nonce.iter_mut().rev().zip(pn.to_le_bytes()) {
        *n ^= p;
    }
    let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &raw.key).unwrap());
    let mut body = payload.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(header),
        &mut body,
    )
    .unwrap();
    let mut packet = header.to_vec();
    packet.extend(body);
    let hp = HeaderProtectionKey::new(&AES_128, &raw.hp).unwrap();
    let mask = hp.new_mask(&packet[pn_offset + 4..pn_offset + 20]).unwrap();
    let pn_len = usize::from(packet[0] & 3) + 1;
    packet[0] ^= mask[0] & 0x0f;
    for i in 0..pn_len {
        packet[pn_offset + i] ^= mask[1 + i];
    }
    packet
}

/// A protected Initial packet of `version` with a 2-byte packet number; keys derive from
/// `key_dcid`; `frames` are padded with PADDING to at least 20 bytes.
pub(super) fn initial(
    version: u32,
    key_dcid: &[u8],
    from_client: bool,
    dcid: &[u8],
    scid: &[u8],
    pn: u64,
    frames: &[u8],
) -> Vec<u8> {
    let params: VersionParams = version::params(version).unwrap();
    let raw = keys::derive_raw(&params, key_dcid, from_client).unwrap();
    let type_bits = if params.v2_types { 0x10 } else { 0x00 };
    let mut payload = frames.to_vec();
    if payload.len() < 20 {
        payload.resize(20, 0);
    }
    let mut h = vec![0xc0 | type_bits | 0x01];
    h.extend(version.to_be_bytes());
    h.push(dcid.len() as u8);
    h.extend_from_slice(dcid);
    h.push(scid.len() as u8);
    h.extend_from_slice(scid);
    h.push(0); // token length
    let len = 2 + payload.len() + 16;
    h.extend(((len as u16) | 0x4000).to_be_bytes());
    let pn_offset = h.len();
    h.extend((pn as u16).to_be_bytes());
    seal(&raw, &h, pn_offset, pn, &payload)
}

/// An unprotected-looking Handshake packet (contents are never decrypted).
pub(super) fn handshake(version: u32, dcid: &[u8], scid: &[u8], body_len: usize) -> Vec<u8> {
    let type_bits = if version == version::V2 { 0x30 } else { 0x20 };
    let mut h = vec![0xc0 | type_bits];
    h.extend(version.to_be_bytes());
    h.push(dcid.len() as u8);
    h.extend_from_slice(dcid);
    h.push(scid.len() as u8);
    h.extend_from_slice(scid);
    h.extend(varint(body_len as u64));
    h.extend(std::iter::repeat_n(0xab, body_len));
    h
}
