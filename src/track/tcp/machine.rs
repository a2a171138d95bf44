//! Zeek's TCP connection analysis, packet by packet: endpoint states, sequence tracking,
//! history letters, windows, closes and content gaps — what `conn_state`, `history`,
//! `orig_bytes`, `resp_bytes`, `missed_bytes` and `duration` are made of.
//!
//! A reading of Zeek's `TCPSessionAdapter::Process` and the functions it calls
//! (zeek/src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc), restructured for pcapq:
//! endpoints are indexed by the side of the flow key, and "originator" is the side that
//! `orig_side` names, so a role flip is one assignment.
//!
//! This file holds the per-segment driver and the history letters; `sequence` keeps each
//! endpoint's sequence space and window, `states` the endpoint state machine and
//! `conn_state`.

mod sequence;
mod states;

use self::sequence::relative_seq;
use super::super::history::History;
use super::endpoint::{Endpoint, EpState, seq_between, seq_delta};
use crate::dissect::tcp_flag;

/// Sequence jumps beyond this are not trusted (Zeek's `TOO_LARGE_SEQ_DELTA`).
const TOO_LARGE_SEQ_DELTA: i32 = 1_048_576;

// History masks of one direction (the responder's are shifted left by 16).
const HIST_SYN: u32 = 0x1;
const HIST_FIN: u32 = 0x2;
const HIST_RST: u32 = 0x4;
const HIST_FIN_RST: u32 = 0x8;
const HIST_DATA: u32 = 0x10;
const HIST_ACK: u32 = 0x20;
const HIST_MULTI_FLAG: u32 = 0x40;

/// One TCP segment as the state machine needs it.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Segment {
    /// Flow-key side of the sender.
    pub side: usize,
    /// Flag bits.
    pub flags: u16,
    /// Raw sequence number.
    pub seq: u32,
    /// Raw acknowledgement number.
    pub ack: u32,
    /// Raw window field.
    pub window: u16,
    /// Payload bytes on the wire.
    pub len: u32,
    /// Payload bytes captured (Zeek does not deliver a payload the snap length cut).
    pub captured: u32,
    /// Window-scale option (SYNs only).
    pub wscale: Option<u8>,
}

impl Segment {
    fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }

    /// The four flags the state machine branches on, in this order.
    fn syn_fin_rst_ack(&self) -> (bool, bool, bool, bool) {
        (
            self.has(tcp_flag::SYN),
            self.has(tcp_flag::FIN),
            self.has(tcp_flag::RST),
            self.has(tcp_flag::ACK),
        )
    }
}

/// The per-flow context the machine updates besides its own endpoints.
pub struct FlowCtx<'a> {
    /// The flow's history.
    pub history: &'a mut History,
    /// Which key side is the originator.
    pub orig_side: &'a mut usize,
}

/// What one segment did to the connection.
#[derive(Debug, Default, Clone, Copy)]
pub struct Outcome {
    /// Zeek's duration clock still runs (the connection was not fully closed before it).
    pub extends_duration: bool,
    /// The connection is now closed for good (both FINs, or a RST): it lingers briefly.
    pub close_complete: bool,
}

/// Zeek's view of one TCP connection.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ZeekTcp {
    /// Endpoints by flow-key side.
    pub ep: [Endpoint; 2],
    seen_first_ack: bool,
    /// Zeek's "partial connection" flag (no proper handshake seen).
    pub is_partial: bool,
    first_packet_seen: [bool; 2],
}

fn flip(cx: &mut FlowCtx<'_>, z_partial: &mut bool) {
    *cx.orig_side ^= 1;
    *z_partial = false;
    cx.history.add('^');
}

impl ZeekTcp {
    /// Whether `side` is the originator.
    fn is_orig(side: usize, cx: &FlowCtx<'_>) -> bool {
        side == *cx.orig_side
    }

    /// Records a history event of the endpoint on `side` (Zeek's `TCP_Endpoint::CheckHistory`).
    /// A lone SYN+ACK followed by an ACK or data flips the roles, as in Zeek.
    fn check_history(&mut self, side: usize, mask: u32, code: char, cx: &mut FlowCtx<'_>) -> bool {
        if (code == 'A' || code == 'D') && cx.history.as_str() == "H" {
            flip(cx, &mut self.is_partial);
            cx.history.replace("^h");
            self.first_packet_seen[*cx.orig_side] = true;
        }
        if Self::is_orig(side, cx) {
            cx.history.check(mask, code)
        } else {
            cx.history.check(mask << 16, code.to_ascii_lowercase())
        }
    }

    fn add_history(side: usize, code: char, cx: &mut FlowCtx<'_>) {
        let c = if Self::is_orig(side, cx) {
            code
        } else {
            code.to_ascii_lowercase()
        };
        cx.history.add(c);
    }

