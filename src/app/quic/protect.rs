//! Removing header protection and AEAD protection of an Initial packet (RFC 9001 §5.3-5.5),
//! and checking a Retry integrity tag (RFC 9001 §5.8).

use ring::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

use super::keys::DirectionKeys;

/// Length of the AEAD tag and of the header-protection sample.
const TAG_LEN: usize = 16;

/// A decrypted packet.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Opened {
    /// Full (reconstructed) packet number.
    pub pn: u64,
    /// The packet header with protection removed.
    pub header: Vec<u8>,
    /// Plaintext frames.
    pub payload: Vec<u8>,
}

/// Largest packet number QUIC allows.
const MAX_PN: u64 = (1 << 62) - 1;

/// Reconstructs a full packet number from its truncated encoding (RFC 9000 §A.3).
pub(super) fn decode_pn(largest: Option<u64>, truncated: u64, pn_len: usize) -> u64 {
    let expected = largest.map_or(0, |l| l.saturating_add(1));
    let bits = u32::try_from(pn_len.saturating_mul(8))
        .unwrap_or(32)
        .min(32);
    let win = 1u64 << bits;
    let hwin = win / 2;
    let mask = win - 1;
    let candidate = (expected & !mask) | truncated;
    let pn = if candidate.saturating_add(hwin) <= expected
        && candidate < (1u64 << 62).saturating_sub(win)
    {
        candidate + win
    } else if candidate > expected.saturating_add(hwin) && candidate >= win {
        candidate - win
    } else {
        candidate
    };
    pn.min(MAX_PN)
}

/// Opens one Initial packet (`packet` is exactly its bytes in the datagram, `pn_offset`
/// where its packet number starts). `None` on a short packet or an authentication failure.
pub(super) fn open(
    keys: &DirectionKeys,
    packet: &[u8],
    pn_offset: usize,
    largest: Option<u64>,
) -> Option<Opened> {
    let sample_start = pn_offset.checked_add(4)?;
    let sample = packet.get(sample_start..sample_start.checked_add(TAG_LEN)?)?;
    let mask = keys.hp.new_mask(sample).ok()?;
    let first = packet.first()? ^ (mask[0] & 0x0f);
    let pn_len = usize::from(first & 0x03) + 1;
    let pn_end = pn_offset.checked_add(pn_len)?;
    let mut header = packet.get(..pn_end)?.to_vec();
    *header.first_mut()? = first;
    let mut truncated = 0u64;
    for (b, m) in header
        .get_mut(pn_offset..)?
        .iter_mut()
        .zip(mask.iter().skip(1))
    {
        *b ^= m;
        truncated = (truncated << 8) | u64::from(*b);
    }
    let pn = decode_pn(largest, truncated, pn_len);
    let mut nonce = keys.iv;
    for (n, p) in nonce.iter_mut().rev().zip(pn.to_le_bytes()) {
        *n ^= p;
    }
    let mut payload = packet.get(pn_end..)?.to_vec();
    if payload.len() < TAG_LEN {
        return None;
    }
    let plain_len = keys
        .aead
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(&header[..]),
            &mut payload,
        )
        .ok()?
        .len();
    payload.truncate(plain_len);
    Some(Opened {
        pn,
        header,
        payload,
    })
}

/// Whether a Retry packet's integrity tag is right for the client's original DCID.
/// `retry` is the whole Retry packet including its 16-byte tag.
pub(super) fn retry_tag_ok(retry_key: &([u8; 16], [u8; 12]), odcid: &[u8], retry: &[u8]) -> bool {
    let Some(body_len) = retry.len().checked_sub(TAG_LEN) else {
        return false;
    };
    let (Some(body), Some(tag)) = (retry.get(..body_len), retry.get(body_len..)) else {
        return false;
    };
    let Ok(odcid_len) = u8::try_from(odcid.len()) else {
        return false;
    };
    let mut pseudo = Vec::with_capacity(1 + odcid.len() + body.len());
    pseudo.push(odcid_len);
    pseudo.extend_from_slice(odcid);
    pseudo.extend_from_slice(body);
    let Ok(unbound) = UnboundKey::new(&AES_128_GCM, &retry_key.0) else {
        return false;
    };
    let key = LessSafeKey::new(unbound);
    let mut empty: [u8; 0] = [];
    match key.seal_in_place_separate_tag(
        Nonce::assume_unique_for_key(retry_key.1),
        Aad::from(&pseudo[..]),
        &mut empty,
    ) {
        Ok(t) => t.as_ref() == tag,
        Err(_) => false,
    }
}
