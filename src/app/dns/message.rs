//! One DNS message to the values Zeek's dns.log takes from it.

use super::answers::{Answers, Section};
use super::cursor::Cur;
use super::escape::zeek_escape_owned;
use super::name::read_name;
use super::rdata::parse_rr;

/// Zeek's `dns_max_queries`: more questions than this and Zeek parses nothing.
const MAX_QUERIES: u16 = 25;

/// Why a message could not be read at all (Zeek logs nothing for it either).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsError {
    /// Shorter than the 12-byte header.
    TooShort,
    /// An opcode Zeek does not analyze (only 0 query, 4 notify, 5 update are).
    UnsupportedOpcode(u8),
}

impl std::fmt::Display for DnsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DnsError::TooShort => write!(f, "DNS message shorter than its header"),
            DnsError::UnsupportedOpcode(op) => write!(f, "DNS opcode {op} not analyzed"),
        }
    }
}

impl std::error::Error for DnsError {}

/// The dns.log values of one DNS message, as Zeek's analyzer and `main.zeek` derive them.
///
/// Header fields are this message's own bits. How Zeek merges a request and its reply
/// into one log row (RD/TC/Z/qtype/qclass from the request, AA/RA only when an answer
/// was logged, ...) is in [`super::log_row`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsMessage {
    /// Transaction id.
    pub trans_id: u16,
    /// QR bit.
    pub is_response: bool,
    /// OPCODE (0, 4 or 5; others are [`DnsError::UnsupportedOpcode`]).
    pub opcode: u8,
    /// The 4-bit RCODE of the header (Zeek does not add the EDNS extended bits).
    pub rcode: u8,
    /// Authoritative Answer bit.
    pub aa: bool,
    /// TrunCation bit.
    pub tc: bool,
    /// Recursion Desired bit.
    pub rd: bool,
    /// Recursion Available bit.
    pub ra: bool,
    /// Zeek's Z: the three bits 0x0070 of the flags (Z, AD, CD).
    pub z: u8,
    /// Question name, lower-cased and escaped as Zeek logs it. With several questions
    /// it is the last one parsed (Zeek's `dns_request` overwrites per question).
    /// `None` when no question parsed, and for dynamic updates.
    pub query: Option<String>,
    /// QCLASS of that question.
    pub qclass: Option<u16>,
    /// QTYPE of that question.
    pub qtype: Option<u16>,
    /// Zeek's text of each answer-section RR it logs (prerequisite/update RRs for a
    /// dynamic update), escaped; only for responses. At most [`MAX_ANSWERS`].
    pub answers: Vec<String>,
    /// TTL of each entry of `answers`.
    pub ttls: Vec<u32>,
    /// Zeek's parser stopped inside the question or answer section (message cut short
    /// or a malformed record): `answers` holds what came before.
    pub truncated_rdata: bool,
    /// QDCOUNT (ZOCOUNT for updates).
    pub qdcount: u16,
    /// ANCOUNT (PRCOUNT for updates).
    pub ancount: u16,
    /// NSCOUNT (UPCOUNT for updates).
    pub nscount: u16,
    /// ARCOUNT.
    pub arcount: u16,
    /// Owner name of the first answer RR that reached Zeek's `DNS::do_reply` (even
    /// with an empty text); Zeek logs it as `query` when no request was seen, and
    /// only logs this message's AA/RA when it is set. Responses only.
    pub answer_query: Option<String>,
    /// First limit or problem met: `dns_truncated`, `dns_max_queries`,
    /// `dns_update_bad_zone`, `dns_answer_limit`, `dns_answer_text_limit`,
    /// `dns_tcp_msg_over_limit`.
    pub note: Option<&'static str>,
}

/// Most answers kept per message.
pub const MAX_ANSWERS: usize = 64;

impl DnsMessage {
    /// Zeek's `rejected` column for a row holding this message: a response (opcode
    /// 0/4/5) with a nonzero RCODE and no question, or (opcode 0/4) a response with
    /// no answer, authority or additional RR whose question parsed (`dns_rejected`).
    pub fn rejected(&self) -> bool {
        if !self.is_response || !matches!(self.opcode, 0 | 4 | 5) {
            return false;
        }
        if self.rcode != 0 && self.qdcount == 0 {
            return true;
        }
        self.opcode != 5
            && self.ancount == 0
            && self.nscount == 0
            && self.arcount == 0
            && self.query.is_some()
    }

