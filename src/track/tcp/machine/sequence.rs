//! How each endpoint's sequence space and window advance with every segment (Zeek's
//! `UpdateWindow` and the last-sequence bookkeeping of `TCPSessionAdapter::Process`).

use super::*;

impl ZeekTcp {
    pub(super) fn update_window(&mut self, side: usize, s: &Segment, cx: &mut FlowCtx<'_>) {
        let (syn, fin, rst, _) = s.syn_fin_rst_ack();
        let peer_state = self.ep[1 - side].state;
        let ep = &self.ep[side];
        let scale = ep.window_scale.clamp(0, 14) as u32;
        let window = u32::from(s.window) << scale;
        if window == 0 && !rst && peer_state != EpState::Closed && ep.state != EpState::Reset {
            self.scaled_history(side, 'W', |e| &mut e.win0, cx);
        }
        let ep = &mut self.ep[side];
        if !syn
            && !fin
            && !rst
            && ep.state != EpState::Closed
            && ep.state != EpState::Reset
            && seq_delta(s.seq, ep.window_seq) >= 0
            && seq_delta(s.ack, ep.window_ack_seq) >= 0
        {
            ep.window = window;
            ep.window_ack_seq = s.ack;
            ep.window_seq = s.seq;
        }
    }

    pub(super) fn init_window(&mut self, side: usize, s: &Segment) {
        let peer = 1 - side;
        match s.wscale {
            None => {
                if s.has(tcp_flag::ACK) {
                    self.ep[side].window_scale = 0;
                    self.ep[peer].window_scale = 0;
                } else {
                    self.ep[side].window_scale = 0;
                }
            }
            Some(scale) => {
                self.ep[side].window_scale = i32::from(scale.min(14));
                self.ep[side].window_seq = s.seq;
                self.ep[side].window_ack_seq = s.ack;
                self.ep[peer].window_seq = s.ack;
                self.ep[peer].window_ack_seq = s.seq;
            }
        }
    }

    /// Zeek's `update_last_seq`: returns how far the segment's end moved the last sequence.
    pub(super) fn update_last_seq(
        &mut self,
        side: usize,
        last_seq: u32,
        s: &Segment,
        len: i64,
        cx: &mut FlowCtx<'_>,
    ) -> i32 {
        let (syn, fin, rst, _) = s.syn_fin_rst_ack();
        let ep = &mut self.ep[side];
        let delta = seq_delta(last_seq, ep.last_seq);
        if (syn || rst) && !(-TOO_LARGE_SEQ_DELTA..=TOO_LARGE_SEQ_DELTA).contains(&delta) {
            // Untrusted jump.
        } else if fin && ep.last_seq == (ep.start_seq as u32).wrapping_add(1) {
            ep.update_last_seq(last_seq);
        } else if ep.state == EpState::Reset {
            // Nothing after a RST is trusted.
        } else if delta > 0 {
            ep.update_last_seq(last_seq);
        } else if len > 0 {
            // Data at or below the last sequence seen: a retransmission (Zeek's `DidRxmit`).
            self.scaled_history(side, 'T', |e| &mut e.rxmt, cx);
        }
        delta
    }
}

/// Sequence number relative to the endpoint's initial one (Zeek's `get_relative_seq`), and
/// whether it fell before it.
pub(super) fn relative_seq(ep: &Endpoint, cur: u32, last: u32, wraps: u32) -> (u64, bool) {
    let delta = seq_delta(cur, last);
    let mut wraps = wraps;
    if delta < 0 {
        if wraps > 0 && cur > last {
            wraps -= 1;
        }
    } else if delta > 0 && cur < last {
        wraps += 1;
    }
    if wraps == 0 {
        let d = seq_delta(cur, ep.start_seq as u32);
        return (i64::from(d) as u64, d < 0);
    }
    (ep.to_relative(cur, wraps), false)
}
