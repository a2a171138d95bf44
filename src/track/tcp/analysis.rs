//! tshark's TCP sequence analysis, reduced to the three flags pcapq stores
//! (`tcp.analysis.retransmission`, `.duplicate_ack`, `.zero_window`). The order of the
//! checks and the state each direction keeps follow Wireshark's
//! `tcp_analyze_sequence_number` (epan/dissectors/packet-tcp.c, 4.0); the rules are
//! written out in docs/tcp-analysis.md.

use crate::dissect::tcp_flag;
use crate::track::opt_ts::OptTs;

/// Keep-alive, zero-window probe and other internal outcome bits of one packet.
mod bits {
    pub const ZERO_WINDOW_PROBE: u32 = 1 << 0;
    pub const ZERO_WINDOW: u32 = 1 << 1;
    pub const LOST_PACKET: u32 = 1 << 2;
    pub const KEEP_ALIVE: u32 = 1 << 3;
    pub const WINDOW_UPDATE: u32 = 1 << 4;
    pub const KEEP_ALIVE_ACK: u32 = 1 << 5;
    pub const ZERO_WINDOW_PROBE_ACK: u32 = 1 << 6;
    pub const DUPLICATE_ACK: u32 = 1 << 7;
    pub const ACK_LOST_PACKET: u32 = 1 << 8;
    pub const SPURIOUS_RETRANSMISSION: u32 = 1 << 9;
    pub const FAST_RETRANSMISSION: u32 = 1 << 10;
    pub const OUT_OF_ORDER: u32 = 1 << 11;
    pub const RETRANSMISSION: u32 = 1 << 12;
}

/// Fast retransmissions must follow the peer's last packet within this time.
const FAST_RETRANSMISSION_WINDOW_NS: u64 = 20_000_000;
/// Out-of-order threshold when the handshake RTT is unknown.
const DEFAULT_OOO_THRESHOLD_NS: u64 = 3_000_000;

/// tshark's state of one direction of a conversation.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct TsharkDir {
    nextseq: u32,
    nextseqtime: i64,
    maxseqtobeacked: u32,
    lastack: u32,
    lastacktime: i64,
    window: u32,
    dupacknum: u32,
    lastsegmentflags: u32,
    base_seq: Option<u32>,
}

impl Default for TsharkDir {
    fn default() -> Self {
        TsharkDir {
            nextseq: 0,
            nextseqtime: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastacktime: 0,
            window: u32::MAX,
            dupacknum: 0,
            lastsegmentflags: 0,
            base_seq: None,
        }
    }
}

/// Conversation-wide timing tshark uses for its out-of-order threshold.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct TsharkConv {
    /// Time of the most recent SYN without ACK.
    ts_mru_syn: OptTs,
    /// Handshake RTT: first ACK without SYN after it.
    ts_first_rtt: OptTs,
}

/// The three flags of one packet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpFlags {
    /// tshark's `tcp.analysis.retransmission` (plain, fast or spurious).
    pub retransmission: bool,
    /// tshark's `tcp.analysis.duplicate_ack`.
    pub dup_ack: bool,
    /// tshark's `tcp.analysis.zero_window`.
    pub zero_window: bool,
}

fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

fn le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

fn elapsed(now: i64, then: i64) -> u64 {
    now.wrapping_sub(then) as u64
}

/// One TCP segment as tshark's analysis sees it.
#[derive(Debug, Clone, Copy)]
pub struct Seg {
    /// Capture time, ns.
    pub ts: i64,
    /// Flag bits.
    pub flags: u16,
    /// Raw sequence number.
    pub seq: u32,
    /// Raw acknowledgement number (used even without the ACK flag).
    pub ack: u32,
    /// Raw window field.
    pub window: u16,
    /// Payload length from the IP length.
    pub seglen: u32,
}

