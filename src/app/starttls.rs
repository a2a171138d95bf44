//! SMTP `STARTTLS` and FTP `AUTH TLS`: a command, the server's go-ahead, then TLS on the same
//! connection, which Zeek hands to its SSL analyzer (conn.log `smtp,ssl`, `ftp,ssl`).
//! Only the command and reply lines are read, from each direction's first bytes.

/// Which protocol's upgrade is watched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SMTP: `STARTTLS`, go-ahead `220`.
    Smtp,
    /// FTP (RFC 4217): `AUTH TLS` or `AUTH SSL`, go-ahead `234`.
    Ftp,
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
}

impl Starttls {
    /// A watch for `dialect`'s upgrade, from the start of the connection.
    pub fn new(dialect: Dialect) -> Self {
        Starttls {
            dialect,
            partial: [Vec::new(), Vec::new()],
            seen: [0, 0],
            asked: false,
        }
    }

    /// Bytes held between chunks.
    pub fn held(&self) -> usize {
        self.partial[0].capacity() + self.partial[1].capacity()
    }

    /// Reads the next bytes of one direction.
    pub fn feed(&mut self, from_client: bool, data: &[u8]) -> Step {
        let d = usize::from(!from_client);
        self.seen[d] = self.seen[d].saturating_add(data.len());
        let mut rest = data;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let (piece, after) = rest.split_at(end + 1);
            rest = after;
            let mut line = std::mem::take(&mut self.partial[d]);
            line.extend_from_slice(&piece[..piece.len().min(MAX_LINE)]);
            let text = trim_line(&line);
            if from_client {
                self.asked = self.asks_for_tls(text);
            } else if self.asked && is_final_reply(text) {
                if text.starts_with(self.go_ahead()) {
                    return Step::Tls(rest.to_vec());
                }
                self.asked = false;
            }
            line.clear();
            self.partial[d] = line;
        }
        let room = MAX_LINE.saturating_sub(self.partial[d].len());
        self.partial[d].extend_from_slice(&rest[..rest.len().min(room)]);
        if self.seen[d] > WATCHED_BYTES {
            // Also after a STARTTLS that no reply line answered: the watch stays bounded.
            return Step::GiveUp;
        }
        Step::More
    }

    /// Whether a client command line asks for TLS.
    fn asks_for_tls(&self, line: &[u8]) -> bool {
        match self.dialect {
            Dialect::Smtp => line.eq_ignore_ascii_case(b"STARTTLS"),
            Dialect::Ftp => {
                line.len() >= 8
                    && line[..5].eq_ignore_ascii_case(b"AUTH ")
                    && (line[5..8].eq_ignore_ascii_case(b"TLS")
                        || line[5..8].eq_ignore_ascii_case(b"SSL"))
            }
        }
    }

    /// The reply code that lets TLS start.
    fn go_ahead(&self) -> &'static [u8] {
        match self.dialect {
            Dialect::Smtp => b"220",
            Dialect::Ftp => b"234",
        }
    }
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
}
