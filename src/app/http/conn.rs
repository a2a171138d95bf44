//! The connection-level analyzer, mirroring Zeek's `HTTP_Analyzer`: request
//! and status lines, header blocks, the queue of unanswered requests (for
//! HEAD replies), CONNECT and Upgrade tunnels, content gaps, end of
//! connection, and the events that feed the [`Tracker`].

use std::collections::VecDeque;

use super::HttpTx;
use super::entity::{Entity, ExpectBody, Outcome};
use super::headers::{Block, MAX_BLOCK, eq_ci, prefix_ci, value_token};
use super::lines::{LineSplitter, Piece};
use super::looks_like_request;
use super::startline;
use super::text::{unescape_uri, zeek_string};
use super::tracker::Tracker;

/// Zeek's `DPD::ignore_violations_after`: a violation within this many
/// connection bytes removes the analyzer.
const DISABLE_WINDOW: u64 = 10 * 1024;
/// Most requests waiting for a reply.
const MAX_UNANSWERED: usize = 64;
/// Client bytes kept for [`HttpConn::is_http`].
const PREFIX_LEN: usize = 24;
/// Budget of a start line, as `u64`.
const BLOCK_BUDGET: u64 = MAX_BLOCK as u64;

/// Parsing state of one direction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a request or status line.
    Start,
    /// Inside a message (header block or body).
    Message,
    /// No more parsing in this direction.
    Stopped,
}

/// One direction of the connection.
struct Side {
    lines: LineSplitter,
    state: State,
    msg: Option<Entity>,
    block: Block,
    block_open: bool,
    last_ts: i64,
}

impl Side {
    /// Bytes buffered in this direction: a partial line, the header block, the body's
    /// decoder.
    fn held(&self) -> usize {
        let body = self.msg.as_ref().map_or(0, Entity::held);
        [self.lines.held(), self.block.held(), body]
            .into_iter()
            .fold(0, usize::saturating_add)
    }

    /// A direction waiting for its first start line.
    fn new() -> Self {
        let mut lines = LineSplitter::new(MAX_BLOCK);
        lines.set_limit(Some(BLOCK_BUDGET));
        Side {
            lines,
            state: State::Start,
            msg: None,
            block: Block::default(),
            block_open: false,
            last_ts: 0,
        }
    }

    /// Back to expecting a start line.
    fn expect_start(&mut self) {
        self.state = State::Start;
        self.lines.set_cap(MAX_BLOCK);
        self.lines.set_limit(Some(BLOCK_BUDGET));
    }
}

/// HTTP/1.x parser for one TCP connection, producing Zeek `http.log` rows.
pub struct HttpConn {
    orig: Side,
    resp: Side,
    unanswered: VecDeque<bool>,
    connect_request: bool,
    connection_close: bool,
    tunneled: bool,
    /// A CONNECT tunnel began: the server bytes that followed the reply in its segment,
    /// until [`HttpConn::take_tunnel`] hands them on.
    tunnel: Option<Vec<u8>>,
    disabled: bool,
    finished: bool,
    request_ongoing: bool,
    reply_ongoing: bool,
    reply_code: u16,
    request_version: Option<(u8, u8)>,
    reply_version: Option<(u8, u8)>,
    /// An HTTP/0.9 request was made: what the server sends is a bare body until the
    /// connection closes (Zeek's `EXPECT_REPLY_HTTP09`).
    reply_09: bool,
    /// That body's reply has begun.
    reply_09_started: bool,
    upgrade_connection: bool,
    upgrade_protocol: bool,
    /// The server's `Upgrade` header names WebSocket (Zeek's `HTTP::upgrade_analyzers`).
    upgrade_websocket: bool,
    /// The connection switched to WebSocket (a 101 reply to an upgrade request).
    websocket: bool,
    total_bytes: u64,
    tracker: Tracker,
    note: Option<&'static str>,
    confirmed: bool,
    client_failed: bool,
    prefix: Vec<u8>,
}

impl Default for HttpConn {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpConn {
    /// Bytes this connection holds: both directions' buffers, the records waiting for
    /// their reply, and the start of the stream kept before it was recognised.
    pub fn held(&self) -> usize {
        [
            self.orig.held(),
            self.resp.held(),
            self.tracker.held(),
            self.prefix.capacity(),
        ]
        .into_iter()
        .fold(0, usize::saturating_add)
    }

