//! Initial secrets and packet-protection keys (RFC 9001 §5.2, RFC 9369 §3.3) with `ring`.

use ring::aead::quic::{AES_128, HeaderProtectionKey};
use ring::aead::{AES_128_GCM, LessSafeKey, UnboundKey};
use ring::hkdf::{HKDF_SHA256, KeyType, Prk, Salt};

use super::version::VersionParams;

/// The raw secret and key material of one direction's Initial packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct RawKeys {
    /// "client in" / "server in" secret.
    pub secret: [u8; 32],
    /// AEAD key.
    pub key: [u8; 16],
    /// AEAD IV.
    pub iv: [u8; 12],
    /// Header-protection key.
    pub hp: [u8; 16],
}

/// Ready-to-use protection keys of one direction.
pub(super) struct DirectionKeys {
    /// Version the keys were derived for.
    pub version: u32,
    /// AES-128-GCM key.
    pub aead: LessSafeKey,
    /// AEAD IV, XORed with the packet number to make the nonce.
    pub iv: [u8; 12],
    /// AES-128 header-protection key.
    pub hp: HeaderProtectionKey,
}

/// Output length for `ring`'s HKDF-Expand.
struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand-Label of TLS 1.3 (RFC 8446 §7.1) with an empty context, into `out`.
fn expand_label(prk: &Prk, label: &[u8], out: &mut [u8]) -> Option<()> {
    let len = u16::try_from(out.len()).ok()?.to_be_bytes();
    let label_len = [u8::try_from(label.len().checked_add(6)?).ok()?];
    let info: [&[u8]; 5] = [&len, &label_len, b"tls13 ", label, &[0u8]];
    prk.expand(&info, Len(out.len())).ok()?.fill(out).ok()
}

/// The Initial secret, key, IV and HP key of one direction, derived from the client's
/// first Destination Connection ID.
pub(super) fn derive_raw(params: &VersionParams, dcid: &[u8], client: bool) -> Option<RawKeys> {
    let initial = Salt::new(HKDF_SHA256, params.salt).extract(dcid);
    let mut secret = [0u8; 32];
    let label: &[u8] = if client { b"client in" } else { b"server in" };
    expand_label(&initial, label, &mut secret)?;
    let prk = Prk::new_less_safe(HKDF_SHA256, &secret);
    let mut raw = RawKeys {
        secret,
        key: [0; 16],
        iv: [0; 12],
        hp: [0; 16],
    };
    expand_label(&prk, params.key_label, &mut raw.key)?;
    expand_label(&prk, params.iv_label, &mut raw.iv)?;
    expand_label(&prk, params.hp_label, &mut raw.hp)?;
    Some(raw)
}

/// `derive_raw` turned into `ring` key objects.
pub(super) fn derive(params: &VersionParams, dcid: &[u8], client: bool) -> Option<DirectionKeys> {
    let raw = derive_raw(params, dcid, client)?;
    Some(DirectionKeys {
        version: params.version,
        aead: LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &raw.key).ok()?),
        iv: raw.iv,
        hp: HeaderProtectionKey::new(&AES_128, &raw.hp).ok()?,
    })
}
