//! Collects answer texts the way Zeek's `DNS::do_reply` hook does.

use super::escape::{zeek_escape, zeek_escape_into};
use super::message::{DnsMessage, MAX_ANSWERS};

/// Most bytes of answer text kept per message (escaped).
const MAX_ANSWER_TEXT: usize = 16 * 1024;

/// Which section an RR came from (Zeek's `answer_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Section {
    /// Answer section of a query/notify.
    Answer,
    /// Prerequisite section of a dynamic update.
    Prerequisite,
    /// Update section of a dynamic update.
    Update,
}

/// The answers of one message so far.
pub(super) struct Answers {
    is_response: bool,
    /// The message is a dynamic update (opcode 5): A/AAAA texts carry the owner.
    pub update: bool,
    texts: Vec<String>,
    ttls: Vec<u32>,
    text_bytes: usize,
    answer_query: Option<String>,
    note: Option<&'static str>,
}

impl Answers {
    /// An empty collector.
    pub fn new(is_response: bool, update: bool) -> Self {
        Answers {
            is_response,
            update,
            texts: Vec::new(),
            ttls: Vec::new(),
            text_bytes: 0,
            answer_query: None,
            note: None,
        }
    }

    /// Zeek's `DNS::do_reply(owner, ttl, text)`: requests log nothing; the first
    /// owner is remembered; empty texts are not logged; update RRs get `add: `.
    pub fn reply(&mut self, section: Section, owner: &[u8], ttl: u32, text: &[u8]) {
        if !self.is_response {
            return;
        }
        if self.answer_query.is_none() {
            self.answer_query = Some(zeek_escape(owner));
        }
        if text.is_empty() {
            return;
        }
        if self.texts.len() >= MAX_ANSWERS {
            self.note.get_or_insert("dns_answer_limit");
            return;
        }
        let mut s = String::with_capacity(text.len() + 5);
        if section == Section::Update && !text.starts_with(b"del:") {
            s.push_str("add: ");
        }
        zeek_escape_into(text, &mut s);
        if self.text_bytes.saturating_add(s.len()) > MAX_ANSWER_TEXT {
            self.note.get_or_insert("dns_answer_text_limit");
            return;
        }
        self.text_bytes += s.len();
        self.texts.push(s);
        self.ttls.push(ttl);
    }

    /// Moves the results into the message.
    pub fn finish(self, m: &mut DnsMessage) {
        m.answers = self.texts;
        m.ttls = self.ttls;
        m.answer_query = self.answer_query;
        if let Some(n) = self.note {
            m.add_note(n);
        }
    }
}
