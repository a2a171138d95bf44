//! SSH version banners (RFC 4253 section 4.2), as Zeek's ssh.log `client`/`server`.

use super::super::dns::zeek_escape;
use super::lines::first_line;

/// Longest banner line accepted, CR/LF excluded (RFC 4253 allows 255 with them).
pub const MAX_BANNER: usize = 255;
/// Lines a server may send before its banner that [`ssh_server_banner`] skips.
const MAX_PRE_BANNER_LINES: usize = 16;

/// The banner of a client (or of a server whose first line is the banner): the first
/// line without CR/LF when it starts with `SSH-1.` or `SSH-2.` (so `SSH-1.99-` too)
/// and is at most [`MAX_BANNER`] bytes; escaped as Zeek logs it.
///
/// Zeek's parser wants an exact `SSH-` (its DPD signature allows any case and then
/// the parse of a lower-case `ssh-` fails, so no banner is logged either).
pub fn ssh_banner(first_line_bytes: &[u8]) -> Option<String> {
    let window = first_line_bytes
        .get(..MAX_BANNER + 1)
        .unwrap_or(first_line_bytes);
    let line = first_line(window);
    let ok =
        line.len() <= MAX_BANNER && (line.starts_with(b"SSH-1.") || line.starts_with(b"SSH-2."));
    ok.then(|| zeek_escape(line))
}

/// A server's banner: like Zeek, lines before the first line starting `SSH-` are
/// skipped (at most 16 lines within the first 4 KiB are looked at).
pub fn ssh_server_banner(server_first: &[u8]) -> Option<String> {
    let window = server_first.get(..4096).unwrap_or(server_first);
    let mut rest = window;
    for _ in 0..MAX_PRE_BANNER_LINES {
        let line = first_line(rest);
        if line.starts_with(b"SSH-") {
            return ssh_banner(line);
        }
        let next = rest.iter().position(|&b| b == b'\n')?;
        rest = rest.get(next + 1..)?;
    }
    None
}
