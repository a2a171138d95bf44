//! Text-protocol greetings: SMTP, FTP, POP3, IMAP and the start of an XMPP stream.

use super::lines::{contains_ci, first_line, starts_with_ci};

/// How much of a first payload is searched.
const WINDOW: usize = 1024;

/// SMTP: a server greeting `220 ` or `220-` whose first line mentions SMTP (ESMTP
/// included), or a client's `EHLO`/`HELO` command (any case).
///
/// Zeek's DPD needs both sides: a server line `^\s*220[\s-]` (no SMTP word needed)
/// and a client HELO/EHLO at a line start; it also runs on 25/587 by port.
pub fn smtp_greeting(server_first: &[u8]) -> bool {
    let data = server_first.get(..WINDOW).unwrap_or(server_first);
    let line = first_line(data);
    if line.starts_with(b"220 ") || line.starts_with(b"220-") {
        return contains_ci(line, b"SMTP");
    }
    is_command(line, b"EHLO") || is_command(line, b"HELO")
}

/// FTP: a server greeting `220`/`120` (then a space or `-`) whose first line
/// mentions FTP and not SMTP, or a client's `USER ` command (any case).
///
/// Zeek's DPD is stricter: it needs the client's `USER ` and, from the server, a
/// 120/220 line followed by a 230/331 reply; it also runs on 21/2811 by port.
pub fn ftp_greeting(server_first: &[u8]) -> bool {
    let data = server_first.get(..WINDOW).unwrap_or(server_first);
    let line = first_line(data);
    let greeting = [b"220 ", b"220-", b"120 ", b"120-"]
        .iter()
        .any(|p| line.starts_with(&p[..]));
    if greeting {
        return contains_ci(line, b"FTP") && !contains_ci(line, b"SMTP");
    }
    starts_with_ci(line, b"USER ")
}

/// POP3: a server greeting `+OK` (Zeek's DPD signature: `^\+OK` from the server).
pub fn pop3_greeting(server_first: &[u8]) -> bool {
    server_first.starts_with(b"+OK")
}

/// IMAP: a server greeting `* OK` or `* PREAUTH` (RFC 3501 §7.1; Zeek's IMAP analyzer
/// reads it by port 143 and by this greeting).
pub fn imap_greeting(server_first: &[u8]) -> bool {
    let line = first_line(server_first.get(..WINDOW).unwrap_or(server_first));
    starts_with_ci(line, b"* OK") || starts_with_ci(line, b"* PREAUTH")
}

/// XMPP: a stream that opens with an XML declaration or a `<stream:stream` element, from
/// either side, naming the `jabber` namespaces (Zeek's XMPP analyzer runs on 5222 and 5269).
pub fn xmpp_stream(first: &[u8]) -> bool {
    let data = first.get(..WINDOW).unwrap_or(first);
    let start = data.trim_ascii_start();
    (start.starts_with(b"<?xml") || start.starts_with(b"<stream:stream"))
        && contains_ci(data, b"<stream:stream")
        && contains_ci(data, b"jabber")
}

/// Ports Zeek's IRC analyzer is registered for.
const IRC_PORTS: std::ops::RangeInclusive<u16> = 6666..=6669;

/// IRC: a client's `NICK` and `USER` lines (Zeek's DPD signatures `irc_client1`/`2`), or
/// any IRC line on Zeek's IRC ports: a command word from the client, a numeric reply or
/// a `:prefix` from the server.
pub fn irc_start(first: &[u8], from_client: bool, ports: [u16; 2]) -> bool {
    let data = first.get(..WINDOW).unwrap_or(first);
    let lines = || data.split(|&b| b == b'\n').map(|l| l.trim_ascii());
    if from_client
        && lines().any(|l| is_command(l, b"NICK"))
        && lines().any(|l| is_command(l, b"USER"))
    {
        return true;
    }
    if !ports.iter().any(|p| IRC_PORTS.contains(p)) {
        return false;
    }
    let line = first_line(data);
    let complete = data.contains(&b'\n');
    if from_client {
        let word = line.split(|&b| b == b' ').next().unwrap_or_default();
        complete && word.len() >= 3 && word.iter().all(u8::is_ascii_uppercase)
    } else {
        let numeric = line
            .get(..3)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        complete && (line.starts_with(b":") || numeric)
    }
}

/// MySQL: the server's initial handshake packet (protocol version 10), sequence 0, with a
/// printable server version ended by a NUL (Zeek's MySQL analyzer reads it by port 3306).
pub fn mysql_greeting(server_first: &[u8]) -> bool {
    let [l0, l1, l2, 0, 10, rest @ ..] = server_first else {
        return false;
    };
    let len = u32::from_le_bytes([*l0, *l1, *l2, 0]);
    let Some(nul) = rest.iter().take(64).position(|&b| b == 0) else {
        return false;
    };
    (16..=1024).contains(&len)
        && nul > 0
        && rest[..nul].iter().all(|b| b.is_ascii_graphic())
        && rest[0].is_ascii_digit()
}

/// Port Zeek's RDP analyzer is registered for.
const RDP_PORT: u16 = 3389;

/// RDP: a client's X.224 Connection Request in a TPKT, with the `Cookie: mstshash=` of
/// Zeek's DPD signature, or on Zeek's RDP port.
pub fn rdp_request(client_first: &[u8], ports: [u16; 2]) -> bool {
    let request =
        client_first.len() >= 11 && client_first[..2] == [3, 0] && client_first[5] == 0xe0;
    request && (ports.contains(&RDP_PORT) || contains_ci(client_first, b"Cookie: mstshash="))
}

/// `line` is `cmd` alone or followed by a space.
fn is_command(line: &[u8], cmd: &[u8]) -> bool {
    starts_with_ci(line, cmd) && matches!(line.get(cmd.len()), None | Some(b' '))
}
