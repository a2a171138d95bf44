//! An SSH connection read as far as Zeek's SSH analyzer reads it before it confirms the
//! protocol: each direction's version line (after any lines a server may send before it),
//! then the unencrypted binary packets of the key exchange, of which only the message code
//! is looked at. Nothing is buffered but a packet's first bytes.
//!
//! As in Zeek (`ssh-protocol.pac`): the two version lines decide the protocol version
//! (`update_version`: 1.99 meets 2 as 2 and 1 as 1; 1 and 2 do not meet); packets are
//! framed by that version (RFC 4253 §6 for SSH 2, the padded packets of SSH 1), so a
//! packet that starts before both version lines agree ends the reading. The protocol is
//! confirmed (`proc_newkeys`) at an SSH 2 NEWKEYS from either side, or at SSH 1's
//! SESSION_KEY. A hole in either direction ends the reading of both (`had_gap`).

/// Message code of SSH 2's NEWKEYS.
const NEWKEYS: u8 = 21;
/// SSH 1's message codes Zeek reads before the encryption starts.
const SSH1_PUBLIC_KEY: u8 = 2;
const SSH1_SESSION_KEY: u8 = 3;
/// Lines looked at for the version line. Zeek reads any number (a server may draw a
/// picture first); only a line's first bytes are kept, so this bounds nothing but time.
const MAX_LINES: u32 = 4096;
/// Largest packet before NEWKEYS believed (RFC 4253 asks implementations to accept 35,000
/// bytes; key exchange messages with post-quantum keys stay far below this).
const MAX_PACKET: u32 = 256 * 1024;

/// The protocol version one side's version line announces (Zeek's `update_version`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Announced {
    /// No version line yet, or one whose version Zeek does not read (`SSH-3.0`).
    #[default]
    Unknown,
    V1,
    /// `SSH-1.99`: either version.
    V199,
    V2,
}

/// The version both sides' lines agree on, as Zeek combines them.
fn agreed(client: Announced, server: Announced) -> Option<u8> {
    use Announced::*;
    match (client, server) {
        (V199, V199) | (V2, V2) | (V199, V2) | (V2, V199) => Some(2),
        (V1, V1) | (V1, V199) | (V199, V1) => Some(1),
        _ => None,
    }
}

/// Where a direction's reading stands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum KeyState {
    /// Still in the version line or the key exchange.
    #[default]
    Reading,
    /// The direction's key exchange is over: what follows is encrypted.
    NewKeys,
    /// Not an SSH stream after all, or a hole: nothing more is read.
    Lost,
}

/// Both directions of a connection, client first.
#[derive(Debug, Default)]
pub struct SshKeys {
    sides: [Side; 2],
    confirmed: bool,
}

impl SshKeys {
    /// Whether Zeek's analyzer would have confirmed SSH.
    pub fn confirmed(&self) -> bool {
        self.confirmed
    }

    /// Whether a direction is still being read.
    pub fn reading(&self) -> bool {
        self.sides.iter().any(|s| s.state == KeyState::Reading)
    }

    /// A hole in the stream: like Zeek's `had_gap`, no direction is read after it.
    pub fn lose(&mut self) {
        for s in &mut self.sides {
            if s.state == KeyState::Reading {
                s.state = KeyState::Lost;
            }
        }
    }

    /// Reads the next bytes of one direction.
    pub fn feed(&mut self, from_client: bool, chunk: &[u8]) -> Fed {
        let mut bytes = chunk;
        let mut fed = Fed::default();
        let (client, server) = self.sides.split_at_mut(1);
        let (side, peer) = if from_client {
            (&mut client[0], &server[0])
        } else {
            (&mut server[0], &client[0])
        };
        let before = self.confirmed;
        while side.state == KeyState::Reading && !bytes.is_empty() {
            if !side.version_done {
                let at = chunk.len() - bytes.len();
                if let Some(len) = side.version_byte(bytes[0]) {
                    fed.version_line = (at + 1).checked_sub(len);
                }
                bytes = &bytes[1..];
                continue;
            }
            if side.skip > 0 {
                let n = usize::try_from(side.skip)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                bytes = &bytes[n..];
                side.skip -= n as u64;
                continue;
            }
            let n = (side.need - side.have).min(bytes.len());
            side.header[side.have..side.have + n].copy_from_slice(&bytes[..n]);
            side.have += n;
            bytes = &bytes[n..];
            if side.have < side.need {
                break;
            }
            let (c, s) = if from_client {
                (side.announced, peer.announced)
            } else {
                (peer.announced, side.announced)
            };
            match side.packet_step(agreed(c, s)) {
                Step::More => {}
                Step::Confirm => self.confirmed = true,
                Step::Stop => break,
            }
        }
        if side.state == KeyState::Lost {
            // Zeek's parser throws, and the violation removes the analyzer.
            self.lose();
        }
        fed.confirmed = self.confirmed && !before;
        fed
    }
}

