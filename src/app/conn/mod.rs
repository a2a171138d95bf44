//! One flow's application state: what its payload was recognised as, the parser that
//! reads it, and the columns learnt so far. The tracker hands it every segment or datagram
//! of the flow (until it wants no more) and never knows the protocols.

//!
//! `stream.rs` reads TCP flows (recognition, the parsers of streams, tunnels and STARTTLS);
//! `datagram.rs` reads UDP flows datagram by datagram.

mod datagram;
mod stream;

use super::dns::{DnsMessage, DnsTcpStream};
use super::http::HttpConn;
use super::learnt::Learnt;
use super::quic::QuicFlow;
use super::reassembly::Reassembler;
use super::rows::{AppSink, DnsRow};
use super::ssh_keys::SshKeys;
use super::starttls::Starttls;
use super::tls::{self, HandshakeStream, Hello, TlsStream};
use super::websocket::Deframer;

/// One packet's share of a flow, as the application stage sees it.
#[derive(Debug, Clone, Copy)]
pub struct AppPacket<'a> {
    /// Capture time, ns.
    pub ts: i64,
    /// Flow-key side that sent it (0 or 1).
    pub side: usize,
    /// Whether that side is, for now, the flow's originator.
    pub from_orig: bool,
    /// TCP sequence number and SYN flag (None for UDP).
    pub tcp: Option<TcpSegment>,
    /// Captured payload.
    pub bytes: &'a [u8],
    /// Payload length on the wire.
    pub wire_len: u32,
}

/// The TCP header fields reassembly needs.
#[derive(Debug, Clone, Copy)]
pub struct TcpSegment {
    /// Sequence number.
    pub seq: u32,
    /// SYN set.
    pub syn: bool,
}

/// The parser a flow's payload was given to.
enum Parser {
    /// Nothing recognised yet.
    Undecided,
    /// Nothing recognised, or a parser gave up: the flow wants no more payload.
    Finished,
    Tls(Box<TlsState>),
    Http(Box<HttpConn>),
    /// SSH: the banners, then each direction read as far as its NEWKEYS, where Zeek
    /// confirms the protocol and `ssh` is added.
    Ssh(Box<SshKeys>),
    DnsTcp(Box<DnsTcpState>),
    DnsUdp,
    Quic(Box<QuicState>),
    /// DTLS: hellos are read from the handshake's first datagrams, this many more at most.
    Dtls(u8),
    /// An HTTP CONNECT tunnel (or STARTTLS) just began, with the server bytes that followed
    /// the go-ahead: what it carries is recognised afresh, as Zeek hands it on.
    Tunnel(Box<TunnelStart>),
    /// SMTP or FTP: watched for STARTTLS (AUTH TLS), after which the stream is TLS.
    Starttls(Box<Starttls>),
    /// A WebSocket connection after its HTTP upgrade: what its messages carry is
    /// recognised and parsed as a stream of its own.
    WebSocket(Box<WebSocketState>),
}

/// Most WebSocket connections inside one another that are read (a tunnel in a tunnel).
const MAX_WEBSOCKET_DEPTH: u8 = 2;

/// A WebSocket connection: each direction's frames, and the parser of what the messages
/// carry (with the start of each direction kept until it is recognised).
struct WebSocketState {
    frames: [Deframer; 2],
    inner: Parser,
    sniff: [Vec<u8>; 2],
    /// A complete message was seen: Zeek's WebSocket analyzer confirms then.
    confirmed: bool,
    /// Server bytes that followed the `101` reply in its segment, not yet read.
    pending: Vec<u8>,
}

/// The server bytes that followed a successful CONNECT (or STARTTLS) reply in its segment.
struct TunnelStart {
    rest: Vec<u8>,
}

struct TlsState {
    streams: [TlsStream; 2],
    /// A direction whose stream had a hole: nothing more is read from it.
    broken: [bool; 2],
}

impl TlsState {
    fn finished(&self, side: usize) -> bool {
        self.broken[side] || self.streams[side].done()
    }
}

struct DnsTcpState {
    streams: [DnsTcpStream; 2],
    /// A direction whose stream had a hole: its length prefixes can no longer be trusted.
    broken: [bool; 2],
}

struct QuicState {
    quic: QuicFlow,
    /// Handshake messages of the client's and the server's Initial CRYPTO streams.
    hello: [HandshakeStream; 2],
}