    /// A connection before any byte.
    pub fn new() -> Self {
        HttpConn {
            orig: Side::new(),
            resp: Side::new(),
            unanswered: VecDeque::new(),
            connect_request: false,
            connection_close: false,
            tunneled: false,
            tunnel: None,
            disabled: false,
            finished: false,
            request_ongoing: false,
            reply_ongoing: false,
            reply_code: 0,
            request_version: None,
            reply_version: None,
            reply_09: false,
            reply_09_started: false,
            upgrade_connection: false,
            upgrade_protocol: false,
            upgrade_websocket: false,
            websocket: false,
            total_bytes: 0,
            tracker: Tracker::default(),
            note: None,
            confirmed: false,
            client_failed: false,
            prefix: Vec::new(),
        }
    }

    /// Client-to-server bytes, in order; `ts` in ns since the epoch.
    pub fn request_data(&mut self, ts: i64, bytes: &[u8]) {
        self.data(true, ts, bytes);
    }

    /// Server-to-client bytes, in order; `ts` in ns since the epoch.
    pub fn response_data(&mut self, ts: i64, bytes: &[u8]) {
        self.data(false, ts, bytes);
    }

    /// `len` bytes of one direction were not captured. Inside a body of
    /// known length (Content-Length or a chunk) they are counted as body, as
    /// Zeek does; anywhere else that direction stops with the note
    /// "http_content_gap" (a client gap also ends the pending reply).
    pub fn gap(&mut self, from_client: bool, len: u64) {
        if self.finished {
            return;
        }
        self.total_bytes = self.total_bytes.saturating_add(len);
        if self.disabled || self.tunneled || len == 0 {
            return;
        }
        let orig = from_client;
        let side = self.side(orig);
        if side.state == State::Stopped {
            return;
        }
        let ts = side.last_ts;
        if !side.block_open
            && let Some(msg) = side.msg.as_mut()
            && let Some(outcome) = msg.gap(&mut side.lines, len)
        {
            if outcome == Outcome::Done {
                self.message_done(orig, ts, false);
            }
            return;
        }
        self.set_note("http_content_gap");
        if orig {
            self.made(true, ts, true);
            self.made(false, ts, true);
        } else {
            self.made(false, ts, true);
        }
        self.side(orig).state = State::Stopped;
    }

    /// Transactions completed since the last call.
    pub fn take_done(&mut self) -> Vec<HttpTx> {
        self.tracker.take_done()
    }

    /// Whether the connection was upgraded to WebSocket (service `websocket`, as Zeek's
    /// upgrade analyzer confirms it).
    pub fn websocket(&self) -> bool {
        self.websocket
    }

    /// Once a CONNECT tunnel (or a WebSocket connection) began: the server bytes that
    /// followed the successful reply in its segment (what the tunnel carries starts there),
    /// handed over once. The caller then reads the tunnel as a new stream, as Zeek hands it
    /// to protocol detection (WebSocket: to its WebSocket analyzer).
    pub fn take_tunnel(&mut self) -> Option<Vec<u8>> {
        self.tunnel.take()
    }

    /// End of the connection (both directions closed): ends the messages in
    /// progress (a body read until close ends here) and returns every
    /// remaining transaction, the pending ones included.
    pub fn finish(&mut self) -> Vec<HttpTx> {
        if !self.finished {
            let ts = self.orig.last_ts.max(self.resp.last_ts);
            for orig in [true, false] {
                if self.disabled {
                    break;
                }
                let side = self.side(orig);
                if side.state != State::Stopped && side.lines.has_partial() && side.lines.plain == 0
                {
                    // Zeek's ContentLine flushes a partial line at EOF.
                    let last = side.last_ts;
                    self.run(orig, last, b"\n");
                }
                self.made(orig, ts, false);
            }
            self.made(true, ts, true);
            self.made(false, ts, true);
            self.tracker.finalize();
            self.finished = true;
        }
        self.tracker.take_done()
    }

    /// The first limit or problem met, if any ("http_header_limit",
    /// "http_bad_request", "http_bad_reply", "http_parse_error",
    /// "http_content_gap", "http_pipeline_limit", "http_09_reply_before_request": a
    /// reply cut short by an HTTP/0.9 request).
    pub fn note(&self) -> Option<&'static str> {
        self.note
    }

    /// Whether the client bytes seen so far begin like an HTTP request: a
    /// request line was parsed, or the first bytes start with a known
    /// method and a space and no bad request line was seen.
    pub fn is_http(&self) -> bool {
        self.confirmed || (!self.client_failed && looks_like_request(&self.prefix))
    }