/// What one call of [`SshKeys::feed`] found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fed {
    /// These bytes confirmed the protocol.
    pub confirmed: bool,
    /// Where the direction's version line starts in these bytes, when it starts there.
    pub version_line: Option<usize>,
}

/// What a packet's first bytes decided.
enum Step {
    More,
    Confirm,
    Stop,
}

/// One direction's reader.
#[derive(Debug, Default)]
struct Side {
    /// The version line has ended.
    version_done: bool,
    /// First bytes of the current line (whether it starts `SSH-`, and its version), and
    /// lines seen.
    line: [u8; 8],
    line_len: usize,
    lines: u32,
    announced: Announced,
    /// The current packet's first bytes: its length, then SSH 2's padding length and
    /// message code, or SSH 1's message code after its padding.
    header: [u8; 6],
    have: usize,
    /// Bytes of `header` wanted before the next decision: 4 at a packet's start, then 6
    /// (SSH 2) or 5 (SSH 1, after its padding).
    need: usize,
    /// Bytes of the current packet still to skip.
    skip: u64,
    state: KeyState,
}

impl Side {
    /// Reads a byte of the lines before the packets; at the end of the version line, its
    /// length.
    fn version_byte(&mut self, b: u8) -> Option<usize> {
        if self.line_len < self.line.len() {
            self.line[self.line_len] = b;
        }
        self.line_len += 1;
        if b != b'\n' {
            return None;
        }
        let mut version_line = None;
        if self.line_len >= 4 && &self.line[..4] == b"SSH-" {
            self.version_done = true;
            version_line = Some(self.line_len);
            self.need = 4;
            let at = |i: usize| (i < self.line_len).then(|| self.line[i]);
            self.announced = match at(4) {
                Some(b'2') => Announced::V2,
                Some(b'1') if at(6) == Some(b'9') && at(7) == Some(b'9') => Announced::V199,
                Some(b'1') => Announced::V1,
                _ => Announced::Unknown,
            };
        } else {
            self.lines += 1;
            if self.lines >= MAX_LINES {
                self.state = KeyState::Lost;
            }
        }
        self.line_len = 0;
        version_line
    }

    /// `header[..need]` is read: frames the packet by the agreed version.
    fn packet_step(&mut self, version: Option<u8>) -> Step {
        let len = u32::from_be_bytes([
            self.header[0],
            self.header[1],
            self.header[2],
            self.header[3],
        ]);
        match version {
            Some(2) if self.need == 4 => {
                self.need = 6;
                Step::More
            }
            Some(2) => {
                self.have = 0;
                self.need = 4;
                if !(5..=MAX_PACKET).contains(&len) {
                    self.stop()
                } else if self.header[5] == NEWKEYS {
                    self.encrypted(Step::Confirm)
                } else {
                    // The length counts the bytes after itself; two are read already.
                    self.skip = u64::from(len) - 2;
                    Step::More
                }
            }
            Some(1) => match self.need {
                4 => {
                    if !(5..=MAX_PACKET).contains(&len) {
                        return self.stop();
                    }
                    // Padding to a multiple of 8, then the message code.
                    self.skip = u64::from(8 - len % 8);
                    self.need = 5;
                    Step::More
                }
                _ => {
                    self.have = 0;
                    self.need = 4;
                    // Zeek reads only these two; the encryption starts after either.
                    match self.header[4] {
                        SSH1_SESSION_KEY => self.encrypted(Step::Confirm),
                        SSH1_PUBLIC_KEY => self.encrypted(Step::More),
                        _ => self.stop(),
                    }
                }
            },
            _ => self.stop(),
        }
    }

    /// The direction's key exchange is over.
    fn encrypted(&mut self, step: Step) -> Step {
        self.state = KeyState::NewKeys;
        step
    }

