//! One flow's application state: what its payload was recognised as, the parser that
//! reads it, and the columns learnt so far. The tracker hands it every segment or datagram
//! of the flow (until it wants no more) and never knows the protocols.

use super::detect;
use super::dns::{self, DnsMessage, DnsTcpStream};
use super::http::{HttpConn, HttpTx};
use super::learnt::Learnt;
use super::quic::{self, QuicFlow};
use super::reassembly::{Chunk, Reassembler};
use super::rows::{AppSink, DnsRow, HttpRow};
use super::starttls::{self, Starttls};
use super::tls::{self, HandshakeStream, Hello, TlsStream, Transport};

/// Bytes of a direction's first payload kept to recognise it when it arrives in pieces.
const SNIFF_BYTES: usize = 512;
/// Datagrams of a UDP flow looked at before it is given up as unrecognised. A protocol's
/// start need not be the flow's first datagram: a QUIC connection resumed with 0-RTT packets
/// sends its Initial after them, as Zeek's QUIC analyzer (attached by port) still reads.
const UDP_TRIES: u8 = 8;
/// Datagrams of a flow that carries STUN looked at for what STUN multiplexes with (DTLS in
/// WebRTC, after a few binding requests and responses each way).
const STUN_TRIES: u8 = 64;
/// Datagrams of a DTLS flow read for the ServerHello before the flow is left alone.
const DTLS_DATAGRAMS: u8 = 16;

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
    Ssh,
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
        }
    }

    /// Flow-key side that acts as the client.
    fn client(&self) -> usize {
        usize::from(self.client)
    }

    /// Whether the flow's later packets can still teach anything.
    pub fn wants_more(&self) -> bool {
        match &self.parser {
            Parser::Finished => false,
            Parser::Tls(t) => !(t.finished(0) && t.finished(1)),
            Parser::Ssh => self
                .learnt
                .known()
                .is_none_or(|s| s.ssh_client.is_none() || s.ssh_server.is_none()),
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
        let parser = match &self.parser {
            Parser::Tls(t) => t.streams[0].held() + t.streams[1].held(),
            Parser::Http(h) => h.held(),
            Parser::DnsTcp(d) => d.streams[0].held() + d.streams[1].held(),
            Parser::Quic(q) => q.quic.held() + q.hello[0].held() + q.hello[1].held(),
            Parser::Tunnel(start) => start.rest.capacity(),
            Parser::Starttls(watch) => watch.held(),
            Parser::Undecided
            | Parser::Finished
            | Parser::Ssh
            | Parser::DnsUdp
            | Parser::Dtls(_) => 0,
        };
        let streams = self.tcp.as_ref().map_or(0, |t| {
            t.streams[0].held()
                + t.streams[1].held()
                + t.sniff[0].capacity()
                + t.sniff[1].capacity()
        });
        streams + parser
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
            _ => {}
        }
        self.learnt
    }

    // ---- TCP ----

    /// When the chunk just read opened a CONNECT tunnel or started TLS after STARTTLS: what
    /// followed the server's go-ahead is read as the start of a new stream.
    fn start_tunnel(
        &mut self,
        ts: i64,
        sniff: &mut [Vec<u8>; 2],
        flow_id: u64,
        out: &mut dyn AppSink,
    ) {
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

    fn stream_chunk(
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
                let done = h.take_done();
                let tunnel = h.take_tunnel().map(|rest| (rest, h.finish()));
                self.emit_http(done, flow_id, out);
                if let Some((rest, last)) = tunnel {
                    self.emit_http(last, flow_id, out);
                    self.parser = Parser::Tunnel(Box::new(TunnelStart { rest }));
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
            Parser::Ssh => {
                if let Chunk::Data(d) = chunk {
                    let known = self.learnt.details();
                    let banner = if from_client {
                        &mut known.ssh_client
                    } else {
                        &mut known.ssh_server
                    };
                    if banner.is_none() {
                        *banner = detect::ssh_banner(first_line(d));
                    }
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

    fn emit_http(&mut self, done: Vec<HttpTx>, flow_id: u64, out: &mut dyn AppSink) {
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

    // ---- UDP ----

    fn datagram(&mut self, p: &AppPacket<'_>, flow_id: u64, out: &mut dyn AppSink) {
        let from_client = p.side == self.client();
        if matches!(self.parser, Parser::Undecided) {
            self.recognise_datagram(p.bytes);
            if matches!(self.parser, Parser::Undecided | Parser::Finished) {
                return;
            }
        }
        self.read_datagram(p, from_client, flow_id, out);
    }

    /// Hands a datagram to the flow's parser.
    fn read_datagram(
        &mut self,
        p: &AppPacket<'_>,
        from_client: bool,
        flow_id: u64,
        out: &mut dyn AppSink,
    ) {
        match &mut self.parser {
            Parser::DnsUdp => {
                if let Ok(msg) = dns::parse_message(p.bytes) {
                    out.dns(dns_row(msg, p.ts, flow_id, p.from_orig, "udp"));
                }
            }
            Parser::Quic(q) => {
                q.quic.datagram(from_client, p.bytes);
                for (i, client) in [(0, true), (1, false)] {
                    let bytes = q.quic.take_crypto(client);
                    if !bytes.is_empty() {
                        for hello in q.hello[i].feed(&bytes) {
                            apply_hello(&mut self.learnt, hello, Some("ssl"));
                        }
                    }
                }
                if self.learnt.known().is_none_or(|s| s.quic_version.is_none())
                    && let Some(version) = q.quic.version()
                {
                    self.learnt.details().quic_version = Some(quic::version_name(version));
                }
                if let Some(n) = q.quic.note().or(q.hello[0].note()).or(q.hello[1].note()) {
                    self.learnt.note(n);
                }
            }
            Parser::Dtls(left) => {
                *left = left.saturating_sub(1);
                let server_hello = match tls::dtls_hello_or_note(p.bytes) {
                    Ok(Some(hello)) => {
                        let server = matches!(hello, Hello::Server(_));
                        apply_hello(&mut self.learnt, hello, None);
                        server
                    }
                    Ok(None) => false,
                    Err(note) => {
                        self.learnt.note(note);
                        false
                    }
                };
                if server_hello || *left == 0 {
                    self.parser = Parser::Finished;
                }
            }
            _ => {}
        }
    }

    /// Datagrams an undecided UDP flow is looked at for.
    fn udp_budget(&self) -> u8 {
        if self.learnt.has_service("stun") {
            STUN_TRIES
        } else {
            UDP_TRIES
        }
    }

    /// Decides what a UDP flow carries from one of its datagrams. A flow whose first
    /// [`UDP_TRIES`] datagrams match nothing is given up.
    fn recognise_datagram(&mut self, d: &[u8]) {
        let on_port = |ports: &[u16]| self.ports.iter().any(|p| ports.contains(p));
        let (service, parser): (Option<&'static str>, Parser) = if quic::looks_like_quic(d) {
            let state = QuicState {
                quic: QuicFlow::new(),
                hello: [
                    HandshakeStream::new(Transport::Quic),
                    HandshakeStream::new(Transport::Quic),
                ],
            };
            (Some("quic"), Parser::Quic(Box::new(state)))
        } else if (on_port(&dns::UDP_PORTS) || dns::looks_like_dns(d))
            && dns::parse_message(d).is_ok()
        {
            (Some("dns"), Parser::DnsUdp)
        } else if tls::looks_like_dtls(d) {
            // Zeek's DTLS analyzer reads the handshake itself: the service is `dtls` alone.
            (Some("dtls"), Parser::Dtls(DTLS_DATAGRAMS))
        } else if detect::is_dhcp(d) {
            (Some("dhcp"), Parser::Finished)
        } else if detect::is_stun(d) {
            // STUN multiplexes with DTLS on one flow (WebRTC): the flow stays undecided
            // for what follows it.
            (Some("stun"), Parser::Undecided)
        } else if on_port(&[123]) && detect::is_ntp(d) {
            (Some("ntp"), Parser::Finished)
        } else {
            (None, Parser::Undecided)
        };
        if let Some(s) = service {
            self.learnt.add_service(s);
        }
        self.udp_tries = self.udp_tries.saturating_add(1);
        self.parser = match parser {
            Parser::Undecided if self.udp_tries >= self.udp_budget() => Parser::Finished,
            parser => parser,
        };
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
        (Some("ssh"), Parser::Ssh)
    } else if ports.contains(&53) && first.len() > 2 && dns::looks_like_dns(&first[2..]) {
        let state = DnsTcpState {
            streams: [DnsTcpStream::new(), DnsTcpStream::new()],
            broken: [false; 2],
        };
        (Some("dns"), Parser::DnsTcp(Box::new(state)))
    } else if detect::smtp_greeting(first) {
        let watch = Starttls::new(starttls::Dialect::Smtp);
        (Some("smtp"), Parser::Starttls(Box::new(watch)))
    } else if detect::ftp_greeting(first) {
        let watch = Starttls::new(starttls::Dialect::Ftp);
        (Some("ftp"), Parser::Starttls(Box::new(watch)))
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
        super::http::looks_like_request(first)
    } else {
        super::http::looks_like_response(first)
    }
}

/// The first line of `d`, without its line end.
fn first_line(d: &[u8]) -> &[u8] {
    let end = d.iter().position(|&b| b == b'\n').unwrap_or(d.len());
    let line = &d[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Records what a TLS hello says in the flow's columns.
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
        msg,
    }
}