    /// Whether no later byte or gap can change what the connection reports: both directions
    /// stopped (so no message is in progress) and the client's first bytes already kept
    /// for [`HttpConn::is_http`]. The application stage then stops feeding the flow.
    pub fn inert(&self) -> bool {
        self.finished
            || (self.orig.state == State::Stopped
                && self.resp.state == State::Stopped
                && (self.confirmed || self.prefix.len() >= PREFIX_LEN))
    }

    /// Records the first note.
    fn set_note(&mut self, note: &'static str) {
        if self.note.is_none() {
            self.note = Some(note);
        }
    }

    /// The state of one direction.
    fn side(&mut self, orig: bool) -> &mut Side {
        if orig { &mut self.orig } else { &mut self.resp }
    }

    /// Entry point for both directions.
    fn data(&mut self, orig: bool, ts: i64, bytes: &[u8]) {
        if self.finished {
            return;
        }
        self.total_bytes = self
            .total_bytes
            .saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        if orig && self.prefix.len() < PREFIX_LEN {
            let room = PREFIX_LEN.saturating_sub(self.prefix.len());
            self.prefix
                .extend_from_slice(bytes.get(..room.min(bytes.len())).unwrap_or_default());
        }
        if !orig && self.reply_09 && !self.reply_09_started {
            self.start_reply_09(ts);
        }
        let side = self.side(orig);
        side.last_ts = ts;
        if side.lines.delivery > 0 {
            let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            side.lines.delivery = side.lines.delivery.saturating_sub(len);
        }
        self.run(orig, ts, bytes);
        let side = self.side(orig);
        if side.lines.delivery == 0 {
            side.lines.delivery = -1;
            if side.lines.has_partial() {
                // Zeek ends a partial line where a declared length ends.
                self.run(orig, ts, b"\r\n");
            }
        }
    }

    /// Splits the bytes into lines and plain pieces and handles them.
    fn run(&mut self, orig: bool, ts: i64, bytes: &[u8]) {
        let mut rest = bytes;
        loop {
            if self.disabled || self.tunneled {
                if let Some(tunnel) = self.tunnel.as_mut().filter(|_| !orig) {
                    tunnel.extend_from_slice(rest);
                }
                return;
            }
            let side = self.side(orig);
            if side.state == State::Stopped {
                return;
            }
            match side.lines.next(&mut rest) {
                None => return,
                Some(Piece::Overflow) => {
                    self.stop(orig, ts, "http_header_limit");
                    return;
                }
                Some(Piece::Plain(chunk)) => {
                    if let Some(msg) = side.msg.as_mut()
                        && msg.deliver_plain(&mut side.lines, chunk) == Outcome::Done
                    {
                        self.message_done(orig, ts, false);
                    }
                }
                Some(Piece::Line) => {
                    let (line, len) = side.lines.take_line();
                    self.on_line(orig, ts, &line, len);
                    self.side(orig).lines.give_back(line);
                }
            }
        }
    }

    /// Stops one direction on a limit or parse error.
    fn stop(&mut self, orig: bool, ts: i64, note: &'static str) {
        self.set_note(note);
        self.side(orig).block_open = false;
        self.made(orig, ts, true);
        self.side(orig).state = State::Stopped;
    }

    /// A line of one direction.
    fn on_line(&mut self, orig: bool, ts: i64, line: &[u8], len: u64) {
        let side = self.side(orig);
        match side.state {
            State::Stopped => {}
            State::Start if orig => self.request_line(ts, line, len),
            State::Start => self.status_line(ts, line, len),
            State::Message => {
                if side.block_open {
                    self.header_line(orig, ts, line, len);
                } else if let Some(msg) = side.msg.as_mut()
                    && msg.deliver_line(&mut side.lines, line, len) == Outcome::Done
                {
                    self.message_done(orig, ts, false);
                }
                if !orig && self.connect_request && len == 0 {
                    // End of a successful CONNECT reply: the rest is tunnelled.
                    self.tunneled = true;
                    self.tunnel = Some(Vec::new());
                }
            }
        }
    }

