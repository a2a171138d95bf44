//! TLS begun inside another protocol: SMTP `STARTTLS`, FTP `AUTH TLS`, POP3 `STLS`, IMAP
//! `STARTTLS`, XMPP `<starttls/>`, IRC's reply 670, MySQL's SSL request and RDP's TLS
//! negotiation. A command, the server's go-ahead, then TLS on the same connection, which
//! Zeek's analyzers hand to its SSL analyzer (conn.log `smtp,ssl`, `imap,ssl`, …). Only the
//! command and reply lines (XMPP: the two elements; MySQL and RDP: one packet's first
//! bytes) are read, from each direction's first bytes.

use super::detect;

/// Which protocol's upgrade is watched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SMTP: `STARTTLS`, go-ahead `220`.
    Smtp,
    /// FTP (RFC 4217): `AUTH TLS` or `AUTH SSL`, go-ahead `234`.
    Ftp,
    /// POP3 (RFC 2595): `STLS`, go-ahead `+OK`.
    Pop3,
    /// IMAP (RFC 3501): `<tag> STARTTLS`, go-ahead `<tag> OK`.
    Imap,
    /// XMPP (RFC 6120 §5): `<starttls …/>`, go-ahead `<proceed …/>`; not line based.
    Xmpp,
    /// IRC: the server's numeric reply 670 (RPL_STARTTLS) starts TLS, as Zeek's IRC
    /// analyzer reads it, whatever the client sent.
    Irc,
    /// MySQL: a client handshake response with the `CLIENT_SSL` capability (the short
    /// SSLRequest) starts TLS, as Zeek's MySQL analyzer reads it; binary, not lines.
    Mysql,
    /// RDP: the server's X.224 Connection Confirm selecting TLS or CredSSP in its
    /// negotiation response starts TLS, as Zeek's RDP analyzer reads it; binary.
    Rdp,
}

/// MySQL's `CLIENT_SSL` capability flag.
const MYSQL_CLIENT_SSL: u32 = 0x0800;

impl Dialect {
    /// The dialect whose dialogue a stream's first bytes start, from the client or the
    /// server (see the detectors in `detect/text.rs`), tried in this order.
    pub fn recognise(first: &[u8], from_client: bool, ports: [u16; 2]) -> Option<Dialect> {
        let server = !from_client;
        let dialect = if detect::smtp_greeting(first) {
            Dialect::Smtp
        } else if detect::ftp_greeting(first) {
            Dialect::Ftp
        } else if server && detect::pop3_greeting(first) {
            Dialect::Pop3
        } else if server && detect::imap_greeting(first) {
            Dialect::Imap
        } else if detect::xmpp_stream(first) {
            Dialect::Xmpp
        } else if server && detect::mysql_greeting(first) {
            Dialect::Mysql
        } else if from_client && detect::rdp_request(first, ports) {
            Dialect::Rdp
        } else if detect::irc_start(first, from_client, ports) {
            Dialect::Irc
        } else {
            return None;
        };
        Some(dialect)
    }

    /// The service Zeek names the connection by from its start. RDP has none: Zeek's RDP
    /// analyzer confirms only inside the MCS data, which a negotiated TLS hides (the flow
    /// is then `ssl`).
    pub fn service(self) -> Option<&'static str> {
        match self {
            Dialect::Smtp => Some("smtp"),
            Dialect::Ftp => Some("ftp"),
            Dialect::Pop3 => Some("pop3"),
            Dialect::Imap => Some("imap"),
            Dialect::Xmpp => Some("xmpp"),
            Dialect::Irc => Some("irc"),
            Dialect::Mysql => Some("mysql"),
            Dialect::Rdp => None,
        }
    }
}

/// What a server line says to a pending request for TLS.
enum Reply {
    /// Not the answer (an untagged IMAP line, a continuation): still waiting.
    Other,
    /// TLS starts after it.
    GoAhead,
    /// Refused: the request is over.
    Refused,
}

/// Bytes of each direction read for the upgrade before the connection is left alone (it
/// comes right after the greeting and EHLO, never after a mail's body).
const WATCHED_BYTES: usize = 16 * 1024;
/// Longest part of a line kept while it arrives in pieces.
const MAX_LINE: usize = 512;

/// What one chunk of the dialogue led to.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing yet: go on.
    More,
    /// No upgrade within the bytes watched: the connection can be left alone.
    GiveUp,
    /// The server agreed: TLS starts; the server bytes after its reply line come with it.
    Tls(Vec<u8>),
}

