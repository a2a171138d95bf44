//! The analyzer timers by which Zeek removes a connection before its idle timeout, and which
//! `flows` follows so that its rows split where conn.log's do:
//!
//! - the DNS analyzer's session timer, on UDP flows whose responder port is one of DNS's
//!   (`dns_session_timeout`, `DNS.cc` `ExpireTimer`);
//! - the TCP analyzer's connection-attempt timer, on a TCP flow that began with its
//!   originator's SYN (`tcp_attempt_delay`, `TCPSessionAdapter::AttemptTimer`).
//!
//! The tracker's expiry queue holds one entry per flow; these functions say when a new
//! flow is first checked and what a check finds.

use super::flow::Flow;
use super::tcp::endpoint::EpState;
use crate::dissect::transport::proto;

/// UDP ports on which Zeek attaches its DNS analyzer (`DNS::ports`: DNS, NetBIOS name
/// service, mDNS, LLMNR), matched against the responder's port when the connection begins.
/// Its timer first runs 10 s after the first packet, then 10 s after each run, and removes
/// the connection once it has been idle for 9 s.
const DNS_SESSION_PORTS: [u16; 4] = [53, 137, 5353, 5355];
/// Zeek's `dns_session_timeout`.
const DNS_SESSION_NS: i64 = 10_000_000_000;
/// Idle time at which a run of the DNS session timer ends the flow (the timeout less the
/// second Zeek allows for a request and its reply).
const DNS_SESSION_IDLE_NS: i64 = DNS_SESSION_NS - 1_000_000_000;

/// Zeek's `tcp_attempt_delay`: a connection that began with the originator's SYN is
/// removed this long after it when the responder has sent nothing and the originator is
/// still waiting for an answer (the timer is armed once, by the SYN that leaves the
/// originator's endpoint inactive). A SYN retried later starts a new flow.
const TCP_ATTEMPT_NS: i64 = 5_000_000_000;

/// Whether Zeek's DNS analyzer, and with it the DNS session timer, is attached to `f`: a
/// UDP flow whose responder port (as the flow began) is one of [`DNS_SESSION_PORTS`].
pub fn dns_session(f: &Flow) -> bool {
    let ports = [f.key.port0, f.key.port1];
    f.key.proto == proto::UDP && DNS_SESSION_PORTS.contains(&ports[1 - f.orig_side])
}

/// The entry a new flow is first checked at, when one of the timers comes before `idle`
/// (its idle timeout): the first tick of the DNS session timer, or the attempt check.
/// `attempt`: the flow begins with its originator's SYN, which arms the attempt check (the
/// flow's history tells the same later, once the packet has been processed).
pub fn first_timer(f: &Flow, idle: i64, attempt: bool) -> Option<i64> {
    let at = if dns_session(f) {
        f.first_ts.saturating_add(DNS_SESSION_NS)
    } else if attempt {
        attempt_at(f)
    } else {
        return None;
    };
    (at < idle).then_some(at)
}

/// What a check of `f`, queued for `at` and run at `now`, finds: `None` when one of the
/// timers ends the flow, else when to check it next given its idle timeout `idle`.
pub fn next_check(f: &Flow, at: i64, now: i64, idle: i64) -> Option<i64> {
    if dns_session(f) {
        // Zeek counts the next tick from the time the timer ran.
        let quiet = now.saturating_sub(f.last_ts) >= DNS_SESSION_IDLE_NS;
        return (!quiet).then(|| idle.min(now.saturating_add(DNS_SESSION_NS)));
    }
    if is_attempt_check(f, at) && attempt_unanswered(f) {
        return None;
    }
    Some(idle)
}

/// Whether an entry at `at` is `f`'s attempt check and the check will not end it (the
/// connection was answered): then it is not the flow's end, and eviction looks further.
pub fn answered_attempt_check(f: &Flow, at: i64) -> bool {
    is_attempt_check(f, at) && !attempt_unanswered(f)
}

/// Whether the attempt timer is armed for `f`: a TCP flow whose first packet was the
/// originator's SYN (its history starts with `S`, or `H` for a SYN+ACK).
fn attempt_armed(f: &Flow) -> bool {
    f.key.proto == proto::TCP && matches!(f.history.as_str().as_bytes().first(), Some(b'S' | b'H'))
}

/// When the attempt check of `f` falls (meaningful when it is armed).
fn attempt_at(f: &Flow) -> i64 {
    f.first_ts.saturating_add(TCP_ATTEMPT_NS)
}

/// Whether an entry at `at` is `f`'s attempt check.
fn is_attempt_check(f: &Flow, at: i64) -> bool {
    attempt_armed(f) && at == attempt_at(f) && f.closed_at.is_none()
}

/// Whether the attempt check would remove `f` now: the responder has sent nothing and the
/// originator's endpoint is still waiting for an answer to its SYN.
fn attempt_unanswered(f: &Flow) -> bool {
    if f.dirs[1 - f.orig_side].pkts > 0 {
        return false;
    }
    match &f.tcp {
        Some(t) => matches!(
            t.zeek.ep[f.orig_side].state,
            EpState::SynSent | EpState::SynAckSent
        ),
        // Its one packet so far: the SYN that armed the check.
        None => f.tcp_first.is_some(),
    }
}
