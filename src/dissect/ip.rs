//! The network layer: IPv4 (options, fragments) and IPv6 (extension headers walked to the
//! transport header, fragments), with etherparse's lax slices for complete headers and a
//! field-by-field reading of headers cut short, so a truncated header still yields what
//! its bytes hold (as tshark shows it).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{Ipv6ExtensionSlice, LaxIpv4Slice, LaxIpv6Slice};

use super::defrag::FragmentPiece;
use super::packet::{DecodeError, Fragment, IpInfo, Packet};

/// The transport part of an IP packet.
pub struct TransportBytes<'a> {
    /// IP protocol number of the transport header.
    pub proto: u8,
    /// Captured transport bytes (may be cut by the snap length).
    pub bytes: &'a [u8],
    /// Transport length on the wire, from the IP length fields.
    pub wire_len: u32,
    /// Fragmentation status of the IP packet.
    pub fragment: Fragment,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn v4_at(b: &[u8], at: usize) -> Option<IpAddr> {
    let raw: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(raw)))
}

fn v6_at(b: &[u8], at: usize) -> Option<IpAddr> {
    let raw: [u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
    Some(IpAddr::V6(Ipv6Addr::from(raw)))
}

/// Decodes the IP header in `bytes` into `packet` and returns the transport part; a
/// fragment also sets `piece` (what reassembly needs of it), out of line so that the
/// common case returns a small value. `announced` is the version the link layer promised
/// (None for raw IP: use the nibble).
pub fn network<'a>(
    bytes: &'a [u8],
    announced: Option<u8>,
    packet: &mut Packet,
    piece: &mut Option<FragmentPiece<'a>>,
) -> Option<TransportBytes<'a>> {
    let Some(&first) = bytes.first() else {
        let need = if announced == Some(6) { 40 } else { 20 };
        packet.error = Some(DecodeError::Truncated {
            layer: "IP",
            have: 0,
            need,
        });
        return None;
    };
    let version = first >> 4;
    match (announced, version) {
        (None, v) if v != 4 && v != 6 => {
            // A raw-IP link whose first byte is not IP at all: like tshark, no IP layer.
            packet.error = Some(DecodeError::RawNotIp(v));
            return None;
        }
        _ => packet.ip_version = Some(version),
    }
    match (announced, version) {
        (Some(expected), found) if expected != found => {
            packet.error = Some(DecodeError::BadIpVersion { expected, found });
            None
        }
        (_, 4) => ipv4(bytes, packet, piece),
        _ => ipv6(bytes, packet, piece),
    }
}

fn ipv4<'a>(
    bytes: &'a [u8],
    packet: &mut Packet,
    piece: &mut Option<FragmentPiece<'a>>,
) -> Option<TransportBytes<'a>> {
    let ihl = bytes[0] & 0x0f;
    if ihl < 5 {
        packet.error = Some(DecodeError::BadIpv4HeaderLength(ihl));
        return None;
    }
    let header_len = usize::from(ihl) * 4;
    if bytes.len() < header_len {
        ipv4_partial(bytes, header_len, packet);
        return None;
    }
    let Ok((slice, _auth_error)) = LaxIpv4Slice::from_slice(bytes) else {
        ipv4_partial(bytes, header_len, packet);
        return None;
    };
    let h = slice.header();
    let offset = h.fragments_offset().value();
    let fragment = match (h.more_fragments(), offset) {
        (false, 0) => Fragment::None,
        (true, 0) => Fragment::First,
        _ => Fragment::Later,
    };
    // Total length 0 is what TCP segmentation offload leaves in captures of outgoing
    // packets: the captured length stands in, as tshark and Zeek assume.
    let total_len = match u32::from(h.total_len()) {
        0 => bytes.len() as u32,
        n => n,
    };
    let payload = slice.payload();
    packet.ip = Some(IpInfo {
        src: IpAddr::V4(h.source_addr()),
        dst: Some(IpAddr::V4(h.destination_addr())),
        proto: Some(payload.ip_number.0),
        ttl: Some(h.ttl()),
        total_len: Some(total_len),
        fragment,
        ident: u32::from(h.identification()),
        held: false,
        whole_len: 0,
    });
    let transport_offset = (payload.payload.as_ptr() as usize) - (bytes.as_ptr() as usize);
    // A total length below the header length is bogus (TSO offload writes 0): the captured
    // bytes are then the best measure of the packet.
    let ip_len = if total_len as usize >= header_len {
        total_len as usize
    } else {
        bytes.len()
    };
    let wire_len = ip_len.saturating_sub(transport_offset) as u32;
    if fragment != Fragment::None {
        *piece = Some(FragmentPiece {
            version: 4,
            src: IpAddr::V4(h.source_addr()),
            dst: IpAddr::V4(h.destination_addr()),
            ident: u32::from(h.identification()),
            next_proto: payload.ip_number.0,
            header: &bytes[..transport_offset],
            offset: h.fragments_offset(),
            more: h.more_fragments(),
            data: payload.payload,
            wire_len,
        });
    }
    Some(TransportBytes {
        proto: payload.ip_number.0,
        bytes: payload.payload,
        wire_len,
        fragment,
    })
}

