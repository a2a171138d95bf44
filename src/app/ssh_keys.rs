//! One direction of an SSH connection read as far as its NEWKEYS message, where Zeek's SSH
//! analyzer confirms the protocol (`proc_newkeys`, the only confirmation it makes): the
//! version line (after any lines a server may send before it), then the unencrypted
//! binary packets of the key exchange (RFC 4253 §6), of which only the message code is
//! looked at. Nothing is buffered but a packet's first six bytes.

/// Message code of NEWKEYS.
const NEWKEYS: u8 = 21;
/// Lines looked at for the version line.
const MAX_LINES: u32 = 16;
/// Largest packet before NEWKEYS believed (RFC 4253 asks implementations to accept 35,000
/// bytes; key exchange messages with post-quantum keys stay far below this).
const MAX_PACKET: u32 = 256 * 1024;

/// Where the direction's reading stands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Still in the version line or the key exchange.
    #[default]
    Reading,
    /// NEWKEYS was sent: what follows is encrypted.
    NewKeys,
    /// Not an SSH stream after all, or a hole: nothing more is read.
    Lost,
}

/// One direction's reader.
#[derive(Debug, Default)]
pub struct SshKeys {
    /// The version line has ended.
    version_done: bool,
    /// First bytes of the current line (to see whether it starts `SSH-`), and lines seen.
    line: [u8; 4],
    line_len: usize,
    lines: u32,
    /// The current packet's first bytes (length, padding length, message code).
    header: [u8; 6],
    have: usize,
    /// Bytes of the current packet still to skip.
    skip: u64,
    state: KeyState,
}

impl SshKeys {
    /// Where the direction stands.
    pub fn state(&self) -> KeyState {
        self.state
    }

    /// A hole in the stream: packets can no longer be found.
    pub fn lose(&mut self) {
        if self.state == KeyState::Reading {
            self.state = KeyState::Lost;
        }
    }

    /// Reads the next bytes of the direction.
    pub fn feed(&mut self, mut bytes: &[u8]) -> KeyState {
        while self.state == KeyState::Reading && !bytes.is_empty() {
            if !self.version_done {
                self.version_byte(bytes[0]);
                bytes = &bytes[1..];
                continue;
            }
            if self.skip > 0 {
                let n = usize::try_from(self.skip)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                bytes = &bytes[n..];
                self.skip -= n as u64;
                continue;
            }
            let n = (self.header.len() - self.have).min(bytes.len());
            self.header[self.have..self.have + n].copy_from_slice(&bytes[..n]);
            self.have += n;
            bytes = &bytes[n..];
            if self.have < self.header.len() {
                break;
            }
            self.have = 0;
            let len = u32::from_be_bytes([
                self.header[0],
                self.header[1],
                self.header[2],
                self.header[3],
            ]);
            if !(5..=MAX_PACKET).contains(&len) {
                self.state = KeyState::Lost;
            } else if self.header[5] == NEWKEYS {
                self.state = KeyState::NewKeys;
            } else {
                // The length counts the bytes after itself; two are read already.
                self.skip = u64::from(len) - 2;
            }
        }
        self.state
    }

    fn version_byte(&mut self, b: u8) {
        if self.line_len < self.line.len() {
            self.line[self.line_len] = b;
        }
        self.line_len += 1;
        if b != b'\n' {
            return;
        }
        if self.line_len >= 4 && &self.line == b"SSH-" {
            self.version_done = true;
        } else {
            self.lines += 1;
            if self.lines >= MAX_LINES {
                self.state = KeyState::Lost;
            }
        }
        self.line_len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary packet with message code `code` and `body` bytes of payload after it.
    fn packet(code: u8, body: usize) -> Vec<u8> {
        let padding = 4u8;
        let len = 1 + 1 + body as u32 + u32::from(padding);
        let mut p = len.to_be_bytes().to_vec();
        p.push(padding);
        p.push(code);
        p.extend(vec![0xab; body + usize::from(padding)]);
        p
    }

    fn stream() -> Vec<u8> {
        let mut s = b"a greeting first\r\nSSH-2.0-OpenSSH_9.6\r\n".to_vec();
        s.extend(packet(20, 1000)); // KEXINIT
        s.extend(packet(30, 1200)); // KEX_ECDH_INIT (a post-quantum key share)
        s.extend(packet(NEWKEYS, 0));
        s.extend(vec![0x5a; 300]); // encrypted
        s
    }

    #[test]
    fn newkeys_is_found_however_the_stream_is_cut() {
        let s = stream();
        for step in [1, 5, 6, 7, 100, s.len()] {
            let mut k = SshKeys::default();
            let mut last = KeyState::Reading;
            for chunk in s.chunks(step) {
                last = k.feed(chunk);
            }
            assert_eq!(last, KeyState::NewKeys, "{step} bytes at a time");
        }
    }

    #[test]
    fn a_stream_cut_before_newkeys_says_so() {
        let s = stream();
        let mut k = SshKeys::default();
        assert_eq!(k.feed(&s[..s.len() - 320]), KeyState::Reading);
        k.lose();
        assert_eq!(k.state(), KeyState::Lost);
    }

    #[test]
    fn garbage_after_the_version_line_is_given_up() {
        let mut k = SshKeys::default();
        let mut s = b"SSH-2.0-x\r\n".to_vec();
        s.extend([0xff; 16]);
        assert_eq!(k.feed(&s), KeyState::Lost);
        let mut k = SshKeys::default();
        assert_eq!(k.feed(&b"line\n".repeat(20)), KeyState::Lost);
    }
}