    /// A line where a request line is expected.
    fn request_line(&mut self, ts: i64, line: &[u8], len: u64) {
        if len == 0 {
            return;
        }
        let Some(req) = startline::parse_request_line(self.orig.block.load_line(line)) else {
            self.violation(true, ts, "http_bad_request");
            return;
        };
        if req.version == Some((0, 9)) && !self.reply_09 {
            // Zeek: a reply already under way (one sent before any request) ends here,
            // and what the server sends from now on is the 0.9 reply's body.
            if self.resp.msg.is_some() {
                self.set_note("http_09_reply_before_request");
                self.message_done(false, ts, false);
            }
            self.reply_09 = true;
        }
        let is_head = prefix_ci(&req.method, "HEAD");
        let is_connect = prefix_ci(&req.method, "CONNECT");
        let method = zeek_string(&req.method);
        let uri = zeek_string(&unescape_uri(&req.uri));
        self.confirmed = true;
        self.request_ongoing = true;
        self.request_version = req.version;
        if is_connect {
            self.connect_request = true;
        }
        if self.unanswered.len() >= MAX_UNANSWERED {
            self.unanswered.pop_front();
            self.set_note("http_pipeline_limit");
        }
        self.unanswered.push_back(is_head);
        if self.tracker.request(ts, method, uri) {
            self.set_note("http_pipeline_limit");
        }
        let code_206 = self.reply_code == 206;
        let side = &mut self.orig;
        side.block.start(true, line.len());
        side.state = State::Message;
        side.block_open = true;
        side.msg = Some(Entity::new(ExpectBody::Maybe, code_206));
        side.lines.set_limit(Some(side.block.budget()));
    }

    /// The server's first bytes after an HTTP/0.9 request: Zeek makes a reply of
    /// version 0.9, code 0 and no reason, with no header, whose body is everything the
    /// server sends until the connection closes.
    fn start_reply_09(&mut self, ts: i64) {
        self.reply_09_started = true;
        if self.resp.state == State::Stopped {
            return;
        }
        if self.unanswered.pop_front().is_some() {
            self.confirmed = true;
        }
        self.connection_close = true;
        self.reply_code = 0;
        self.reply_version = Some((0, 9));
        self.reply_ongoing = true;
        self.tracker
            .reply(ts, "0.9".to_owned(), 0, "<empty>".to_owned());
        let expect = self.expect_reply_body();
        let side = &mut self.resp;
        side.state = State::Message;
        side.block_open = false;
        side.lines.set_limit(None);
        let mut msg = Entity::new(expect, false);
        if msg.headers_done(&mut side.lines, true) == Outcome::Done {
            side.msg = Some(msg);
            self.message_done(false, ts, false);
        } else {
            side.msg = Some(msg);
        }
    }

    /// A line where a status line is expected.
    fn status_line(&mut self, ts: i64, line: &[u8], len: u64) {
        if len == 0 {
            return;
        }
        let Some(status) = startline::parse_status_line(self.resp.block.load_line(line)) else {
            self.violation(false, ts, "http_bad_reply");
            return;
        };
        let reason = status
            .reason
            .as_deref()
            .map_or_else(|| "<empty>".to_owned(), zeek_string);
        let code = status.code;
        let (major, minor) = status.version;
        self.reply_code = code;
        self.reply_version = Some(status.version);
        self.reply_ongoing = true;
        self.tracker
            .reply(ts, format!("{major}.{minor}"), code, reason);
        if self.connect_request && code != 200 {
            self.connect_request = false;
        }
        let expect = self.expect_reply_body();
        let side = &mut self.resp;
        side.block.start(false, line.len());
        side.state = State::Message;
        side.block_open = true;
        side.msg = Some(Entity::new(expect, code == 206));
        side.lines.set_limit(Some(side.block.budget()));
    }

    /// Zeek's `ExpectReplyMessageBody`.
    fn expect_reply_body(&self) -> ExpectBody {
        let code = self.reply_code;
        if self.unanswered.front() == Some(&true)
            || (100..200).contains(&code)
            || code == 204
            || code == 304
        {
            ExpectBody::No
        } else {
            ExpectBody::Yes
        }
    }

    /// A line of a header block.
    fn header_line(&mut self, orig: bool, ts: i64, line: &[u8], len: u64) {
        if len > 0 && line.first() != Some(&0) {
            let side = self.side(orig);
            if side.block.push_line(line).is_err() {
                self.stop(orig, ts, "http_header_limit");
            } else {
                let budget = side.block.budget();
                side.lines.set_limit(Some(budget));
            }
            return;
        }
        let side = self.side(orig);
        side.block_open = false;
        side.lines.set_limit(None);
        let Some(mut msg) = side.msg.take() else {
            return;
        };
        if !self.submit_headers(orig, ts, &mut msg) {
            self.side(orig).msg = Some(msg);
            self.stop(orig, ts, "http_parse_error");
            return;
        }
        let close = self.connection_close;
        let side = self.side(orig);
        let outcome = msg.headers_done(&mut side.lines, close);
        side.msg = Some(msg);
        if outcome == Outcome::Done {
            self.message_done(orig, ts, false);
        }
    }