/// Fields of an IPv4 header whose bytes end before its declared length.
fn ipv4_partial(bytes: &[u8], header_len: usize, packet: &mut Packet) {
    packet.error = Some(DecodeError::Truncated {
        layer: "IPv4",
        have: bytes.len(),
        need: header_len,
    });
    let Some(src) = v4_at(bytes, 12) else { return };
    packet.ip = Some(IpInfo {
        src,
        dst: v4_at(bytes, 16),
        proto: bytes.get(9).copied(),
        ttl: bytes.get(8).copied(),
        total_len: be16(bytes, 2).map(u32::from),
        fragment: Fragment::None,
        ident: be16(bytes, 4).map_or(0, u32::from),
        held: false,
        whole_len: 0,
    });
}

fn ipv6<'a>(
    bytes: &'a [u8],
    packet: &mut Packet,
    piece: &mut Option<FragmentPiece<'a>>,
) -> Option<TransportBytes<'a>> {
    if bytes.len() < 40 {
        packet.error = Some(DecodeError::Truncated {
            layer: "IPv6",
            have: bytes.len(),
            need: 40,
        });
        if let Some(src) = v6_at(bytes, 8) {
            packet.ip = Some(IpInfo {
                src,
                dst: None,
                proto: bytes.get(6).copied(),
                ttl: bytes.get(7).copied(),
                total_len: be16(bytes, 4).map(|l| 40 + u32::from(l)),
                fragment: Fragment::None,
                ident: 0,
                held: false,
                whole_len: 0,
            });
        }
        return None;
    }
    let Ok((slice, ext_error)) = LaxIpv6Slice::from_slice(bytes) else {
        packet.error = Some(DecodeError::Truncated {
            layer: "IPv6",
            have: bytes.len(),
            need: 40,
        });
        return None;
    };
    let h = slice.header();
    let mut fragment = Fragment::None;
    let mut ident = 0;
    // The fragment header, and where the fragmentable part after it starts.
    let mut frag_header = None;
    // etherparse's iterator trusts every header it is told of: when lax parsing stopped at
    // a damaged or missing header, asking for one more than the complete ones reads past
    // the frame (undefined behaviour). So stop once their bytes are used up.
    let mut left = slice.extensions().slice().len();
    let mut exts = slice.extensions().clone().into_iter();
    while left > 0
        && let Some(ext) = exts.next()
    {
        left = left.saturating_sub(ext_len(&ext));
        if let Ipv6ExtensionSlice::Fragment(f) = ext
            && f.is_fragmenting_payload()
        {
            fragment = if f.fragment_offset().value() == 0 {
                Fragment::First
            } else {
                Fragment::Later
            };
            ident = f.identification();
            let end = f.slice().as_ptr() as usize - bytes.as_ptr() as usize + f.slice().len();
            frag_header = Some((
                f.fragment_offset(),
                f.more_fragments(),
                f.next_header().0,
                end,
            ));
        }
    }
    let payload = slice.payload();
    let payload_len_field = u32::from(h.payload_length());
    packet.ip = Some(IpInfo {
        src: IpAddr::V6(h.source_addr()),
        dst: Some(IpAddr::V6(h.destination_addr())),
        proto: Some(payload.ip_number.0),
        ttl: Some(h.hop_limit()),
        total_len: Some(40 + payload_len_field),
        fragment,
        ident,
        held: false,
        whole_len: 0,
    });
    if ext_error.is_some() {
        packet.error = Some(DecodeError::BadIpv6Extension);
        return None;
    }
    let transport_offset = (payload.payload.as_ptr() as usize) - (bytes.as_ptr() as usize);
    // Payload length 0 means a jumbogram (or an unset field): the captured bytes measure it.
    let ip_len = if payload_len_field > 0 {
        40 + payload_len_field as usize
    } else {
        bytes.len()
    };
    if let Some((offset, more, next_proto, end)) = frag_header {
        *piece = Some(FragmentPiece {
            version: 6,
            src: IpAddr::V6(h.source_addr()),
            dst: IpAddr::V6(h.destination_addr()),
            ident,
            next_proto,
            header: &bytes[..40],
            offset,
            more,
            data: bytes.get(end..ip_len.min(bytes.len())).unwrap_or(&[]),
            wire_len: ip_len.saturating_sub(end) as u32,
        });
    }
    Some(TransportBytes {
        proto: payload.ip_number.0,
        bytes: payload.payload,
        wire_len: ip_len.saturating_sub(transport_offset) as u32,
        fragment,
    })
}