    /// The name `dns.query` holds for this message, as Zeek's dns.log gives it: the question,
    /// else (a response without one: an mDNS announcement, a dynamic update's reply) the
    /// owner name of its first answer.
    pub fn logged_query(&self) -> Option<&str> {
        self.query
            .as_deref()
            .or(self.answer_query.as_deref().filter(|_| self.is_response))
    }

    /// Whether Zeek's DNS analyzer confirms the protocol on this message (questions
    /// and answers parsed; this is what puts `dns` in conn.log's `service`).
    pub fn zeek_confirms(&self) -> bool {
        !self.truncated_rdata
            && !matches!(self.note, Some("dns_max_queries" | "dns_update_bad_zone"))
    }

    /// Records `note` unless an earlier one is there.
    pub(super) fn add_note(&mut self, note: &'static str) {
        self.note.get_or_insert(note);
    }
}

/// Parses one DNS message (UDP payload, or one TCP-framed message without its length).
pub fn parse_message(msg: &[u8]) -> Result<DnsMessage, DnsError> {
    let mut cur = Cur::new(msg, 0, msg.len());
    if cur.len() < 12 {
        return Err(DnsError::TooShort);
    }
    let trans_id = cur.u16();
    let flags = cur.u16();
    let opcode = ((flags >> 11) & 0x0f) as u8;
    if !matches!(opcode, 0 | 4 | 5) {
        return Err(DnsError::UnsupportedOpcode(opcode));
    }
    let mut m = DnsMessage {
        trans_id,
        is_response: flags & 0x8000 != 0,
        opcode,
        rcode: (flags & 0x000f) as u8,
        aa: flags & 0x0400 != 0,
        tc: flags & 0x0200 != 0,
        rd: flags & 0x0100 != 0,
        ra: flags & 0x0080 != 0,
        z: ((flags >> 4) & 0x07) as u8,
        qdcount: cur.u16(),
        ancount: cur.u16(),
        nscount: cur.u16(),
        arcount: cur.u16(),
        ..DnsMessage::default()
    };
    if m.qdcount > MAX_QUERIES {
        m.add_note("dns_max_queries");
        return Ok(m);
    }
    let mut out = Answers::new(m.is_response, opcode == 5);
    let complete = if opcode == 5 {
        parse_update(&mut cur, &mut m, &mut out)
    } else {
        parse_questions(&mut cur, &mut m)
            && (0..m.ancount).all(|_| parse_rr(&mut cur, Section::Answer, 0, &mut out))
    };
    m.truncated_rdata = !complete;
    if !complete {
        m.add_note("dns_truncated");
    }
    out.finish(&mut m);
    Ok(m)
}

/// The question section; the last question parsed is the one Zeek logs.
fn parse_questions(cur: &mut Cur<'_>, m: &mut DnsMessage) -> bool {
    for _ in 0..m.qdcount {
        let Some(mut name) = read_name(cur, false) else {
            return false;
        };
        if cur.len() < 4 {
            return false;
        }
        name.make_ascii_lowercase();
        m.query = Some(zeek_escape_owned(name));
        m.qtype = Some(cur.u16());
        m.qclass = Some(cur.u16());
    }
    true
}

/// A dynamic update (RFC 2136): zone, prerequisites, updates. `false` on a parse stop.
fn parse_update(cur: &mut Cur<'_>, m: &mut DnsMessage, out: &mut Answers) -> bool {
    if m.qdcount != 1 {
        m.add_note("dns_update_bad_zone");
        return true;
    }
    if read_name(cur, true).is_none() || cur.len() < 4 {
        return false;
    }
    let ztype = cur.u16();
    let zclass = cur.u16();
    if ztype != 6 {
        m.add_note("dns_update_bad_zone");
        return true;
    }
    (0..m.ancount).all(|_| parse_rr(cur, Section::Prerequisite, zclass, out))
        && (0..m.nscount).all(|_| parse_rr(cur, Section::Update, zclass, out))
}