    /// Parses the header block and raises the header events. Returns false
    /// when `httparse` rejects the block.
    fn submit_headers(&mut self, orig: bool, ts: i64, msg: &mut Entity) -> bool {
        let block = if orig {
            &mut self.orig.block
        } else {
            &mut self.resp.block
        };
        let Some(list) = block.parse(orig) else {
            return false;
        };
        let version = if self.request_ongoing {
            self.request_version
        } else {
            self.reply_version
        };
        let http11 = version == Some((1, 1));
        let block = if orig {
            &self.orig.block
        } else {
            &self.resp.block
        };
        for h in &list {
            let (name, value) = block.get(h);
            if !orig && eq_ci(name, "connection") {
                match value_token(value) {
                    Some(t) if eq_ci(t, "close") => self.connection_close = true,
                    Some(t) if eq_ci(t, "upgrade") => self.upgrade_connection = true,
                    _ => {}
                }
            }
            if !orig && eq_ci(name, "upgrade") {
                let token = value_token(value);
                self.upgrade_protocol = token.is_some();
                self.upgrade_websocket = token.is_some_and(|t| eq_ci(t, "websocket"));
            }
            msg.header(name, value, http11);
            if orig && (eq_ci(name, "host") || eq_ci(name, "user-agent")) {
                self.tracker.header(orig, ts, name, zeek_string(value));
            }
        }
        true
    }

    /// Zeek's `HTTP_Message::Done`: the `http_message_done` event, then the
    /// request or reply is made.
    fn message_done(&mut self, orig: bool, ts: i64, interrupted: bool) {
        let side = self.side(orig);
        let Some(mut msg) = side.msg.take() else {
            return;
        };
        side.lines.plain = 0;
        side.lines.crlf_only = false;
        if side.block_open {
            // Headers never completed: Zeek still submits those it has.
            side.block_open = false;
            let _ = self.submit_headers(orig, ts, &mut msg);
        }
        self.tracker.message_done(orig, ts, msg.body_length());
        self.made(orig, ts, interrupted);
    }

    /// Zeek's `RequestMade` / `ReplyMade`.
    fn made(&mut self, orig: bool, ts: i64, interrupted: bool) {
        if orig {
            if !self.request_ongoing {
                return;
            }
            self.request_ongoing = false;
            self.message_done(true, ts, interrupted);
            if interrupted {
                self.orig.state = State::Stopped;
            } else {
                self.orig.expect_start();
            }
            return;
        }
        if !self.reply_ongoing {
            return;
        }
        self.reply_ongoing = false;
        self.message_done(false, ts, interrupted);
        let code = self.reply_code;
        if !(100..200).contains(&code) {
            self.unanswered.pop_front();
        }
        if code == 101
            && self.unanswered.len() == 1
            && self.upgrade_connection
            && self.upgrade_protocol
        {
            self.tunneled = true;
            self.websocket = self.upgrade_websocket;
            if self.websocket {
                // What follows the reply in its segment is the first WebSocket frames.
                self.tunnel = Some(Vec::new());
            }
        }
        self.reply_code = 0;
        self.upgrade_connection = false;
        self.upgrade_protocol = false;
        self.upgrade_websocket = false;
        if interrupted || self.tunneled {
            self.resp.state = State::Stopped;
        } else {
            self.resp.expect_start();
        }
    }

    /// A start line that is not HTTP: that direction stops; when the
    /// analyzer was confirmed and the connection is still short, Zeek's DPD
    /// removes it altogether (both directions stop; its btests agree).
    fn violation(&mut self, orig: bool, ts: i64, note: &'static str) {
        self.set_note(note);
        if orig && !self.confirmed {
            self.client_failed = true;
        }
        self.side(orig).state = State::Stopped;
        if self.confirmed && self.total_bytes <= DISABLE_WINDOW {
            self.made(true, ts, true);
            self.made(false, ts, true);
            self.disabled = true;
        }
    }
}