/// Bytes of one IPv6 extension header.
fn ext_len(ext: &Ipv6ExtensionSlice<'_>) -> usize {
    match ext {
        Ipv6ExtensionSlice::HopByHop(h)
        | Ipv6ExtensionSlice::Routing(h)
        | Ipv6ExtensionSlice::DestinationOptions(h) => h.slice().len(),
        Ipv6ExtensionSlice::Fragment(f) => f.slice().len(),
        Ipv6ExtensionSlice::Authentication(a) => a.slice().len(),
    }
}

/// Source, destination, protocol and the transport bytes of a packet quoted in an ICMP
/// error, which is usually cut after 8 bytes of its transport header.
pub fn quoted_ip(bytes: &[u8]) -> Option<(IpAddr, IpAddr, u8, &[u8])> {
    let (slice, _) = etherparse::LaxIpSlice::from_slice(bytes).ok()?;
    let payload = slice.payload();
    Some((
        slice.source_addr(),
        slice.destination_addr(),
        payload.ip_number.0,
        payload.payload,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IPv6 header whose extension chain ends in a header missing from the capture.
    fn v6_with_exts(next: u8, exts: &[u8]) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0, 0x30, 0x30, next, 64];
        p.extend_from_slice(&[0x30; 32]);
        p.extend_from_slice(exts);
        p
    }

    /// Found by the `capture_reader` and `dissect` fuzz targets on
    /// tests/pcaps/malformed/ipv6-next-header-oobr-1.pcap: a hop-by-hop header announcing a
    /// routing header the frame does not hold. etherparse's extension iterator walked into
    /// the missing header and read past the frame (an unsafe precondition violation).
    #[test]
    fn extension_chain_cut_after_a_complete_header_is_not_read_past() {
        let frame = [
            0x63, 0x30, 0x30, 0x30, 0x30, 0x30, 0x00, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
            0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
            0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x2b, 0x00,
            0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
        ];
        let mut packet = Packet::default();
        assert!(ipv6(&frame, &mut packet, &mut None).is_none());
        assert_eq!(packet.error, Some(DecodeError::BadIpv6Extension));
        assert_eq!(packet.ip.map(|ip| ip.fragment), Some(Fragment::None));
    }

    /// The same damage after a fragment header: the fragment is still recognised.
    #[test]
    fn fragment_header_before_a_missing_header_is_kept() {
        // Fragment header: next = routing (43), offset 0 with more fragments, ident 0x01020304.
        let frame = v6_with_exts(44, &[43, 0, 0x00, 0x01, 1, 2, 3, 4]);
        let mut packet = Packet::default();
        assert!(ipv6(&frame, &mut packet, &mut None).is_none());
        assert_eq!(packet.error, Some(DecodeError::BadIpv6Extension));
        let ip = packet.ip.unwrap();
        assert_eq!((ip.fragment, ip.ident), (Fragment::First, 0x0102_0304));
    }
}
