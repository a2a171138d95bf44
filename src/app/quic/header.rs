//! Long-header packet parsing (RFC 9000 §17.2, RFC 8999 invariants), one packet of a
//! possibly coalesced datagram at a time.

use super::cursor::Cursor;
use super::version::{self, PacketType, VersionParams};

/// Largest connection ID that QUIC v1/v2 allow (RFC 9000 §17.2).
const MAX_CID_LEN: usize = 20;

/// What a long header carries, besides its connection IDs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind<'a> {
    /// Initial packet; `pn_offset` is where the protected packet number starts.
    Initial { token: &'a [u8], pn_offset: usize },
    /// 0-RTT packet (not decrypted).
    ZeroRtt,
    /// Handshake packet (not decrypted).
    Handshake,
    /// Retry packet: token and 16-byte integrity tag.
    Retry { token: &'a [u8], tag: &'a [u8] },
    /// Version Negotiation (version 0) with its list of 4-byte versions.
    VersionNegotiation { versions: &'a [u8] },
    /// A version we do not know: only the invariant fields are meaningful.
    UnknownVersion,
}

/// One parsed long-header packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LongHeader<'a> {
    /// Version field.
    pub version: u32,
    /// Destination Connection ID.
    pub dcid: &'a [u8],
    /// Source Connection ID.
    pub scid: &'a [u8],
    /// Type and type-specific fields.
    pub kind: Kind<'a>,
    /// Protection parameters when the version is one we decrypt.
    pub params: Option<VersionParams>,
    /// Bytes of this packet in the datagram (the rest of the datagram for Retry,
    /// Version Negotiation and unknown versions).
    pub packet_len: usize,
}

/// The first packet of a datagram (or of the remainder after coalesced packets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Packet<'a> {
    /// A long-header packet.
    Long(LongHeader<'a>),
    /// A short-header (1-RTT) packet: it fills the rest of the datagram.
    Short,
    /// A known-version long header whose fixed bit is 0, or trailing junk/padding:
    /// discarded with the rest of the datagram, as Zeek does.
    Discard,
    /// Truncated or malformed.
    Invalid,
}

/// Parses the packet at the start of `buf`.
pub(super) fn parse(buf: &[u8]) -> Packet<'_> {
    let Some(&first) = buf.first() else {
        return Packet::Invalid;
    };
    if first & 0x80 == 0 {
        return if first & 0x40 != 0 {
            Packet::Short
        } else {
            Packet::Discard
        };
    }
    parse_long(buf).unwrap_or(Packet::Invalid)
}

fn parse_long(buf: &[u8]) -> Option<Packet<'_>> {
    let mut c = Cursor::new(buf);
    let first = c.u8()?;
    let version = c.u32()?;
    let dcid_len = usize::from(c.u8()?);
    let dcid = c.bytes(dcid_len)?;
    let scid_len = usize::from(c.u8()?);
    let scid = c.bytes(scid_len)?;
    let whole = |kind| LongHeader {
        version,
        dcid,
        scid,
        kind,
        params: None,
        packet_len: buf.len(),
    };
    if version == 0 {
        let versions = c.rest();
        return Some(Packet::Long(whole(Kind::VersionNegotiation { versions })));
    }
    let Some(params) = version::params(version) else {
        return Some(Packet::Long(whole(Kind::UnknownVersion)));
    };
    if first & 0x40 == 0 {
        return Some(Packet::Discard);
    }
    if dcid_len > MAX_CID_LEN || scid_len > MAX_CID_LEN {
        return None;
    }
    let ptype = params.packet_type(first);
    let kind = match ptype {
        PacketType::Retry => {
            let rest = c.rest();
            let split = rest.len().checked_sub(16)?;
            let (token, tag) = rest.split_at_checked(split)?;
            let mut h = whole(Kind::Retry { token, tag });
            h.params = Some(params);
            return Some(Packet::Long(h));
        }
        PacketType::Initial => {
            let token_len = c.varint_usize()?;
            let token = c.bytes(token_len)?;
            let length = c.varint_usize()?;
            let pn_offset = c.pos();
            c.bytes(length)?;
            Kind::Initial { token, pn_offset }
        }
        PacketType::ZeroRtt | PacketType::Handshake => {
            let length = c.varint_usize()?;
            c.bytes(length)?;
            if ptype == PacketType::ZeroRtt {
                Kind::ZeroRtt
            } else {
                Kind::Handshake
            }
        }
    };
    Some(Packet::Long(LongHeader {
        version,
        dcid,
        scid,
        kind,
        params: Some(params),
        packet_len: c.pos(),
    }))
}

/// Cheap check on a datagram: a long header with a known version, its Initial type and
/// fixed bit, connection IDs of at most 20 bytes, a Length of at least 20 (packet number
/// plus header-protection sample) that fits in the datagram.
pub fn looks_like_quic(payload: &[u8]) -> bool {
    match parse(payload) {
        Packet::Long(h) => match h.kind {
            Kind::Initial { pn_offset, .. } => h.packet_len.saturating_sub(pn_offset) >= 20,
            _ => false,
        },
        _ => false,
    }
}
