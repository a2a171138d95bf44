//! Opening one input: a file or stdin, decompressed when its first bytes say gzip or zstd,
//! then checked to be a pcap or pcapng stream before anything else reads it.

use std::fmt;
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes read ahead to recognise compression and capture format. Large enough that the
/// capture parser's first read always holds a whole pcap header or pcapng section header.
const SNIFF_BYTES: usize = 64 * 1024;

/// Where an input comes from, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    /// Standard input, named `-` on the command line.
    Stdin,
    /// A file on disk.
    File(PathBuf),
}

impl InputSpec {
    /// Turns a command-line argument into an input (`-` means stdin).
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::File(PathBuf::from(arg))
        }
    }

    /// Size on disk when known (regular files only), for progress and `captures.file_bytes`.
    pub fn file_size(&self) -> Option<u64> {
        match self {
            InputSpec::Stdin => None,
            InputSpec::File(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
        }
    }
}

impl fmt::Display for InputSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputSpec::Stdin => f.write_str("<stdin>"),
            InputSpec::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// Compression wrapped around a capture, recognised by magic bytes (never by file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain capture bytes.
    None,
    /// gzip (one or several members).
    Gzip,
    /// Zstandard (one or several frames).
    Zstd,
}

impl Compression {
    /// Name stored in `captures.compression`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Container format of the (decompressed) capture stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Legacy libpcap format (any byte order, micro- or nanosecond, or the "modified" variant).
    Pcap,
    /// pcapng.
    Pcapng,
}

impl CaptureFormat {
    /// Name stored in `captures.format`.
    pub fn name(self) -> &'static str {
        match self {
            CaptureFormat::Pcap => "pcap",
            CaptureFormat::Pcapng => "pcapng",
        }
    }
}

/// Why an input could not be opened as a capture. Each variant's message names the input.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be opened or read at all.
    #[error("{input}: {error}")]
    Io {
        /// The input.
        input: String,
        /// The operating system's error (in the message, not chained after it, so that
        /// `{:#}` does not print it twice).
        error: io::Error,
    },
    /// The bytes are not a capture (nor a compressed capture).
    #[error(
        "{input}: not a capture file: {found}; expected pcap, pcapng, or either compressed with gzip or zstd"
    )]
    NotACapture {
        /// The input.
        input: String,
        /// What was found instead.
        found: String,
    },
}

/// Counts bytes as they are read from the raw (possibly compressed) input, for progress bars.
#[derive(Debug, Default, Clone)]
pub struct ReadCounter(Arc<AtomicU64>);

impl ReadCounter {
    /// Bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct Counting<R> {
    inner: R,
    counter: ReadCounter,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Keeps the last I/O error of a reader, because the capture parser only reports that
/// "a read failed" and the user deserves the reason (a corrupt gzip stream, say).
#[derive(Debug, Default, Clone)]
pub struct LastIoError(Arc<Mutex<Option<String>>>);

impl LastIoError {
    /// The message of the last I/O error seen, if any.
    pub fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut e| e.take())
    }
}

struct ErrorTap<R> {
    inner: R,
    last: LastIoError,
}

impl<R: Read> Read for ErrorTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if let Ok(mut slot) = self.last.0.lock() {
                        *slot = Some(e.to_string());
                    }
                    return Err(e);
                }
                Ok(n) => return Ok(n),
            }
        }
    }
}

/// An input opened, decompressed and recognised, ready for the capture parser.
pub struct OpenedInput {
    /// The decompressed byte stream, starting at the capture's first byte.
    pub stream: Box<dyn Read + Send>,
    /// Compression found around the capture.
    pub compression: Compression,
    /// Container format of the capture.
    pub format: CaptureFormat,
    /// Bytes consumed from the raw input so far.
    pub raw_bytes_read: ReadCounter,
    /// The last I/O error met while reading, with its message.
    pub last_io_error: LastIoError,
}