/// A TCP flow's byte streams, by flow-key side.
#[derive(Default)]
struct TcpStreams {
    streams: [Reassembler; 2],
    /// The start of each side's stream, kept until the flow is recognised.
    sniff: [Vec<u8>; 2],
}

/// Application state of one flow. Small (a UDP flow holds no stream state, and the columns
/// beyond the services are allocated when first learnt), since a capture may hold
/// hundreds of thousands of flows at once.
pub struct AppFlow {
    parser: Parser,
    /// A TCP flow's streams (None: a UDP flow, which is read datagram by datagram).
    tcp: Option<Box<TcpStreams>>,
    learnt: Learnt,
    http_depth: u32,
    ports: [u16; 2],
    /// Flow-key side that acts as the client (sent the first payload, or the SYN).
    client: u8,
    /// Datagrams of an undecided UDP flow looked at so far.
    udp_tries: u8,
    /// A TCP connection Zeek calls partial (its responder's SYN not seen): only DNS is
    /// read from it, as Zeek's other stream analyzers return before parsing such streams.
    partial: bool,
    /// WebSocket connections whose messages are being parsed right now (nested).
    websocket_depth: u8,
}

impl AppFlow {
    /// State for a flow between `ports` (by flow-key side), whose client is `client`;
    /// `isn` gives each side's initial sequence number when its SYN was seen, `partial`
    /// whether the connection began before the capture did (see [`AppEvent`]'s `Open`).
    ///
    /// [`AppEvent`]: crate::track::AppEvent
    pub fn new(
        udp: bool,
        ports: [u16; 2],
        client: usize,
        isn: [Option<u32>; 2],
        partial: bool,
    ) -> Self {
        let tcp = (!udp).then(|| {
            let mut tcp = Box::<TcpStreams>::default();
            for (s, isn) in tcp.streams.iter_mut().zip(isn) {
                if let Some(isn) = isn {
                    s.segment(isn, true, &[], 0, &mut |_| {});
                }
            }
            tcp
        });
        AppFlow {
            parser: Parser::Undecided,
            tcp,
            learnt: Learnt::default(),
            http_depth: 0,
            ports,
            client: client.min(1) as u8,
            udp_tries: 0,
            partial,
            websocket_depth: 0,
        }
    }

    /// Flow-key side that acts as the client.
    fn client(&self) -> usize {
        usize::from(self.client)
    }

    /// Whether the flow's later packets can still teach anything.
    pub fn wants_more(&self) -> bool {
        self.parser_wants_more(&self.parser)
    }

    fn parser_wants_more(&self, parser: &Parser) -> bool {
        match parser {
            Parser::Finished => false,
            Parser::WebSocket(ws) => !ws.confirmed || self.parser_wants_more(&ws.inner),
            Parser::Tls(t) => !(t.finished(0) && t.finished(1)),
            Parser::Ssh(keys) => {
                let banners = self
                    .learnt
                    .known()
                    .is_some_and(|s| s.ssh_client.is_some() && s.ssh_server.is_some());
                !(banners && (keys.confirmed() || !keys.reading()))
            }
            Parser::Quic(q) => !q.quic.done(),
            Parser::Http(h) => !h.inert(),
            // A direction with a hole reads no more messages.
            Parser::DnsTcp(d) => !(d.broken[0] && d.broken[1]),
            _ => true,
        }
    }

    /// Bytes this flow's state holds between packets: early TCP segments, the start of
    /// each direction kept until it is recognised, and the parser's buffers. What the
    /// application stage's memory budget counts.
    pub fn held(&self) -> usize {
        let streams = self.tcp.as_ref().map_or(0, |t| {
            t.streams[0].held()
                + t.streams[1].held()
                + t.sniff[0].capacity()
                + t.sniff[1].capacity()
        });
        streams + parser_held(&self.parser)
    }

    /// Records that the flow was cut short by the application stage's memory budget
    /// (`app_note` = `app_memory`, unless another reason came first); the stage then
    /// finishes it with what it learnt so far.
    pub fn cut_short_by_memory(&mut self) {
        self.learnt.note("app_memory");
    }

    /// Takes one packet of the flow.
    pub fn packet(&mut self, p: &AppPacket<'_>, flow_id: u64, out: &mut dyn AppSink) {
        if self.tcp.is_none() {
            if !p.bytes.is_empty() {
                self.datagram(p, flow_id, out);
            }
            return;
        }
        let Some(seg) = p.tcp else { return };
        let Some(mut tcp) = self.tcp.take() else {
            return;
        };
        // The streams are taken out while they deliver, so that the parsers can be fed.
        let TcpStreams { streams, sniff } = &mut *tcp;
        streams[p.side.min(1)].segment(seg.seq, seg.syn, p.bytes, p.wire_len, &mut |c| {
            self.stream_chunk(p.side, p.ts, c, sniff, flow_id, out);
            self.start_tunnel(p.ts, sniff, flow_id, out);
        });
        self.tcp = Some(tcp);
    }

