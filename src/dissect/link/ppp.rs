//! PPP (LINKTYPE 9), PPP in HDLC-like framing (50) and Cisco HDLC (104), read as tshark's
//! `ppp_hdlc` and `chdlc` dissectors read them.

use super::super::packet::Packet;
use super::ethertype::{ETH_IPV4, ETH_IPV6, ETH_MPLS, ether_payload, mpls};
use super::{NetworkPayload, be16, truncated};

/// PPP protocol numbers pcapq follows.
const PPP_IPV4: u16 = 0x0021;
const PPP_IPV6: u16 = 0x0057;
const PPP_MPLS: [u16; 2] = [0x0281, 0x0283];
/// Cisco HDLC address bytes (unicast, multicast): a PPP link may carry Cisco HDLC frames.
const CHDLC_ADDRESSES: [u8; 2] = [0x0f, 0x8f];
/// PPP's all-stations address, followed by the control byte (0x03).
const PPP_ALL_STATIONS: u8 = 0xff;

/// A PPP frame: the address and control bytes when the first byte is 0xff (RFC 1662),
/// none when they are compressed away; a Cisco HDLC frame when the first byte is one of
/// its addresses. Like tshark, the control byte is not checked and no FCS is assumed.
pub(super) fn ppp<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    match data.first() {
        Some(b) if CHDLC_ADDRESSES.contains(b) => cisco_hdlc(data, packet),
        Some(&PPP_ALL_STATIONS) => match data.get(2..) {
            Some(rest) => protocol_and_payload(rest, "PPP", 2, packet),
            None => truncated(packet, "PPP", data.len(), 4),
        },
        _ => protocol_and_payload(data, "PPP", 0, packet),
    }
}

/// The PPP protocol field and what it announces. The field is one byte when that byte is
/// odd (protocol-field compression, RFC 1661 section 6.5), two otherwise. `before` is the
/// number of `layer` bytes before the field, for the truncation message.
pub(super) fn protocol_and_payload<'a>(
    bytes: &'a [u8],
    layer: &'static str,
    before: usize,
    packet: &mut Packet,
) -> NetworkPayload<'a> {
    let (protocol, rest) = match bytes {
        [b, rest @ ..] if b & 1 == 1 => (u16::from(*b), rest),
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]), rest),
        _ => return truncated(packet, layer, before + bytes.len(), before + 2),
    };
    match protocol {
        PPP_IPV4 => NetworkPayload::ip(rest, 4),
        PPP_IPV6 => NetworkPayload::ip(rest, 6),
        p if PPP_MPLS.contains(&p) => mpls(rest, packet),
        // LCP, IPCP, CDP, VJ-compressed TCP, …: nothing pcapq decodes.
        _ => NetworkPayload::NotIp,
    }
}

/// Cisco HDLC: address, control, then a protocol field that is an EtherType (stored as
/// `eth_type`). IPv4, IPv6 and MPLS are followed; SLARP (0x8035), CDP (0x2000) and the
/// rest carry no IP.
pub(super) fn cisco_hdlc<'a>(data: &'a [u8], packet: &mut Packet) -> NetworkPayload<'a> {
    let Some(protocol) = be16(data, 2) else {
        return truncated(packet, "Cisco HDLC", data.len(), 4);
    };
    packet.eth_type = Some(protocol);
    if protocol == ETH_IPV4 || protocol == ETH_IPV6 || ETH_MPLS.contains(&protocol) {
        ether_payload(protocol, &data[4..], packet)
    } else {
        NetworkPayload::NotIp
    }
}