    /// The packets cannot be framed: reading stops.
    fn stop(&mut self) -> Step {
        self.state = KeyState::Lost;
        Step::Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SSH 2 binary packet with message code `code` and `body` bytes of payload after it.
    fn packet(code: u8, body: usize) -> Vec<u8> {
        let padding = 4u8;
        let len = 1 + 1 + body as u32 + u32::from(padding);
        let mut p = len.to_be_bytes().to_vec();
        p.push(padding);
        p.push(code);
        p.extend(vec![0xab; body + usize::from(padding)]);
        p
    }

    /// An SSH 1 packet: length, padding to a multiple of 8, code, body and CRC.
    fn packet1(code: u8, body: usize) -> Vec<u8> {
        let len = 1 + body as u32 + 4;
        let mut p = len.to_be_bytes().to_vec();
        p.extend(vec![0; 8 - (len % 8) as usize]);
        p.push(code);
        p.extend(vec![0xcd; body + 4]);
        p
    }

    fn server_stream() -> Vec<u8> {
        let mut s = b"a greeting first\r\nSSH-2.0-OpenSSH_9.6\r\n".to_vec();
        s.extend(packet(20, 1000)); // KEXINIT
        s.extend(packet(31, 1200)); // KEX_ECDH_REPLY (a post-quantum key share)
        s.extend(packet(NEWKEYS, 0));
        s.extend(vec![0x5a; 300]); // encrypted
        s
    }

    /// A handshake whose client has sent its version line.
    fn with_client(line: &[u8]) -> SshKeys {
        let mut k = SshKeys::default();
        assert!(!k.feed(true, line).confirmed);
        k
    }

    #[test]
    fn newkeys_is_found_however_the_stream_is_cut() {
        let s = server_stream();
        for step in [1, 3, 5, 6, 7, 100, s.len()] {
            let mut k = with_client(b"SSH-2.0-OpenSSH_9.6\r\n");
            let confirmations = s
                .chunks(step)
                .filter(|c| k.feed(false, c).confirmed)
                .count();
            assert_eq!(confirmations, 1, "{step} bytes at a time");
            assert!(k.confirmed());
        }
    }

    #[test]
    fn a_stream_cut_before_newkeys_says_so() {
        let s = server_stream();
        let mut k = with_client(b"SSH-2.0-x\r\n");
        assert!(!k.feed(false, &s[..s.len() - 320]).confirmed);
        assert!(k.reading());
        k.lose();
        assert!(!k.reading());
        assert!(
            !k.feed(false, &s[s.len() - 320..]).confirmed,
            "nothing is read after a hole"
        );
    }

    #[test]
    fn garbage_after_the_version_line_is_given_up() {
        let mut k = with_client(b"SSH-2.0-x\r\n");
        let mut s = b"SSH-2.0-y\r\n".to_vec();
        s.extend([0xff; 16]);
        assert!(!k.feed(false, &s).confirmed);
        assert!(
            !k.reading(),
            "both directions stop, as Zeek removes its analyzer"
        );
        let mut k = SshKeys::default();
        assert!(!k.feed(false, &b"line\n".repeat(5000)).confirmed);
        assert!(!k.reading());
    }

    #[test]
    fn the_version_line_is_found_after_a_picture() {
        // Zeek's server-pre-banner-data.pcap: a server draws a cow of 25 lines first.
        let mut s = b" ____\r\n< Hi >\r\n".repeat(20);
        let at = s.len();
        s.extend(b"SSH-2.0-OpenSSH_9.2p1\r\n");
        s.extend(packet(NEWKEYS, 0));
        let mut k = with_client(b"SSH-2.0-OpenSSH_9.7\r\n");
        let fed = k.feed(false, &s);
        assert_eq!(fed.version_line, Some(at));
        assert!(fed.confirmed);
    }

    #[test]
    fn one_side_alone_never_confirms() {
        // A half-duplex capture of the server: Zeek never learns the client's version, so
        // it cannot frame the packets (`get_kex_length` of an unknown version).
        let mut k = SshKeys::default();
        assert!(!k.feed(false, &server_stream()).confirmed);
        assert!(!k.confirmed());
        assert!(!k.reading());
    }

    #[test]
    fn versions_agree_as_zeek_combines_them() {
        use Announced::*;
        assert_eq!(agreed(V199, V2), Some(2));
        assert_eq!(agreed(V1, V199), Some(1));
        assert_eq!(agreed(V1, V2), None);
        assert_eq!(agreed(V2, V1), None);
        assert_eq!(agreed(Unknown, V2), None);
        // SSH 1 against SSH 2: no key exchange is read.
        let mut k = with_client(b"SSH-1.5-old\r\n");
        assert!(!k.feed(false, &server_stream()).confirmed);
        assert!(!k.confirmed());
    }

    #[test]
    fn ssh1_confirms_at_the_session_key() {
        // ssh.pcap of Zeek's tests: an SSH-1.5 client meets an SSH-1.99 server; each
        // side's version line comes before the server's public key.
        let server_line = b"SSH-1.99-OpenSSH_6.6.1p1 Ubuntu-2ubuntu2\r\n".to_vec();
        let client_line = b"SSH-1.5-OpenSSH_6.2\n".to_vec();
        let public_key = packet1(SSH1_PUBLIC_KEY, 260);
        let mut session_key = packet1(SSH1_SESSION_KEY, 139);
        session_key.extend(vec![0x77; 40]); // encrypted
        let turns = [
            (false, server_line),
            (true, client_line),
            (false, public_key),
            (true, session_key),
        ];
        for step in [1, 4, 5, 9, 1000] {
            let mut k = SshKeys::default();
            let mut hits = Vec::new();
            for (from_client, bytes) in &turns {
                for c in bytes.chunks(step) {
                    if k.feed(*from_client, c).confirmed {
                        hits.push(*from_client);
                    }
                }
            }
            assert_eq!(
                hits,
                [true],
                "{step} bytes at a time: the session key confirms"
            );
        }
    }
}