    /// Ends the flow: what is still held is parsed, and the flow's columns returned.
    pub fn finish(mut self, flow_id: u64, ts: i64, out: &mut dyn AppSink) -> Learnt {
        if let Some(mut tcp) = self.tcp.take() {
            let TcpStreams { streams, sniff } = &mut *tcp;
            for (side, stream) in streams.iter_mut().enumerate() {
                stream.flush(&mut |c| {
                    self.stream_chunk(side, ts, c, sniff, flow_id, out);
                    self.start_tunnel(ts, sniff, flow_id, out);
                });
            }
        }
        self.finish_parser(flow_id, ts, out);
        self.learnt
    }
}

impl AppFlow {
    /// Parses what the flow's parser still holds (and, inside a WebSocket connection,
    /// what its messages' parser holds).
    pub(super) fn finish_parser(&mut self, flow_id: u64, ts: i64, out: &mut dyn AppSink) {
        match &mut self.parser {
            Parser::Http(h) => {
                let done = h.finish();
                self.emit_http(done, flow_id, out);
            }
            Parser::DnsTcp(d) => {
                let client = usize::from(self.client);
                // A message cut by the end of the stream is read as far as it goes, as Zeek does.
                for side in 0..2 {
                    if !d.broken[side]
                        && let Some(Ok(msg)) = d.streams[side].finish()
                    {
                        out.dns(dns_row(msg, ts, flow_id, side == client, "tcp"));
                    }
                }
            }
            Parser::WebSocket(ws) => {
                let inner = std::mem::replace(&mut ws.inner, Parser::Finished);
                self.parser = inner;
                self.finish_parser(flow_id, ts, out);
            }
            _ => {}
        }
    }
}

/// Bytes a parser holds between packets.
fn parser_held(parser: &Parser) -> usize {
    match parser {
        Parser::Tls(t) => t.streams[0].held() + t.streams[1].held(),
        Parser::Http(h) => h.held(),
        Parser::DnsTcp(d) => d.streams[0].held() + d.streams[1].held(),
        Parser::Quic(q) => q.quic.held() + q.hello[0].held() + q.hello[1].held(),
        Parser::Tunnel(start) => start.rest.capacity(),
        Parser::Starttls(watch) => watch.held(),
        Parser::WebSocket(ws) => {
            ws.sniff[0].capacity()
                + ws.sniff[1].capacity()
                + ws.pending.capacity()
                + parser_held(&ws.inner)
        }
        Parser::Undecided
        | Parser::Finished
        | Parser::Ssh(_)
        | Parser::DnsUdp
        | Parser::Dtls(_) => 0,
    }
}

/// Records what a hello tells; a ClientHello adds `service` (`ssl` for TLS and QUIC, whose
/// Zeek analyzers hand the handshake to the SSL analyzer; none for DTLS, whose analyzer
/// reads it itself).
fn apply_hello(learnt: &mut Learnt, hello: Hello, service: Option<&'static str>) {
    match hello {
        Hello::Client(ch) => {
            if let Some(service) = service {
                learnt.add_service(service);
            }
            let summary = learnt.details();
            if summary.ja3.is_some() {
                return; // a second ClientHello (after a HelloRetryRequest) changes nothing
            }
            summary.server_name = ch.sni;
            summary.alpn = ch.alpn;
            summary.ja3 = Some(ch.ja3);
            summary.ja4 = Some(ch.ja4);
            if !summary.tls_version_from_server {
                let offered = ch
                    .supported_versions
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(ch.legacy_version);
                summary.tls_version = Some(tls::version_name(offered));
            }
        }
        Hello::Server(sh) => {
            let summary = learnt.details();
            summary.tls_version = Some(tls::version_name(sh.version));
            summary.tls_version_from_server = true;
        }
    }
}

fn dns_row(
    msg: DnsMessage,
    ts: i64,
    flow_id: u64,
    from_orig: bool,
    transport: &'static str,
) -> DnsRow {
    DnsRow {
        ts,
        flow_id,
        from_orig,
        transport,
        netbios: false,
        msg,
    }
}
