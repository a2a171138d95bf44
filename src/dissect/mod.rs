//! The `dissect` stage: one frame's bytes → a [`Packet`] of header fields, decoded as far
//! as the bytes go, allocating nothing. A frame that cannot be decoded still yields a
//! `Packet`, with [`Packet::error`] saying where and why decoding stopped.

mod ip;
mod link;
mod packet;
pub mod tcp_flags;
pub mod transport;

pub use packet::{
    DecodeError, Fragment, IcmpInfo, IpInfo, Packet, QuotedPacket, TcpInfo, tcp_flag,
};

use crate::source::{Frame, LINKTYPE_UNDEFINED_INTERFACE};
use link::NetworkPayload;

/// Decodes the headers of one frame.
pub fn dissect(frame: &Frame<'_>) -> Packet {
    dissect_with_payload(frame).0
}

/// Decodes the headers of one frame and returns, beside them, the captured bytes of its
/// TCP or UDP payload (empty for other transports, later fragments and frames cut before
/// the payload; never the link layer's trailer or padding).
pub fn dissect_with_payload<'a>(frame: &Frame<'a>) -> (Packet, &'a [u8]) {
    let mut packet = Packet::default();
    if frame.link_type == LINKTYPE_UNDEFINED_INTERFACE {
        packet.error = Some(DecodeError::UndefinedInterface(frame.interface_id));
        return (packet, &[]);
    }
    let mut payload: &'a [u8] = &[];
    if let NetworkPayload::Ip { bytes, version } =
        link::strip_link(frame.link_type, frame.data, frame.wire_len, &mut packet)
        && let Some(t) = ip::network(bytes, version, &mut packet)
    {
        payload = transport::transport(t, &mut packet);
    }
    (packet, payload)
}
