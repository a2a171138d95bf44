//! Why a GeoIP or ASN database could not be used. Every message is one line that starts
//! with the file (and the line, for text range files).

use std::io;

/// An unusable database file.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The database file.
        path: String,
        /// The operating system's error.
        source: io::Error,
    },
    /// The file is not a MaxMind DB the reader accepts.
    #[error("{path}: not a usable MaxMind DB (.mmdb) file: {reason}")]
    Mmdb {
        /// The database file.
        path: String,
        /// What the reader found wrong.
        reason: String,
    },
    /// A valid database of the wrong kind (an ASN database given for countries, …).
    #[error("{path}: {found} database (database_type \"{database_type}\"), not {expected}")]
    WrongKind {
        /// The database file.
        path: String,
        /// What the database holds, in words ("an ASN").
        found: &'static str,
        /// Its metadata's `database_type`.
        database_type: String,
        /// What was asked for ("a country database").
        expected: &'static str,
    },
    /// A line of a CSV/TSV range file is wrong.
    #[error("{path}:{line}: {reason}")]
    Line {
        /// The range file.
        path: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// A range file with no usable range at all.
    #[error("{path}: no address ranges found; expected lines of start_ip,end_ip,asn,org")]
    Empty {
        /// The range file.
        path: String,
    },
}
