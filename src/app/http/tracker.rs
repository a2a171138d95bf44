//! The request/response pairing of Zeek's `base/protocols/http/main.zeek`:
//! pending records keyed by request and response counters, 1xx replies kept
//! as `info_code`, a record written when its final reply completes, the rest
//! written when the connection ends.

use std::collections::VecDeque;

use super::HttpTx;

/// Most pending records (Zeek's `max_pending_requests`, lowered).
const MAX_PENDING: usize = 64;
/// Most string bytes held by pending records.
const MAX_PENDING_BYTES: usize = 256 * 1024;

/// Whether a status code is informational.
fn is_1xx(code: Option<u16>) -> bool {
    code.is_some_and(|c| (100..=199).contains(&c))
}

/// String bytes a record holds.
fn tx_bytes(tx: &HttpTx) -> usize {
    [
        &tx.method,
        &tx.host,
        &tx.uri,
        &tx.version,
        &tx.user_agent,
        &tx.status_msg,
        &tx.info_msg,
    ]
    .iter()
    .map(|s| s.as_ref().map_or(0, String::len))
    .fold(0usize, usize::saturating_add)
}

/// Script-level HTTP state of one connection.
#[derive(Default)]
pub(super) struct Tracker {
    pending: VecDeque<(u64, HttpTx)>,
    cur_req: u64,
    cur_resp: u64,
    done: Vec<HttpTx>,
}

impl Tracker {
    /// Bytes held by records waiting for their reply or to be written.
    pub(super) fn held(&self) -> usize {
        let size = std::mem::size_of::<HttpTx>();
        let pending = self
            .pending
            .iter()
            .map(|(_, t)| size.saturating_add(tx_bytes(t)));
        let done = self.done.iter().map(|t| size.saturating_add(tx_bytes(t)));
        pending.chain(done).fold(0, usize::saturating_add)
    }

    /// The record for `key`, created with time `ts` if missing.
    fn slot(&mut self, key: u64, ts: i64) -> Option<&mut HttpTx> {
        let pos = match self.pending.iter().position(|(k, _)| *k >= key) {
            Some(p) if self.pending.get(p).is_some_and(|(k, _)| *k == key) => p,
            Some(p) => {
                self.pending.insert(p, (key, HttpTx::new(ts)));
                p
            }
            None => {
                self.pending.push_back((key, HttpTx::new(ts)));
                self.pending.len().saturating_sub(1)
            }
        };
        self.pending.get_mut(pos).map(|(_, tx)| tx)
    }

    /// Removes the record for `key`.
    fn remove(&mut self, key: u64) -> Option<HttpTx> {
        let pos = self.pending.iter().position(|(k, _)| *k == key)?;
        self.pending.remove(pos).map(|(_, tx)| tx)
    }

    /// Event `http_request`. Returns true when old records had to be
    /// written out to keep the pending set bounded.
    pub(super) fn request(&mut self, ts: i64, method: String, uri: String) -> bool {
        if self.cur_req < self.cur_resp {
            self.cur_req = self.cur_resp;
        }
        let bytes = self
            .pending
            .iter()
            .map(|(_, t)| tx_bytes(t))
            .fold(0, usize::saturating_add);
        let flushed = self.pending.len() >= MAX_PENDING || bytes > MAX_PENDING_BYTES;
        if flushed {
            if self.cur_resp == 0 {
                self.cur_resp = 1;
            }
            while self.cur_resp < self.cur_req {
                if let Some(tx) = self.remove(self.cur_resp) {
                    self.done.push(tx);
                }
                self.cur_resp = self.cur_resp.saturating_add(1);
            }
        }
        self.cur_req = self.cur_req.saturating_add(1);
        if let Some(tx) = self.slot(self.cur_req, ts) {
            tx.method = Some(method);
            tx.uri = Some(uri);
        }
        flushed
    }

    /// Event `http_reply`.
    pub(super) fn reply(&mut self, ts: i64, version: String, code: u16, reason: String) {
        let next = match self.pending.iter().find(|(k, _)| *k == self.cur_resp) {
            None => true,
            Some((_, tx)) => tx.status_code.is_some() && !is_1xx(tx.status_code),
        };
        if next {
            self.cur_resp = self.cur_resp.saturating_add(1);
        }
        if let Some(tx) = self.slot(self.cur_resp, ts) {
            tx.status_code = Some(code);
            tx.version = Some(version);
            if is_1xx(Some(code)) {
                tx.info_code = Some(code);
                tx.info_msg = Some(reason.clone());
            }
            tx.status_msg = Some(reason);
        }
    }

    /// Event `http_header` (only Host and User-Agent reach the log).
    pub(super) fn header(&mut self, orig: bool, ts: i64, name: &[u8], value: String) {
        let key = if orig { self.cur_req } else { self.cur_resp };
        let Some(tx) = self.slot(key, ts) else { return };
        if orig {
            if name.eq_ignore_ascii_case(b"host") {
                tx.host = Some(value);
            } else if name.eq_ignore_ascii_case(b"user-agent") {
                tx.user_agent = Some(value);
            }
        }
    }

    /// Event `http_message_done`: stores the body length, and writes the
    /// record when a final reply is complete.
    pub(super) fn message_done(&mut self, orig: bool, ts: i64, body_len: u64) {
        let key = if orig { self.cur_req } else { self.cur_resp };
        let Some(tx) = self.slot(key, ts) else { return };
        if orig {
            tx.request_body_len = body_len;
            return;
        }
        tx.response_body_len = body_len;
        if !is_1xx(tx.status_code)
            && let Some(tx) = self.remove(key)
        {
            self.done.push(tx);
        }
    }

    /// Connection removal: writes every pending record.
    pub(super) fn finalize(&mut self) {
        while let Some((key, tx)) = self.pending.pop_front() {
            if key != 0 {
                self.done.push(tx);
            }
        }
    }

    /// Records written since the last call.
    pub(super) fn take_done(&mut self) -> Vec<HttpTx> {
        std::mem::take(&mut self.done)
    }
}