/// Analyses one segment sent in direction `fwd` (the other direction is `rev`).
pub fn analyze(conv: &mut TsharkConv, dirs: &mut [TsharkDir; 2], side: usize, s: &Seg) -> TcpFlags {
    let (syn, fin, rst, ack_flag) = (
        s.flags & tcp_flag::SYN != 0,
        s.flags & tcp_flag::FIN != 0,
        s.flags & tcp_flag::RST != 0,
        s.flags & tcp_flag::ACK != 0,
    );
    let no_sfr = !(syn || fin || rst);
    let window = u32::from(s.window);
    let (seq, ack, seglen) = (s.seq, s.ack, s.seglen);
    let rev = dirs[1 - side];
    let fwd = &mut dirs[side];
    let mut f = 0u32;

    // A repeated SYN with the same ISN: tshark rewinds nextseq so it reads as a retransmission.
    if syn && !ack_flag {
        if fwd.base_seq == Some(seq) && fwd.maxseqtobeacked != 0 {
            fwd.nextseq = fwd.maxseqtobeacked;
        }
        fwd.base_seq.get_or_insert(seq);
    }

    'fwd: {
        // P1 zero-window probe.
        if seglen == 1 && seq == fwd.nextseq && rev.window == 0 {
            f |= bits::ZERO_WINDOW_PROBE;
            break 'fwd;
        }
        // P2 zero window.
        if window == 0 && no_sfr {
            f |= bits::ZERO_WINDOW;
        }
        // P3 lost segment.
        if fwd.nextseq != 0 && gt(seq, fwd.nextseq) && !rst {
            f |= bits::LOST_PACKET;
        }
        // P4 keep-alive.
        if seglen <= 1 && seq == fwd.nextseq.wrapping_sub(1) && no_sfr {
            f |= bits::KEEP_ALIVE;
        }
        // P5 window update.
        if seglen == 0
            && window != 0
            && window != fwd.window
            && seq == fwd.nextseq
            && ack == fwd.lastack
            && no_sfr
        {
            f |= bits::WINDOW_UPDATE;
        }
        // P7 keep-alive ACK.
        if seglen == 0
            && window != 0
            && window == fwd.window
            && seq == fwd.nextseq
            && ack == fwd.lastack
            && rev.lastsegmentflags & bits::KEEP_ALIVE != 0
            && no_sfr
        {
            f |= bits::KEEP_ALIVE_ACK;
            break 'fwd;
        }
        // P8 zero-window-probe ACK.
        if seglen == 0
            && window == 0
            && window == fwd.window
            && seq == fwd.nextseq
            && ack == fwd.lastack
            && rev.lastsegmentflags & bits::ZERO_WINDOW_PROBE != 0
            && no_sfr
        {
            f |= bits::ZERO_WINDOW_PROBE_ACK;
            break 'fwd;
        }
        // P9 duplicate ACK.
        if seglen == 0
            && window != 0
            && window == fwd.window
            && seq == fwd.nextseq
            && ack == fwd.lastack
            && no_sfr
        {
            fwd.dupacknum = if fwd.dupacknum == u32::MAX {
                1
            } else {
                fwd.dupacknum + 1
            };
            f |= bits::DUPLICATE_ACK;
        }
    }
    // P10 a new ack resets the duplicate counter.
    if ack != fwd.lastack {
        fwd.dupacknum = 0;
    }
    // P11 ACK of a segment that was never seen.
    let mut rev_update: Option<(u32, Option<u32>)> = None; // (dupacknum, maxseqtobeacked)
    if rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) && ack_flag {
        if lt(rev.maxseqtobeacked, rev.nextseq) {
            f |= bits::ACK_LOST_PACKET;
            rev_update = Some((rev.dupacknum, Some(rev.nextseq)));
        } else {
            if rev.dupacknum == 0 {
                f |= bits::ACK_LOST_PACKET;
            }
            rev_update = Some((u32::MAX, None));
        }
    }
    // P12 the retransmission family.
    if seglen > 0 || syn || fin {
        let mut not_adv = fwd.nextseq != 0 && lt(seq, fwd.nextseq);
        'rt: {
            if f & bits::KEEP_ALIVE != 0 {
                break 'rt;
            }
            if seglen > 1 && seq == fwd.nextseq.wrapping_sub(1) {
                not_adv = false;
            }
            if seglen > 0 && rev.lastack != 0 && le(seq.wrapping_add(seglen), rev.lastack) {
                f |= bits::SPURIOUS_RETRANSMISSION;
                break 'rt;
            }
            if not_adv
                && rev.dupacknum >= 2
                && rev.lastack == seq
                && elapsed(s.ts, rev.lastacktime) < FAST_RETRANSMISSION_WINDOW_NS
            {
                f |= bits::FAST_RETRANSMISSION;
                break 'rt;
            }
            let ooo_threshold = conv
                .ts_first_rtt
                .get()
                .map_or(DEFAULT_OOO_THRESHOLD_NS, |r| r.max(0) as u64);
            let phantom = u32::from(syn || fin);
            if not_adv
                && elapsed(s.ts, fwd.nextseqtime) < ooo_threshold
                && fwd.nextseq != seq.wrapping_add(seglen).wrapping_add(phantom)
            {
                f |= bits::OUT_OF_ORDER;
                break 'rt;
            }
            if not_adv {
                f |= bits::RETRANSMISSION;
            }
        }
    }
    // R1..R6 state update.
    let mut nextseq = seq.wrapping_add(seglen);
    if seglen > 0 || syn || fin {
        nextseq = nextseq.wrapping_add(u32::from(syn || fin));
    }
    if (gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && f & bits::ZERO_WINDOW_PROBE == 0 {
        fwd.nextseq = nextseq;
        fwd.nextseqtime = s.ts;
    }
    if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && f & bits::ZERO_WINDOW_PROBE == 0
    {
        fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = window;
    fwd.lastack = ack;
    fwd.lastacktime = s.ts;
    fwd.lastsegmentflags = f;
    if let Some((dup, max)) = rev_update {
        let r = &mut dirs[1 - side];
        r.dupacknum = dup;
        if let Some(m) = max {
            r.maxseqtobeacked = m;
        }
    }
    // Handshake RTT, for the next packets' out-of-order threshold.
    if syn && !ack_flag {
        conv.ts_mru_syn = OptTs::some(s.ts);
    } else if ack_flag
        && !syn
        && conv.ts_first_rtt.is_none()
        && let Some(t) = conv.ts_mru_syn.get()
    {
        conv.ts_first_rtt = OptTs::some(s.ts - t);
    }
    TcpFlags {
        retransmission: f
            & (bits::RETRANSMISSION | bits::FAST_RETRANSMISSION | bits::SPURIOUS_RETRANSMISSION)
            != 0,
        dup_ack: f & bits::DUPLICATE_ACK != 0,
        zero_window: f & bits::ZERO_WINDOW != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(ts: i64, flags: u16, seq: u32, ack: u32, window: u16, seglen: u32) -> Seg {
        Seg {
            ts,
            flags,
            seq,
            ack,
            window,
            seglen,
        }
    }

    const A: u16 = tcp_flag::ACK;

    #[test]
    fn retransmitted_data_is_flagged() {
        let (mut c, mut d) = (TsharkConv::default(), [TsharkDir::default(); 2]);
        assert_eq!(
            analyze(&mut c, &mut d, 0, &seg(0, A, 100, 1, 500, 10)),
            TcpFlags::default()
        );
        let f = analyze(&mut c, &mut d, 0, &seg(1_000_000_000, A, 100, 1, 500, 10));
        assert!(f.retransmission);
    }

    #[test]
    fn repeated_pure_acks_are_duplicates() {
        let (mut c, mut d) = (TsharkConv::default(), [TsharkDir::default(); 2]);
        analyze(&mut c, &mut d, 1, &seg(0, A, 1, 100, 500, 0));
        let f = analyze(&mut c, &mut d, 1, &seg(1, A, 1, 100, 500, 0));
        assert!(f.dup_ack);
        let f = analyze(&mut c, &mut d, 1, &seg(2, A, 1, 110, 500, 0));
        assert!(!f.dup_ack);
    }

    #[test]
    fn zero_window_is_flagged_unless_syn_fin_rst() {
        let (mut c, mut d) = (TsharkConv::default(), [TsharkDir::default(); 2]);
        assert!(analyze(&mut c, &mut d, 0, &seg(0, A, 1, 1, 0, 0)).zero_window);
        assert!(!analyze(&mut c, &mut d, 0, &seg(1, A | tcp_flag::RST, 1, 1, 0, 0)).zero_window);
    }
}
