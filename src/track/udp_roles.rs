//! A UDP packet's part in its flow's history and roles, as Zeek's UDP analyzer and the
//! analyzers it attaches by the responder's port (DNS, NTP) record them.

use super::flow::Flow;
use super::key::FlowKey;
use crate::dissect::transport::NTP_PORT;
use crate::dissect::{Packet, UdpHint};

// History masks of a UDP flow (`History::seen` bits).
const HIST_ORIG_DATA: u32 = 0x1;
const HIST_RESP_DATA: u32 = 0x2;
/// Zeek's NTP analyzer has swapped the roles (it does so once).
const NTP_FLIPPED: u32 = 0x4;

/// Records a packet sent by key side `side` in the flow's history, swaps the roles when the
/// port's analyzer would, and returns the side the packet is counted for.
///
/// Zeek counts a packet that made its analyzer swap the roles afterwards, with the role it
/// arrived with (its conn_size analyzer comes after the port's analyzer, and the UDP
/// lengths are not swapped): such a packet counts for its receiver.
pub(super) fn observe_udp(flow: &mut Flow, key: FlowKey, side: usize, p: &Packet) -> usize {
    let (mask, code) = if side == flow.orig_side {
        (HIST_ORIG_DATA, 'D')
    } else {
        (HIST_RESP_DATA, 'd')
    };
    flow.history.check(mask, code);
    if analyzer_flips(flow, key, side, p) {
        flow.orig_side = 1 - flow.orig_side;
        flow.history.add('^');
        1 - side
    } else {
        side
    }
}

/// Whether the analyzer Zeek attaches to a UDP flow by its responder's port swaps the roles
/// at this packet (before it is counted):
/// - DNS, at a first packet that is a response sent to a DNS port (not to a multicast
///   group; `DNS_Interpreter::ParseMessage`);
/// - NTP, once, at a server's message from the originator or a client's from the responder
///   (`proc_ntp_message`), with the responder on port 123.
fn analyzer_flips(flow: &mut Flow, key: FlowKey, side: usize, p: &Packet) -> bool {
    let Some(hint) = p.udp_hint else {
        return false;
    };
    let (resp_ip, resp_port) = if flow.orig_side == 1 {
        (key.ip0, key.port0)
    } else {
        (key.ip1, key.port1)
    };
    let from_orig = side == flow.orig_side;
    match hint {
        UdpHint::DnsFlags(flags) => {
            let first = flow.dirs[0].pkts + flow.dirs[1].pkts == 0;
            first
                && from_orig
                && crate::app::dns::first_message_flips_roles(resp_port, resp_ip, Some(flags))
        }
        UdpHint::NtpMode(mode) if resp_port == NTP_PORT => {
            let flips = (mode == 4 && from_orig) || (mode == 3 && !from_orig);
            flips && !flow.history.mark(NTP_FLIPPED)
        }
        UdpHint::NtpMode(_) => false,
    }
}
