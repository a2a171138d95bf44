//! A TCP flow's streams: what they carry is recognised from their first bytes, then each
//! in-order chunk goes to its parser; a CONNECT tunnel or a STARTTLS hands the rest of the
//! stream back to recognition.

use super::super::detect;
use super::super::dns::{self, DnsTcpStream};
use super::super::http;
use super::super::http::HttpTx;
use super::super::reassembly::Chunk;
use super::super::rows::{AppSink, HttpRow};
use super::super::starttls::{self, Starttls};
use super::super::tls::{self, TlsStream};
use super::super::websocket::Piece;
use super::{
    AppFlow, DnsTcpState, MAX_WEBSOCKET_DEPTH, Parser, TlsState, TunnelStart, WebSocketState,
    apply_hello, dns_row,
};

/// Bytes of a direction's first payload kept to recognise it when it arrives in pieces.
const SNIFF_BYTES: usize = 512;

impl AppFlow {
    /// When the chunk just read opened a CONNECT tunnel or started TLS after STARTTLS: what
    /// followed the server's go-ahead is read as the start of a new stream.
    pub(super) fn start_tunnel(
        &mut self,
        ts: i64,
        sniff: &mut [Vec<u8>; 2],
        flow_id: u64,
        out: &mut dyn AppSink,
    ) {
        if let Parser::WebSocket(ws) = &mut self.parser
            && !ws.pending.is_empty()
        {
            let pending = std::mem::take(&mut ws.pending);
            let server = 1 - self.client();
            self.websocket_chunk(server, ts, Chunk::Data(&pending), flow_id, out);
            return;
        }
        if !matches!(self.parser, Parser::Tunnel(_)) {
            return;
        }
        if let Parser::Tunnel(start) = std::mem::replace(&mut self.parser, Parser::Undecided)
            && !start.rest.is_empty()
        {
            let server = 1 - self.client();
            self.stream_chunk(server, ts, Chunk::Data(&start.rest), sniff, flow_id, out);
        }
    }

    pub(super) fn stream_chunk(
        &mut self,
        side: usize,
        ts: i64,
        chunk: Chunk<'_>,
        sniff: &mut [Vec<u8>; 2],
        flow_id: u64,
        out: &mut dyn AppSink,
    ) {
        if matches!(self.parser, Parser::Undecided) {
            let Chunk::Data(d) = chunk else {
                self.parser = Parser::Finished;
                return;
            };
            let from_client = side == self.client();
            if sniff[side].is_empty() {
                // Most streams say what they are in their first segment: no copy then.
                let first = &d[..d.len().min(SNIFF_BYTES)];
                let kept = sniff[1 - side].len() + first.len();
                let verdict = recognise_stream(first, from_client, self.ports, kept);
                self.decide(verdict, self.partial);
                if !matches!(self.parser, Parser::Undecided) {
                    let other = std::mem::take(&mut sniff[1 - side]);
                    if !other.is_empty() {
                        self.parse_stream(1 - side, ts, Chunk::Data(&other), flow_id, out);
                    }
                    self.parse_stream(side, ts, Chunk::Data(d), flow_id, out);
                    return;
                }
            }
            let room = SNIFF_BYTES.saturating_sub(sniff[side].len());
            if sniff[side].is_empty() {
                // The chunk alone did not say: keep it (it was already looked at).
                sniff[side].extend_from_slice(&d[..d.len().min(room)]);
            } else {
                sniff[side].extend_from_slice(&d[..d.len().min(room)]);
                let kept = sniff[0].len() + sniff[1].len();
                let verdict = recognise_stream(&sniff[side], from_client, self.ports, kept);
                self.decide(verdict, self.partial);
            }
            if matches!(self.parser, Parser::Undecided) {
                return;
            }
            // Hand the parser everything kept so far, this chunk included.
            let both = std::mem::take(sniff);
            for s in [1 - side, side] {
                if !both[s].is_empty() {
                    self.parse_stream(s, ts, Chunk::Data(&both[s]), flow_id, out);
                }
            }
            if d.len() > room {
                self.parse_stream(side, ts, Chunk::Data(&d[room..]), flow_id, out);
            }
            return;
        }
        self.parse_stream(side, ts, chunk, flow_id, out);
    }