    fn scaled_history(
        &mut self,
        side: usize,
        code: char,
        which: fn(&mut Endpoint) -> &mut super::super::history::Scaled,
        cx: &mut FlowCtx<'_>,
    ) {
        let c = if Self::is_orig(side, cx) {
            code
        } else {
            code.to_ascii_lowercase()
        };
        let counter = which(&mut self.ep[side]);
        cx.history.scaled(c, counter);
    }

    /// Whether a SYN on this existing connection starts a new one (Zeek's `IsReuse`).
    pub fn is_reuse(&self, s: &Segment, orig_side: usize) -> bool {
        if !s.has(tcp_flag::SYN) {
            return false;
        }
        let resp_side = 1 - orig_side;
        let conn_orig = if s.has(tcp_flag::ACK) {
            if self.ep[orig_side].state != EpState::Inactive {
                return false;
            }
            resp_side
        } else {
            orig_side
        };
        let closed = self.ep[0].did_close || self.ep[1].did_close;
        // A SYN from the silent side while the originator's SYN is unanswered is a
        // simultaneous open, one connection. (Zeek starts a second connection here; pcapq
        // keeps one, as TCP and the UVic counting do: docs/differences.md.)
        if !closed
            && !s.has(tcp_flag::ACK)
            && s.side != orig_side
            && self.ep[orig_side].state == EpState::SynSent
            && self.ep[resp_side].state == EpState::Inactive
        {
            return false;
        }
        if !closed {
            if s.seq == self.ep[conn_orig].start_seq as u32 {
                return false;
            }
            if !s.has(tcp_flag::ACK)
                && self.ep[conn_orig].state == EpState::SynAckSent
                && self.ep[resp_side].state == EpState::Inactive
                && s.seq == self.ep[resp_side].start_seq as u32
            {
                return false;
            }
        }
        true
    }

    /// Processes one segment.
    pub fn process(&mut self, s: &Segment, cx: &mut FlowCtx<'_>) -> Outcome {
        let side = s.side;
        let peer = 1 - side;
        let (syn, fin, rst, ack_flag) = s.syn_fin_rst_ack();
        let len = s.len as i64;

        self.set_partial_status(s, Self::is_orig(side, cx));

        let mut seg_len = len + i64::from(syn) + i64::from(fin);
        if rst {
            seg_len -= len;
        }
        let seq_one_past = s.seq.wrapping_add(seg_len as u32);
        self.init_endpoint(side, s, seq_one_past);

        let ep = &self.ep[side];
        let (rel_seq, seq_underflow) = relative_seq(ep, s.seq, ep.last_seq, ep.seq_wraps);

        self.update_history(side, s, rel_seq, len as u64, cx);
        self.update_window(side, s, cx);

        let extends_duration = !(self.ep[0].did_close && self.ep[1].did_close);

        if syn {
            self.init_window(side, s);
        }
        if fin {
            self.ep[side].fin_cnt += 1;
            self.ep[side].fin_seq = rel_seq.wrapping_add(seg_len as u64);
        }
        if rst {
            self.ep[side].rst_cnt += 1;
        }

        let mut rel_ack = 0u64;
        if ack_flag {
            let is_orig = Self::is_orig(side, cx);
            if is_orig
                && !self.seen_first_ack
                && matches!(self.ep[side].state, EpState::Established | EpState::SynSent)
            {
                self.seen_first_ack = true;
            }
            if self.ep[peer].state == EpState::Inactive {
                rel_ack = 1;
                let p = &mut self.ep[peer];
                p.init_start_seq(i64::from(s.ack.wrapping_sub(1)));
                p.init_ack_seq(s.ack.wrapping_sub(1));
                p.init_last_seq(s.ack.wrapping_sub(1));
            } else {
                let p = &self.ep[peer];
                let (r, underflow) = relative_seq(p, s.ack, p.ack_seq, p.ack_wraps);
                if underflow {
                    rel_ack = 0;
                } else {
                    rel_ack = r;
                    if !rst {
                        let p = &mut self.ep[peer];
                        let delta = seq_delta(s.ack, p.ack_seq);
                        if !(s.ack == 0 && delta > TOO_LARGE_SEQ_DELTA) && delta > 0 {
                            p.update_ack_seq(s.ack);
                        }
                    }
                }
            }
        }

        let delta_last = self.update_last_seq(side, seq_one_past, s, len, cx);

        let do_close = self.update_state_machine(side, s, len, delta_last, cx);
        // The state machine may have flipped the roles; sides stay what they are.

        if ack_flag {
            let partial = self.is_partial;
            let (gap_bytes, holes) = self.ep[peer].ack_received(rel_ack, partial);
            if gap_bytes > 0 && self.established_or_cleanly_closing(peer) {
                self.ep[peer].missed_bytes += gap_bytes;
                for _ in 0..holes {
                    self.scaled_history(peer, 'G', |e| &mut e.gap, cx);
                }
            }
        }

        let rel_data_seq = if syn {
            rel_seq.wrapping_add(1)
        } else {
            rel_seq
        };
        // Like Zeek, a payload cut by the snap length is not delivered: its bytes end up
        // as a content gap once acknowledged.
        if len > 0 && !rst && !seq_underflow && i64::from(s.captured) >= len {
            self.ep[side].data_sent(rel_data_seq, len as u64);
        }

        // Zeek's CheckPIA_FirstPacket: remember that this side has been seen.
        self.first_packet_seen[side] = true;

        let mut close_complete = false;
        if do_close {
            close_complete = self.connection_closed(side);
        }
        Outcome {
            extends_duration,
            close_complete,
        }
    }

