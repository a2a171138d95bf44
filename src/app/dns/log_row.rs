//! How Zeek's `main.zeek` merges a request and its reply into one dns.log row.

use super::message::DnsMessage;

/// The dns.log columns (besides ts/uid/id/proto/rtt) of one Zeek DNS row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsLogRow {
    /// `trans_id`.
    pub trans_id: u16,
    /// `query`: the request's question, else the reply's first answer owner.
    pub query: Option<String>,
    /// `qclass` (from the request only).
    pub qclass: Option<u16>,
    /// `qtype` (from the request only).
    pub qtype: Option<u16>,
    /// `rcode` (from the reply only).
    pub rcode: Option<u8>,
    /// `AA`: the reply's bit, if the reply had an answer Zeek's `do_reply` saw.
    pub aa: bool,
    /// `TC` (from the request only).
    pub tc: bool,
    /// `RD` (from the request only).
    pub rd: bool,
    /// `RA`: the reply's bit, if the reply had an answer Zeek's `do_reply` saw.
    pub ra: bool,
    /// `Z` (from the request only).
    pub z: u8,
    /// `answers` (from the reply).
    pub answers: Vec<String>,
    /// `TTLs` in seconds (from the reply).
    pub ttls: Vec<u32>,
    /// `rejected`.
    pub rejected: bool,
    /// `opcode` of the last message of the row.
    pub opcode: u8,
}

/// Merges what Zeek would log for a request and its reply (either may be missing:
/// pairing them, by transaction id in arrival order per connection, is the caller's).
///
/// Request-side columns (RD, TC, Z, qclass, qtype, query) are only set when Zeek's
/// `dns_request` fired, i.e. the request's question parsed; otherwise they keep Zeek's
/// defaults (F, F, 0, unset), which is what a row with only a reply shows.
pub fn log_row(request: Option<&DnsMessage>, reply: Option<&DnsMessage>) -> DnsLogRow {
    let mut row = DnsLogRow::default();
    if let Some(q) = request {
        row.trans_id = q.trans_id;
        row.opcode = q.opcode;
        if q.query.is_some() && !q.is_response {
            row.query.clone_from(&q.query);
            row.qclass = q.qclass;
            row.qtype = q.qtype;
            row.rd = q.rd;
            row.tc = q.tc;
            row.z = q.z;
        }
    }
    if let Some(r) = reply {
        row.trans_id = r.trans_id;
        row.opcode = r.opcode;
        row.rcode = Some(r.rcode);
        if r.answer_query.is_some() {
            if row.query.is_none() {
                row.query.clone_from(&r.answer_query);
            }
            row.aa = r.aa;
            row.ra = r.ra;
        }
        row.answers.clone_from(&r.answers);
        row.ttls.clone_from(&r.ttls);
        row.rejected = r.rejected();
    }
    row
}