    /// A chunk of a WebSocket connection: its frames are undone, and the messages' bytes
    /// go to their own parser (recognised from their first bytes), swapped in as the
    /// flow's parser while they are read. The first complete message adds `websocket`.
    fn websocket_chunk(
        &mut self,
        side: usize,
        ts: i64,
        chunk: Chunk<'_>,
        flow_id: u64,
        out: &mut dyn AppSink,
    ) {
        let Parser::WebSocket(mut ws) = std::mem::replace(&mut self.parser, Parser::Finished)
        else {
            return;
        };
        let Chunk::Data(d) = chunk else {
            // A hole: frames can no longer be found. What the messages' parser holds (the
            // tunnelled HTTP transactions still pending) is written now.
            self.learnt.note("websocket_gap");
            self.parser = std::mem::replace(&mut ws.inner, Parser::Finished);
            self.finish_parser(flow_id, ts, out);
            self.parser = Parser::Finished;
            return;
        };
        let WebSocketState {
            frames,
            inner,
            sniff,
            confirmed,
            ..
        } = &mut *ws;
        self.websocket_depth += 1;
        frames[side].feed(d, &mut |piece| match piece {
            Piece::Data(bytes) => {
                if matches!(inner, Parser::Finished) {
                    return;
                }
                self.parser = std::mem::replace(inner, Parser::Finished);
                self.stream_chunk(side, ts, Chunk::Data(&bytes), sniff, flow_id, out);
                self.start_tunnel(ts, sniff, flow_id, out);
                *inner = std::mem::replace(&mut self.parser, Parser::Finished);
            }
            Piece::MessageEnd => {
                if !*confirmed {
                    *confirmed = true;
                    self.learnt.add_service("websocket");
                }
            }
        });
        self.websocket_depth -= 1;
        self.parser = Parser::WebSocket(ws);
    }