/// The watch over one connection's dialogue.
#[derive(Debug)]
pub struct Starttls {
    dialect: Dialect,
    /// The unfinished line of each direction (0: client, 1: server).
    partial: [Vec<u8>; 2],
    /// Bytes seen in each direction.
    seen: [usize; 2],
    /// The client's last command asked for TLS.
    asked: bool,
    /// IMAP: the tag of that command (at most [`MAX_TAG`] bytes).
    tag: Vec<u8>,
}

/// Longest IMAP tag kept.
const MAX_TAG: usize = 64;

impl Starttls {
    /// A watch for `dialect`'s upgrade, from the start of the connection.
    pub fn new(dialect: Dialect) -> Self {
        Starttls {
            dialect,
            partial: [Vec::new(), Vec::new()],
            seen: [0, 0],
            asked: dialect == Dialect::Irc,
            tag: Vec::new(),
        }
    }

    /// Bytes held between chunks.
    pub fn held(&self) -> usize {
        self.partial[0].capacity() + self.partial[1].capacity() + self.tag.capacity()
    }

    /// Reads the next bytes of one direction.
    pub fn feed(&mut self, from_client: bool, data: &[u8]) -> Step {
        let d = usize::from(!from_client);
        self.seen[d] = self.seen[d].saturating_add(data.len());
        let step = match self.dialect {
            Dialect::Mysql if from_client => Some(self.mysql_response(data)),
            Dialect::Mysql => None,
            Dialect::Rdp if from_client => None,
            Dialect::Rdp => Some(self.rdp_confirm(data)),
            Dialect::Xmpp => self
                .xmpp(from_client, data)
                .map(|rest| Step::Tls(rest.to_vec())),
            _ => self.lines(from_client, data),
        };
        if let Some(step) = step {
            return step;
        }
        if self.seen[d] > WATCHED_BYTES {
            // Also after a STARTTLS that no reply line answered: the watch stays bounded.
            return Step::GiveUp;
        }
        Step::More
    }

