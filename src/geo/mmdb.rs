//! Opening MaxMind DB files for [`super::GeoDb`] and [`super::AsnDb`]: recognising them by
//! their metadata marker, reading them with the `maxminddb` crate, and looking addresses
//! up without ever failing (a record that does not decode is no answer).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::net::IpAddr;
use std::path::Path;

use maxminddb::{MaxMindDbError, Reader};
use serde::Deserialize;

use super::GeoError;

/// Start of the metadata section; its last occurrence ends the data section.
pub(super) const METADATA_MARKER: &[u8] = b"\xAB\xCD\xEFMaxMind.com";

/// The format puts the marker within the last 128 KiB of the file.
const METADATA_MAX: u64 = 128 * 1024;

/// Largest database read into memory (GeoIP2 Enterprise is well below it).
const MAX_FILE: u64 = 2 << 30;

/// A database read into memory.
pub(super) type Mmdb = Reader<Vec<u8>>;

/// Whether the file ends with a MaxMind DB metadata section (reads only its tail).
pub(super) fn is_mmdb(path: &Path) -> Result<bool, GeoError> {
    let io_err = |source| GeoError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    let start = len.saturating_sub(METADATA_MAX);
    file.seek(SeekFrom::Start(start)).map_err(io_err)?;
    let mut tail = Vec::new();
    file.take(METADATA_MAX)
        .read_to_end(&mut tail)
        .map_err(io_err)?;
    Ok(tail
        .windows(METADATA_MARKER.len())
        .any(|w| w == METADATA_MARKER))
}

/// Reads a MaxMind DB file; errors name the file and say what is wrong in one line.
pub(super) fn open(path: &Path) -> Result<Mmdb, GeoError> {
    let shown = || path.display().to_string();
    if !is_mmdb(path)? {
        return Err(GeoError::Mmdb {
            path: shown(),
            reason: "no MaxMind DB metadata marker in its last 128 KiB".into(),
        });
    }
    let size = std::fs::metadata(path)
        .map_err(|source| GeoError::Io {
            path: shown(),
            source,
        })?
        .len();
    if size > MAX_FILE {
        return Err(GeoError::Mmdb {
            path: shown(),
            reason: format!("{size} bytes, more than the 2 GiB this reader accepts"),
        });
    }
    Reader::open_readfile(path).map_err(|e| match e {
        MaxMindDbError::Io(source) => GeoError::Io {
            path: shown(),
            source,
        },
        other => GeoError::Mmdb {
            path: shown(),
            reason: one_line(&other.to_string()),
        },
    })
}

/// The record for `ip`, decoded as `T`; `None` when there is none, when the database
/// cannot hold the address (IPv6 in an IPv4 database) or when the record does not decode.
/// IPv4-mapped IPv6 addresses are looked up as the IPv4 address they carry.
pub(super) fn lookup<'de, T: Deserialize<'de>>(db: &'de Mmdb, ip: IpAddr) -> Option<T> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    db.lookup(ip).ok()?.decode::<T>().ok().flatten()
}

/// The metadata's `database_type`, lower-cased, for kind checks.
pub(super) fn database_type(db: &Mmdb) -> String {
    db.metadata().database_type.to_ascii_lowercase()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
