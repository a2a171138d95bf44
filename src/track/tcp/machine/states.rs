//! The endpoint state machine (Zeek's `UpdateStateMachine` and its per-state helpers)
//! and the `conn_state` summary it leads to.

use super::*;

impl ZeekTcp {
    /// Zeek's `UpdateStateMachine`; returns whether the sender closed (FIN or RST).
    pub(super) fn update_state_machine(
        &mut self,
        side: usize,
        s: &Segment,
        len: i64,
        delta_last: i32,
        cx: &mut FlowCtx<'_>,
    ) -> bool {
        match self.ep[side].state {
            EpState::Inactive => self.update_inactive(side, s, len, cx),
            EpState::SynSent | EpState::SynAckSent => self.update_syn_sent(side, s),
            EpState::Established | EpState::Partial => self.update_established(side, s),
            EpState::Closed => self.update_closed(side, s, delta_last),
            EpState::Reset => false,
        }
    }

    pub(super) fn update_inactive(
        &mut self,
        side: usize,
        s: &Segment,
        len: i64,
        cx: &mut FlowCtx<'_>,
    ) -> bool {
        let peer = 1 - side;
        let (syn, fin, rst, ack) = s.syn_fin_rst_ack();
        let mut do_close = false;
        let is_orig = Self::is_orig(side, cx);
        if syn {
            if is_orig {
                self.ep[side].set_state(if ack {
                    EpState::SynAckSent
                } else {
                    EpState::SynSent
                });
            } else {
                if ack {
                    // bad_SYN_ack weird only: nothing changes.
                    let _ = seq_between(
                        s.ack,
                        self.ep[peer].start_seq as u32,
                        self.ep[peer].last_seq,
                    );
                } else if self.ep[peer].state == EpState::SynAckSent
                    && s.seq == self.ep[side].start_seq as u32
                {
                    // SYN/SYN+ACK reversal: flip the endpoints and establish the connection.
                    self.is_partial = false;
                    flip(cx, &mut self.is_partial);
                    self.ep[peer].set_state(EpState::Established);
                    self.first_packet_seen[*cx.orig_side] = true;
                }
                if self.ep[peer].state == EpState::SynSent {
                    self.ep[peer].set_state(EpState::Established);
                }
                self.ep[side].set_state(EpState::Established);
            }
        }
        if fin {
            self.ep[side].set_state(EpState::Closed);
            do_close = true;
        }
        if rst {
            self.ep[side].set_state(EpState::Reset);
            do_close = true;
        }
        if self.ep[side].state == EpState::Inactive {
            let orig = *cx.orig_side;
            if !Self::is_orig(side, cx) && len == 0 && self.ep[orig].state == EpState::SynSent {
                // An ACK of the SYN before the SYN+ACK: not a partial connection.
            } else if ack && self.ep[peer].state == EpState::Established {
                // The SYN was missed, the SYN+ACK seen: establish.
                self.ep[side].set_state(EpState::Established);
                self.is_partial = false;
                self.first_packet_seen[side] = true;
            } else {
                self.ep[side].set_state(EpState::Partial);
            }
        }
        do_close
    }

    pub(super) fn update_syn_sent(&mut self, side: usize, s: &Segment) -> bool {
        let mut do_close = false;
        if s.has(tcp_flag::FIN) {
            self.ep[side].set_state(EpState::Closed);
            do_close = true;
        }
        if s.has(tcp_flag::RST) {
            self.ep[side].set_state(EpState::Reset);
            do_close = true;
        }
        do_close
    }