    /// The line-based dialects: each complete line of the direction, a command from the
    /// client or a reply from the server; the server bytes after a go-ahead start TLS.
    fn lines(&mut self, from_client: bool, data: &[u8]) -> Option<Step> {
        let d = usize::from(!from_client);
        let mut rest = data;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let (piece, after) = rest.split_at(end + 1);
            rest = after;
            let mut line = std::mem::take(&mut self.partial[d]);
            line.extend_from_slice(&piece[..piece.len().min(MAX_LINE)]);
            let text = trim_line(&line);
            if from_client {
                self.asked = self.asks_for_tls(text);
            } else if self.asked {
                match self.reply(text) {
                    Reply::GoAhead => return Some(Step::Tls(rest.to_vec())),
                    Reply::Refused => self.asked = false,
                    Reply::Other => {}
                }
            }
            line.clear();
            self.partial[d] = line;
        }
        let room = MAX_LINE.saturating_sub(self.partial[d].len());
        self.partial[d].extend_from_slice(&rest[..rest.len().min(room)]);
        None
    }

    /// XMPP: the client's `<starttls`, then the server's `<proceed …>`; returns the server
    /// bytes after that element. An element cut between chunks is found with the tail of
    /// the previous chunk (kept in `partial`).
    fn xmpp<'a>(&mut self, from_client: bool, data: &'a [u8]) -> Option<&'a [u8]> {
        let d = usize::from(!from_client);
        let tail = std::mem::take(&mut self.partial[d]);
        let kept = tail.len();
        let mut window = tail;
        window.extend_from_slice(data);
        let mut found = None;
        if from_client {
            if find_ci(&window, b"<starttls").is_some() {
                self.asked = true;
            }
        } else if self.asked
            && let Some(at) = find_ci(&window, b"<proceed")
            && let Some(close) = window[at..].iter().position(|&b| b == b'>')
        {
            // The element ends at its `>` (`<proceed xmlns='…'/>`).
            let end = at + close + 1;
            found = Some(&data[end.saturating_sub(kept).min(data.len())..]);
        } else if self.asked && find_ci(&window, b"<failure").is_some() {
            self.asked = false;
        }
        // Keep the end of the window for an element cut in two.
        let keep = window.len().saturating_sub(MAX_LINE);
        window.drain(..keep);
        self.partial[d] = window;
        found
    }

    /// MySQL: the client's first packet (sequence 1), its capability flags read from its
    /// first four bytes; TLS starts after it when they ask for it.
    fn mysql_response(&mut self, data: &[u8]) -> Step {
        let head = &mut self.partial[0];
        let want = 8usize.saturating_sub(head.len()).min(data.len());
        head.extend_from_slice(&data[..want]);
        if head.len() < 8 {
            return Step::More;
        }
        let len = u32::from_le_bytes([head[0], head[1], head[2], 0]);
        let caps = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        if head[3] == 1 && len >= 4 && caps & MYSQL_CLIENT_SSL != 0 {
            // What the client sends after the request is TLS: hand it on with the server's
            // side empty (the stream is recognised afresh from its next bytes).
            Step::Tls(Vec::new())
        } else {
            Step::GiveUp
        }
    }

    /// RDP: the server's first TPKT, an X.224 Connection Confirm; TLS (or CredSSP, which
    /// is TLS first) follows it when its negotiation response selects a protocol other than
    /// standard RDP security (MS-RDPBCGR 2.2.1.2.1).
    fn rdp_confirm(&mut self, data: &[u8]) -> Step {
        const NEEDED: usize = 19;
        let head = &mut self.partial[1];
        let kept = head.len();
        let want = NEEDED.saturating_sub(kept).min(data.len());
        head.extend_from_slice(&data[..want]);
        if head.len() < NEEDED {
            return Step::More;
        }
        let tpkt_len = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let confirm = head[0] == 3 && head[5] == 0xd0 && head[11] == 0x02;
        let selected = u32::from_le_bytes([head[15], head[16], head[17], head[18]]);
        if confirm && selected > 0 && tpkt_len >= NEEDED {
            // The server's bytes after its TPKT are TLS.
            let rest = tpkt_len.saturating_sub(kept).min(data.len());
            Step::Tls(data[rest..].to_vec())
        } else {
            Step::GiveUp
        }
    }

    /// What a server line says to the client's request for TLS.
    fn reply(&self, line: &[u8]) -> Reply {
        match self.dialect {
            Dialect::Smtp | Dialect::Ftp if is_final_reply(line) => {
                if line.starts_with(self.go_ahead()) {
                    Reply::GoAhead
                } else {
                    Reply::Refused
                }
            }
            Dialect::Irc => {
                // `[:prefix ]670 …`
                let rest = match line.strip_prefix(b":") {
                    Some(r) => r.splitn(2, |&b| b == b' ').nth(1).unwrap_or_default(),
                    None => line,
                };
                if rest.starts_with(b"670") && rest.get(3).is_none_or(|&b| b == b' ') {
                    Reply::GoAhead
                } else {
                    Reply::Other
                }
            }
            Dialect::Pop3 if line.starts_with(b"+OK") => Reply::GoAhead,
            Dialect::Pop3 if line.starts_with(b"-ERR") => Reply::Refused,
            Dialect::Imap => {
                let mut words = line.split(|&b| b == b' ');
                if words.next() != Some(&self.tag[..]) {
                    return Reply::Other;
                }
                match words.next() {
                    Some(w) if w.eq_ignore_ascii_case(b"OK") => Reply::GoAhead,
                    _ => Reply::Refused,
                }
            }
            _ => Reply::Other,
        }
    }

    /// Whether a client command line asks for TLS.
    fn asks_for_tls(&mut self, line: &[u8]) -> bool {
        match self.dialect {
            Dialect::Smtp => line.eq_ignore_ascii_case(b"STARTTLS"),
            Dialect::Pop3 => line.eq_ignore_ascii_case(b"STLS"),
            Dialect::Imap => {
                let mut words = line.split(|&b| b == b' ');
                let (Some(tag), Some(cmd), None) = (words.next(), words.next(), words.next())
                else {
                    return false;
                };
                let asks = cmd.eq_ignore_ascii_case(b"STARTTLS") && tag.len() <= MAX_TAG;
                if asks {
                    self.tag.clear();
                    self.tag.extend_from_slice(tag);
                }
                asks
            }
            Dialect::Xmpp | Dialect::Mysql | Dialect::Rdp => false,
            Dialect::Irc => true,
            Dialect::Ftp => {
                line.len() >= 8
                    && line[..5].eq_ignore_ascii_case(b"AUTH ")
                    && (line[5..8].eq_ignore_ascii_case(b"TLS")
                        || line[5..8].eq_ignore_ascii_case(b"SSL"))
            }
        }
    }

    /// The reply code that lets TLS start (SMTP and FTP).
    fn go_ahead(&self) -> &'static [u8] {
        match self.dialect {
            Dialect::Ftp => b"234",
            _ => b"220",
        }
    }
}