    fn is_clean(e: &Endpoint) -> bool {
        e.state == EpState::Established
            || (e.state == EpState::Closed && e.prev_state == EpState::Established)
    }

    fn established_or_cleanly_closing(&self, side: usize) -> bool {
        Self::is_clean(&self.ep[side]) && Self::is_clean(&self.ep[1 - side])
    }

    fn set_partial_status(&mut self, s: &Segment, is_orig: bool) {
        let (syn, ack) = (s.has(tcp_flag::SYN), s.has(tcp_flag::ACK));
        if is_orig {
            if !self.first_packet_seen[s.side] {
                self.is_partial = !syn || ack;
            }
        } else if !self.first_packet_seen[s.side] && !self.is_partial {
            self.is_partial = !syn;
        }
    }

    fn init_endpoint(&mut self, side: usize, s: &Segment, last_seq: u32) {
        let syn = s.has(tcp_flag::SYN);
        let ep = &mut self.ep[side];
        match ep.state {
            EpState::Inactive => {
                let mut last = last_seq;
                if syn {
                    ep.init_ack_seq(s.seq);
                    ep.init_start_seq(i64::from(s.seq));
                } else {
                    ep.init_ack_seq(s.seq.wrapping_sub(1));
                    ep.init_start_seq(i64::from(s.seq.wrapping_sub(1)));
                    last = s.seq;
                }
                ep.init_last_seq(last);
            }
            EpState::SynSent | EpState::SynAckSent => {
                if syn && s.seq != ep.start_seq as u32 {
                    ep.init_start_seq(i64::from(s.seq));
                    ep.init_ack_seq(s.seq);
                    ep.init_last_seq(last_seq);
                }
            }
            EpState::Established | EpState::Partial => {
                if syn {
                    ep.init_start_seq(i64::from(s.seq));
                    ep.init_ack_seq(s.seq);
                    ep.init_last_seq(last_seq);
                }
            }
            EpState::Reset => {
                if syn && ep.prev_state == EpState::Inactive {
                    ep.init_start_seq(i64::from(s.seq));
                    ep.init_ack_seq(s.seq);
                    ep.init_last_seq(last_seq);
                }
            }
            EpState::Closed => {}
        }
    }

    fn update_history(
        &mut self,
        side: usize,
        s: &Segment,
        rel_seq: u64,
        len: u64,
        cx: &mut FlowCtx<'_>,
    ) {
        let (syn, fin, rst, _) = s.syn_fin_rst_ack();
        let bits = u32::from(syn) + u32::from(fin) + u32::from(rst);
        if bits > 1 {
            if fin && rst {
                self.check_history(side, HIST_FIN_RST, 'I', cx);
            } else {
                self.check_history(side, HIST_MULTI_FLAG, 'Q', cx);
            }
        } else if bits == 1 {
            if syn {
                let code = if s.has(tcp_flag::ACK) { 'H' } else { 'S' };
                if self.check_history(side, HIST_SYN, code, cx)
                    && rel_seq != self.ep[side].hist_last_syn
                {
                    Self::add_history(side, code, cx);
                }
                self.ep[side].hist_last_syn = rel_seq;
            }
            if fin {
                let end = rel_seq.wrapping_add(len);
                if self.check_history(side, HIST_FIN, 'F', cx) && end != self.ep[side].hist_last_fin
                {
                    Self::add_history(side, 'F', cx);
                }
                self.ep[side].hist_last_fin = end;
            }
            if rst {
                if self.check_history(side, HIST_RST, 'R', cx)
                    && rel_seq != self.ep[side].hist_last_rst
                {
                    Self::add_history(side, 'R', cx);
                }
                self.ep[side].hist_last_rst = rel_seq;
            }
        } else if len > 0 {
            self.check_history(side, HIST_DATA, 'D', cx);
        } else if s.has(tcp_flag::ACK) {
            self.check_history(side, HIST_ACK, 'A', cx);
        }
    }
}