    /// Takes the parser (and service) [`recognise_stream`] chose, unless the connection is
    /// partial and it is not DNS (the one stream protocol Zeek reads from a partial
    /// connection).
    fn decide(&mut self, (service, parser): (Option<&'static str>, Parser), partial: bool) {
        if partial && !matches!(parser, Parser::DnsTcp(_) | Parser::Undecided) {
            self.parser = Parser::Finished;
            return;
        }
        if let Some(s) = service {
            self.learnt.add_service(s);
        }
        self.parser = parser;
    }

    fn parse_stream(
        &mut self,
        side: usize,
        ts: i64,
        chunk: Chunk<'_>,
        flow_id: u64,
        out: &mut dyn AppSink,
    ) {
        if matches!(self.parser, Parser::WebSocket(_)) {
            self.websocket_chunk(side, ts, chunk, flow_id, out);
            return;
        }
        let from_client = side == self.client();
        match &mut self.parser {
            Parser::Tls(t) => {
                if t.finished(side) {
                    return;
                }
                match chunk {
                    Chunk::Data(d) => {
                        if let Some(hello) = t.streams[side].feed(d) {
                            apply_hello(&mut self.learnt, hello, Some("ssl"));
                        }
                    }
                    Chunk::Gap(_) => {
                        t.broken[side] = true;
                        self.learnt.note("tls_gap");
                    }
                }
                if let Some(n) = t.streams[side].note() {
                    self.learnt.note(n);
                }
            }
            Parser::Http(h) => {
                match chunk {
                    Chunk::Data(d) if from_client => h.request_data(ts, d),
                    Chunk::Data(d) => h.response_data(ts, d),
                    Chunk::Gap(g) => h.gap(from_client, g),
                }
                if let Some(n) = h.note() {
                    self.learnt.note(n);
                }
                let websocket = h.websocket();
                let done = h.take_done();
                let tunnel = h.take_tunnel().map(|rest| (rest, h.finish()));
                self.emit_http(done, flow_id, out);
                if let Some((rest, last)) = tunnel {
                    self.emit_http(last, flow_id, out);
                    self.parser = if !websocket {
                        Parser::Tunnel(Box::new(TunnelStart { rest }))
                    } else if self.websocket_depth < MAX_WEBSOCKET_DEPTH {
                        Parser::WebSocket(Box::new(WebSocketState {
                            frames: Default::default(),
                            inner: Parser::Undecided,
                            sniff: Default::default(),
                            confirmed: false,
                            pending: rest,
                        }))
                    } else {
                        Parser::Finished
                    };
                }
            }
            Parser::Starttls(watch) => {
                let step = match chunk {
                    Chunk::Data(d) => watch.feed(from_client, d),
                    Chunk::Gap(_) => starttls::Step::GiveUp,
                };
                match step {
                    starttls::Step::More => {}
                    starttls::Step::GiveUp => self.parser = Parser::Finished,
                    starttls::Step::Tls(rest) => {
                        self.parser = Parser::Tunnel(Box::new(TunnelStart { rest }));
                    }
                }
            }
            Parser::Ssh(keys) => {
                let Chunk::Data(d) = chunk else {
                    keys.lose();
                    return;
                };
                let fed = keys.feed(from_client, d);
                if fed.confirmed {
                    self.learnt.add_service("ssh");
                }
                if let Some(at) = fed.version_line {
                    let known = self.learnt.details();
                    let banner = if from_client {
                        &mut known.ssh_client
                    } else {
                        &mut known.ssh_server
                    };
                    *banner = detect::ssh_banner(first_line(&d[at..]));
                }
            }
            Parser::DnsTcp(d) => {
                if d.broken[side] {
                    return;
                }
                match chunk {
                    Chunk::Data(bytes) => {
                        for msg in d.streams[side].feed(bytes).into_iter().flatten() {
                            out.dns(dns_row(msg, ts, flow_id, from_client, "tcp"));
                        }
                    }
                    Chunk::Gap(_) => {
                        d.broken[side] = true;
                        self.learnt.note("dns_tcp_gap");
                    }
                }
                if let Some(n) = d.streams[side].note() {
                    self.learnt.note(n);
                }
            }
            _ => {}
        }
    }

    pub(super) fn emit_http(&mut self, done: Vec<HttpTx>, flow_id: u64, out: &mut dyn AppSink) {
        for tx in done {
            self.http_depth += 1;
            let known = self.learnt.details();
            if known.server_name.is_none() {
                known.server_name.clone_from(&tx.host);
            }
            if self.http_depth == 1 {
                known.http_user_agent.clone_from(&tx.user_agent);
            }
            out.http(HttpRow {
                flow_id,
                trans_depth: self.http_depth,
                tx,
            });
        }
    }
}

/// Decides what a TCP flow carries from the first bytes of one of its streams (`kept`:
/// bytes of both streams looked at so far).
fn recognise_stream(
    first: &[u8],
    from_client: bool,
    ports: [u16; 2],
    kept: usize,
) -> (Option<&'static str>, Parser) {
    if tls::looks_like_tls(first) {
        let state = TlsState {
            streams: [TlsStream::new(), TlsStream::new()],
            broken: [false; 2],
        };
        (Some("ssl"), Parser::Tls(Box::new(state)))
    } else if http_start(first, from_client) {
        (Some("http"), Parser::Http(Box::default()))
    } else if first.starts_with(b"SSH-") {
        // `ssh` is added at NEWKEYS, where Zeek's SSH analyzer confirms.
        (None, Parser::Ssh(Box::default()))
    } else if ports.contains(&53) && first.len() > 2 && dns::looks_like_dns(&first[2..]) {
        let state = DnsTcpState {
            streams: [DnsTcpStream::new(), DnsTcpStream::new()],
            broken: [false; 2],
        };
        (Some("dns"), Parser::DnsTcp(Box::new(state)))
    } else if let Some(dialect) = starttls::Dialect::recognise(first, from_client, ports) {
        let watch = Starttls::new(dialect);
        (dialect.service(), Parser::Starttls(Box::new(watch)))
    } else if first.len() >= SNIFF_BYTES
        || !first.contains(&b'\n') && first.len() >= 64
        || kept > 2 * SNIFF_BYTES
    {
        (None, Parser::Finished)
    } else {
        // Too little to say; a banner line may still be on its way.
        (None, Parser::Undecided)
    }
}

/// Whether a stream's first bytes start HTTP: a request from the client, or a response.
fn http_start(first: &[u8], from_client: bool) -> bool {
    if from_client {
        http::looks_like_request(first)
    } else {
        http::looks_like_response(first)
    }
}

/// The first line of `d`, without its line end.
fn first_line(d: &[u8]) -> &[u8] {
    let end = d.iter().position(|&b| b == b'\n').unwrap_or(d.len());
    let line = &d[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}
