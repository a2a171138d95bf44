//! The Crypto-PAn key file: exactly 32 raw bytes, as the reference implementation takes
//! them (the first 16 are the AES-128 key, the last 16 are encrypted into the pad).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Length of a Crypto-PAn key in bytes: 16 for the AES-128 key, 16 for the pad.
pub const KEY_LEN: usize = 32;

/// Why a key file could not be used. Each message is one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read the Crypto-PAn key file: {source}")]
    Io {
        /// The key file.
        path: String,
        /// The operating system's error.
        source: io::Error,
    },
    /// The file does not hold exactly 32 bytes.
    #[error(
        "{path}: a Crypto-PAn key file holds exactly 32 raw bytes (16 for the AES key, 16 for the pad), this one has {found}; make one with `head -c 32 /dev/urandom > KEYFILE`"
    )]
    Length {
        /// The key file.
        path: String,
        /// How many bytes it has, in words ("31 bytes", "more than 32 bytes").
        found: String,
    },
}

/// Reads a key file, never more than 33 bytes of it (a huge file or a device is refused
/// without being read whole).
pub(super) fn read_key_file(path: &Path) -> Result<[u8; KEY_LEN], KeyError> {
    let io_err = |source| KeyError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let mut buf = Vec::with_capacity(KEY_LEN + 1);
    file.take(KEY_LEN as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(io_err)?;
    match <[u8; KEY_LEN]>::try_from(buf.as_slice()) {
        Ok(key) => Ok(key),
        Err(_) => Err(KeyError::Length {
            path: path.display().to_string(),
            found: found_words(path, buf.len()),
        }),
    }
}

/// "N bytes" for a short file, the real size of a long regular file, else "more than 32".
fn found_words(path: &Path, read: usize) -> String {
    if read <= KEY_LEN {
        return format!("{read} bytes");
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() > KEY_LEN as u64 => format!("{} bytes", m.len()),
        _ => format!("more than {KEY_LEN} bytes"),
    }
}
