//! A capture file's fingerprint, recorded in `captures.file_hash` when it is converted, so
//! that `pcapq export` can tell the file it re-reads is the one the dataset was made from:
//! SHA-256 over the size and the first and last MiB (the whole file when it is smaller).
//! Reading 2 MiB keeps it cheap on any capture; a change that keeps the size and both
//! ends is not seen (the export then still writes the frames the dataset names).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use sha2::{Digest, Sha256};

/// Bytes read from each end of the file.
const END_BYTES: u64 = 1 << 20;

/// The fingerprint of the file at `path`, lowercase hex.
pub fn file_fingerprint(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut hash = Sha256::new();
    hash.update(size.to_le_bytes());
    let mut buf = Vec::with_capacity(END_BYTES as usize);
    (&mut file).take(END_BYTES).read_to_end(&mut buf)?;
    hash.update(&buf);
    if size > END_BYTES {
        buf.clear();
        file.seek(SeekFrom::Start(
            size.saturating_sub(END_BYTES).max(END_BYTES),
        ))?;
        file.take(END_BYTES).read_to_end(&mut buf)?;
        hash.update(&buf);
    }
    let digest = hash.finalize();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}
