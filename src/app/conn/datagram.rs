//! A UDP flow, datagram by datagram: recognised from any of its first datagrams, then read
//! by its parser (DNS messages, QUIC Initials, DTLS hellos).

use super::super::quic::{self, QuicFlow};
use super::super::rows::AppSink;
use super::super::tls::{self, HandshakeStream, Hello, Transport};
use super::super::{detect, dns};
use super::{AppFlow, AppPacket, Parser, QuicState, apply_hello, dns_row};

/// Datagrams of a UDP flow looked at before it is given up as unrecognised. A protocol's
/// start need not be the flow's first datagram: a QUIC connection resumed with 0-RTT packets
/// sends its Initial after them, as Zeek's QUIC analyzer (attached by port) still reads.
const UDP_TRIES: u8 = 8;
/// Datagrams of a flow that carries STUN looked at for what STUN multiplexes with (DTLS in
/// WebRTC, after a few binding requests and responses each way).
const STUN_TRIES: u8 = 64;
/// Datagrams of a DTLS flow read for the ServerHello before the flow is left alone.
const DTLS_DATAGRAMS: u8 = 16;

impl AppFlow {
    /// Takes one datagram of the flow.
    pub(super) fn datagram(&mut self, p: &AppPacket<'_>, flow_id: u64, out: &mut dyn AppSink) {
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
                if let Ok(mut msg) = dns::parse_message(p.bytes) {
                    // Zeek's dns.log decodes the names of the NetBIOS name service, by the
                    // responder's port.
                    let resp_side = if p.from_orig { 1 - p.side } else { p.side };
                    let netbios = self.ports[resp_side] == dns::NETBIOS_NS_PORT;
                    if let Some(name) = msg
                        .query
                        .as_deref()
                        .filter(|_| netbios)
                        .and_then(dns::decode_netbios_name)
                    {
                        msg.query = Some(name);
                    }
                    let mut row = dns_row(msg, p.ts, flow_id, p.from_orig, "udp");
                    row.netbios = netbios;
                    out.dns(row);
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