    pub(super) fn update_established(&mut self, side: usize, s: &Segment) -> bool {
        let peer = 1 - side;
        let (syn, fin, rst, ack) = s.syn_fin_rst_ack();
        let mut do_close = false;
        if syn
            && self.ep[side].state == EpState::Partial
            && self.ep[peer].state == EpState::Inactive
            && !ack
        {
            self.ep[side].set_state(EpState::SynSent);
        }
        if fin && !rst {
            self.ep[side].set_state(EpState::Closed);
            if self.ep[peer].state == EpState::Reset && self.ep[peer].prev_state == EpState::Closed
            {
                // A FIN then a RST from the peer was a normal close after all.
                self.ep[peer].set_state(EpState::Closed);
            }
            do_close = true;
        }
        if rst {
            self.ep[side].set_state(EpState::Reset);
            do_close = true;
        }
        do_close
    }

    pub(super) fn update_closed(&mut self, side: usize, s: &Segment, _delta_last: i32) -> bool {
        let peer = 1 - side;
        let mut do_close = false;
        if s.has(tcp_flag::RST) && self.ep[peer].state != EpState::Closed {
            self.ep[side].set_state(EpState::Reset);
            if !self.ep[side].did_close {
                do_close = true;
            }
        }
        do_close
    }

    /// Zeek's `ConnectionClosed`: returns whether the close is complete (the connection can go).
    pub(super) fn connection_closed(&mut self, side: usize) -> bool {
        let peer = 1 - side;
        if self.ep[side].did_close {
            return false;
        }
        self.ep[side].did_close = true;
        self.ep[side].state == EpState::Reset
            || self.ep[peer].did_close
            || self.ep[peer].state == EpState::Inactive
    }

    /// Payload bytes of `side` by sequence space (Zeek's `size` of the endpoint).
    pub fn size(&self, side: usize) -> u64 {
        self.ep[side].size(self.ep[1 - side].state)
    }

    /// Zeek's `conn_state` of a TCP connection.
    pub fn conn_state(&self, orig_side: usize, history: &str) -> &'static str {
        let os = self.ep[orig_side].state;
        let rs = self.ep[1 - orig_side].state;
        let inactive = |s: EpState| s == EpState::Inactive || s == EpState::Partial;
        let (o_inactive, r_inactive) = (inactive(os), inactive(rs));
        if rs == EpState::Reset {
            if os == EpState::SynSent
                || os == EpState::SynAckSent
                || (os == EpState::Reset
                    && self.size(orig_side) == 0
                    && self.size(1 - orig_side) == 0)
            {
                "REJ"
            } else if o_inactive {
                "RSTRH"
            } else {
                "RSTR"
            }
        } else if os == EpState::Reset {
            if r_inactive {
                if is_rstos0_history(history) {
                    "RSTOS0"
                } else {
                    "OTH"
                }
            } else {
                "RSTO"
            }
        } else if rs == EpState::Closed && os == EpState::Closed {
            "SF"
        } else if os == EpState::Closed {
            if r_inactive { "SH" } else { "S2" }
        } else if rs == EpState::Closed {
            if o_inactive { "SHR" } else { "S3" }
        } else if os == EpState::SynSent && rs == EpState::Inactive {
            "S0"
        } else if os == EpState::Established && rs == EpState::Established {
            "S1"
        } else {
            "OTH"
        }
    }

    /// Zeek's RST-close criterion, part of the close timer: both sides closed, or one reset.
    pub fn both_closed(&self) -> bool {
        self.ep[0].did_close && self.ep[1].did_close
    }
}

/// `/^\^?S[^HAFGIQ]*R.*/` of Zeek's conn_state: a SYN, then a RST with nothing in between
/// but retransmissions, window and checksum events.
pub(super) fn is_rstos0_history(h: &str) -> bool {
    let h = h.strip_prefix('^').unwrap_or(h);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for c in rest.chars() {
        match c {
            'R' => return true,
            'H' | 'A' | 'F' | 'G' | 'I' | 'Q' => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn rstos0_pattern() {
        assert!(is_rstos0_history("SR"));
        assert!(is_rstos0_history("^STR"));
        assert!(!is_rstos0_history("SAR"));
        assert!(!is_rstos0_history("R"));
    }
}