/// Reads up to `SNIFF_BYTES` (fewer only at end of input) so magic numbers can be checked.
fn read_prefix(reader: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    reader.take(SNIFF_BYTES as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// Like [`read_prefix`], but an error after the first bytes is kept for later, so that a
/// corrupt or cut compressed stream still yields the frames before the damage.
fn read_prefix_lenient(reader: &mut dyn Read) -> (Vec<u8>, Option<io::Error>) {
    let mut prefix = vec![0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < SNIFF_BYTES {
        match reader.read(&mut prefix[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                prefix.truncate(filled);
                return (prefix, Some(e));
            }
        }
    }
    prefix.truncate(filled);
    (prefix, None)
}

/// A reader that fails with a stored error: the tail of a stream that broke while its
/// first bytes were being read.
struct Broken {
    kind: io::ErrorKind,
    message: String,
}

impl Read for Broken {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::new(self.kind, self.message.clone()))
    }
}

fn sniff_compression(prefix: &[u8]) -> Compression {
    match prefix {
        [0x1f, 0x8b, ..] => Compression::Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
        _ => Compression::None,
    }
}

/// Recognises a capture by its magic number.
pub fn sniff_format(prefix: &[u8]) -> Option<CaptureFormat> {
    let magic: [u8; 4] = prefix.get(..4)?.try_into().ok()?;
    let le = u32::from_le_bytes(magic);
    match le {
        0x0a0d0d0a => Some(CaptureFormat::Pcapng),
        0xa1b2c3d4 | 0xd4c3b2a1 | 0xa1b23c4d | 0x4d3cb2a1 | 0xa1b2cd34 | 0x34cdb2a1 => {
            Some(CaptureFormat::Pcap)
        }
        _ => None,
    }
}

/// Describes the first bytes of something that is not a capture, for the error message.
fn describe_non_capture(prefix: &[u8]) -> String {
    if prefix.is_empty() {
        return "the input is empty".to_string();
    }
    let head = &prefix[..prefix.len().min(8)];
    let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
    let text: String = head
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    let what = if head.starts_with(b"PK\x03\x04") {
        " (a zip archive)"
    } else if head.starts_with(b"BZh") {
        " (bzip2, not supported: decompress it first)"
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z']) {
        " (xz, not supported: decompress it first)"
    } else if prefix.len() < 4 {
        " (too short to hold a capture header)"
    } else {
        ""
    };
    format!(
        "it starts with bytes {} \"{}\"{}",
        hex.join(" "),
        text,
        what
    )
}

/// Opens an input, peels off compression, and checks the capture format.
pub fn open_input(spec: &InputSpec) -> Result<OpenedInput, OpenError> {
    let name = spec.to_string();
    let io_err = |error: io::Error| OpenError::Io {
        input: name.clone(),
        error,
    };
    let counter = ReadCounter::default();
    let raw: Box<dyn Read + Send> = match spec {
        InputSpec::Stdin => Box::new(io::stdin()),
        InputSpec::File(path) => Box::new(open_file(path).map_err(io_err)?),
    };
    let mut raw: Box<dyn Read + Send> = Box::new(Counting {
        inner: raw,
        counter: counter.clone(),
    });
    let raw_prefix = read_prefix(&mut raw).map_err(io_err)?;
    let compression = sniff_compression(&raw_prefix);
    let rejoined = Cursor::new(raw_prefix).chain(raw);
    let mut decompressed: Box<dyn Read + Send> = match compression {
        Compression::None => Box::new(rejoined),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(
            io::BufReader::with_capacity(256 * 1024, rejoined),
        )),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(rejoined).map_err(io_err)?),
    };
    // Uncompressed input reads its prefix a second time from the rejoined stream: cheap, and
    // one code path for all three cases.
    let (prefix, broken) = read_prefix_lenient(&mut decompressed);
    if let Some(e) = &broken
        && prefix.len() < 4
    {
        return Err(match compression {
            Compression::None => OpenError::Io {
                input: name.clone(),
                error: io::Error::new(e.kind(), e.to_string()),
            },
            c => OpenError::NotACapture {
                input: name.clone(),
                found: format!("its {} stream cannot be decompressed ({e})", c.name()),
            },
        });
    }
    if let Some(e) = broken {
        decompressed = Box::new(Broken {
            kind: e.kind(),
            message: e.to_string(),
        });
    }
    let format = sniff_format(&prefix).ok_or_else(|| OpenError::NotACapture {
        input: name.clone(),
        found: match compression {
            Compression::None => describe_non_capture(&prefix),
            c => format!(
                "{} (inside {} compression)",
                describe_non_capture(&prefix),
                c.name()
            ),
        },
    })?;
    let last_io_error = LastIoError::default();
    Ok(OpenedInput {
        stream: Box::new(ErrorTap {
            inner: Cursor::new(prefix).chain(decompressed),
            last: last_io_error.clone(),
        }),
        compression,
        format,
        raw_bytes_read: counter,
        last_io_error,
    })
}

fn open_file(path: &Path) -> io::Result<File> {
    let file = File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory, not a capture file",
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_every_pcap_magic() {
        for magic in [0xa1b2c3d4u32, 0xa1b23c4d, 0xa1b2cd34] {
            assert_eq!(
                sniff_format(&magic.to_le_bytes()),
                Some(CaptureFormat::Pcap)
            );
            assert_eq!(
                sniff_format(&magic.to_be_bytes()),
                Some(CaptureFormat::Pcap)
            );
        }
        assert_eq!(
            sniff_format(&[0x0a, 0x0d, 0x0d, 0x0a]),
            Some(CaptureFormat::Pcapng)
        );
        assert_eq!(sniff_format(b"<!DOCTYPE html>"), None);
    }

    #[test]
    fn describes_what_was_found_instead() {
        let d = describe_non_capture(b"<!DOCTYPE html>");
        assert!(d.contains("3c 21 44 4f"), "{d}");
        assert!(d.contains("<!DOCTYP"), "{d}");
        assert_eq!(describe_non_capture(b""), "the input is empty");
    }
}