/// Where `needle` first starts in `hay`, in any case.
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// A line without its CR LF and surrounding blanks.
fn trim_line(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

/// The last line of a reply: three digits and a space (or nothing more).
fn is_final_reply(line: &[u8]) -> bool {
    line.len() >= 3
        && line[..3].iter().all(u8::is_ascii_digit)
        && line.get(3).is_none_or(|&c| c == b' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_starttls_hands_on_after_the_go_ahead() {
        let mut w = Starttls::new(Dialect::Smtp);
        assert_eq!(w.feed(false, b"220 mx ESMTP\r\n"), Step::More);
        assert_eq!(w.feed(true, b"EHLO me\r\n"), Step::More);
        assert_eq!(w.feed(false, b"250-mx\r\n250 STARTTLS\r\n"), Step::More);
        assert_eq!(w.feed(true, b"START"), Step::More);
        assert_eq!(w.feed(true, b"TLS\r\n"), Step::More);
        assert_eq!(
            w.feed(false, b"220 2.0.0 Ready\r\n\x16\x03"),
            Step::Tls(b"\x16\x03".to_vec())
        );
    }

    #[test]
    fn a_refusal_or_another_command_starts_nothing() {
        let mut w = Starttls::new(Dialect::Smtp);
        w.feed(true, b"STARTTLS\r\n");
        assert_eq!(w.feed(false, b"454 TLS not available\r\n"), Step::More);
        assert_eq!(w.feed(false, b"220 hello again\r\n"), Step::More);
        let mut f = Starttls::new(Dialect::Ftp);
        f.feed(true, b"AUTH TLS\r\n");
        assert_eq!(
            f.feed(false, b"234 AUTH TLS OK.\r\n"),
            Step::Tls(Vec::new())
        );
    }

    #[test]
    fn a_long_dialogue_without_upgrade_is_given_up() {
        let mut w = Starttls::new(Dialect::Smtp);
        let body = vec![b'x'; 1000];
        let mut last = Step::More;
        for _ in 0..20 {
            last = w.feed(true, &body);
        }
        assert_eq!(last, Step::GiveUp);
        assert!(w.held() <= 2 * MAX_LINE);
        // A STARTTLS the server never answers with a reply line.
        let mut w = Starttls::new(Dialect::Smtp);
        w.feed(true, b"STARTTLS\r\n");
        let mut last = Step::More;
        for _ in 0..20 {
            last = w.feed(false, &body);
        }
        assert_eq!(last, Step::GiveUp);
    }

    #[test]
    fn pop3_stls_and_imap_starttls_hand_on_after_their_go_ahead() {
        let mut p = Starttls::new(Dialect::Pop3);
        assert_eq!(p.feed(false, b"+OK Dovecot ready.\r\n"), Step::More);
        assert_eq!(p.feed(true, b"CAPA\r\n"), Step::More);
        assert_eq!(p.feed(false, b"+OK\r\nSTLS\r\n.\r\n"), Step::More);
        p.feed(true, b"STLS\r\n");
        assert_eq!(p.feed(false, b"-ERR not now\r\n"), Step::More);
        p.feed(true, b"STLS\r\n");
        assert_eq!(
            p.feed(false, b"+OK Begin TLS negotiation now.\r\n\x16\x03\x03"),
            Step::Tls(b"\x16\x03\x03".to_vec())
        );

        let mut m = Starttls::new(Dialect::Imap);
        m.feed(false, b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
        m.feed(true, b"a1 CAPABILITY\r\n");
        m.feed(false, b"* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n");
        m.feed(true, b"a2 STARTTLS\r\n");
        // Untagged lines and another command's tag are not the answer.
        assert_eq!(m.feed(false, b"* OK still here\r\n"), Step::More);
        assert_eq!(m.feed(false, b"a1 OK late\r\n"), Step::More);
        assert_eq!(
            m.feed(false, b"a2 OK Begin TLS negotiation now\r\n"),
            Step::Tls(Vec::new())
        );
        let mut m = Starttls::new(Dialect::Imap);
        m.feed(true, b"x STARTTLS\r\n");
        assert_eq!(m.feed(false, b"x BAD no\r\n"), Step::More);
        assert_eq!(
            m.feed(false, b"x OK now?\r\n"),
            Step::More,
            "refused before"
        );
    }

    #[test]
    fn xmpp_starttls_is_found_across_chunks() {
        let mut x = Starttls::new(Dialect::Xmpp);
        x.feed(
            true,
            b"<?xml version='1.0'?><stream:stream to='example.com' xmlns='jabber:client'>",
        );
        assert_eq!(
            x.feed(false, b"<stream:features><starttls xmlns="),
            Step::More
        );
        assert_eq!(x.feed(true, b"<start"), Step::More);
        assert_eq!(
            x.feed(true, b"tls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
            Step::More
        );
        assert_eq!(x.feed(false, b"<pro"), Step::More);
        assert_eq!(
            x.feed(
                false,
                b"ceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\x16\x03"
            ),
            Step::Tls(b"\x16\x03".to_vec())
        );
        // A server that refuses.
        let mut x = Starttls::new(Dialect::Xmpp);
        x.feed(true, b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        assert_eq!(
            x.feed(false, b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
            Step::More
        );
        assert_eq!(x.feed(false, b"<proceed/>"), Step::More);
        assert!(x.held() <= 3 * MAX_LINE + MAX_TAG);
    }

    #[test]
    fn irc_starts_tls_at_the_670_reply() {
        // Zeek's irc-starttls.pcap.
        let mut w = Starttls::new(Dialect::Irc);
        assert_eq!(w.feed(true, b"STARTTLS\r\n"), Step::More);
        assert_eq!(
            w.feed(false, b":irc.example 421 x :Unknown\r\n"),
            Step::More
        );
        assert_eq!(
            w.feed(
                false,
                b":irc.joulunet.org 670  :STARTTLS successful, go ahead with TLS handshake\r\n\x16"
            ),
            Step::Tls(b"\x16".to_vec())
        );
        let mut w = Starttls::new(Dialect::Irc);
        assert_eq!(w.feed(false, b"6700 not it\r\n"), Step::More);
        assert_eq!(w.feed(false, b"670 :go\r\n"), Step::Tls(Vec::new()));
    }

    #[test]
    fn mysql_starts_tls_after_an_ssl_request() {
        // The SSLRequest of Zeek's mysql encrypted.pcap: 32 bytes, sequence 1, CLIENT_SSL.
        let mut request = vec![32, 0, 0, 1];
        request.extend(0x000f_aa85u32.to_le_bytes());
        request.extend([0; 28]);
        let mut w = Starttls::new(Dialect::Mysql);
        assert_eq!(w.feed(false, b"J\0\0\0\x0a5.7.19\0"), Step::More);
        assert_eq!(w.feed(true, &request[..5]), Step::More);
        assert_eq!(w.feed(true, &request[5..]), Step::Tls(Vec::new()));
        // A login without SSL: nothing to follow.
        let mut login = vec![60, 0, 0, 1];
        login.extend(0x000f_a285u32.to_le_bytes());
        let mut w = Starttls::new(Dialect::Mysql);
        assert_eq!(w.feed(true, &login), Step::GiveUp);
    }

    #[test]
    fn rdp_starts_tls_when_the_confirm_selects_it() {
        // The X.224 Connection Confirm of Zeek's rdp-to-ssl.pcap: TPKT of 19 bytes, a
        // negotiation response selecting TLS (1); TLS's first bytes follow in the segment.
        let confirm = [
            3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 1, 0, 0, 0,
        ];
        let mut w = Starttls::new(Dialect::Rdp);
        assert_eq!(w.feed(true, b"\x03\x00\x00\x2b\x26\xe0"), Step::More);
        assert_eq!(w.feed(false, &confirm[..7]), Step::More);
        let mut rest = confirm[7..].to_vec();
        rest.extend(b"\x16\x03\x01");
        assert_eq!(w.feed(false, &rest), Step::Tls(b"\x16\x03\x01".to_vec()));
        // Standard RDP security (0): nothing to follow.
        let mut plain = confirm;
        plain[15] = 0;
        assert_eq!(
            Starttls::new(Dialect::Rdp).feed(false, &plain),
            Step::GiveUp
        );
    }
}
