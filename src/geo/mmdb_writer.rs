//! A small MaxMind DB (.mmdb) writer, so that tests use databases the project builds
//! itself. It follows the format specification (maxmind.github.io/MaxMind-DB, version
//! 2.0): a binary search tree of 24-, 28- or 32-bit records, 16 zero bytes, the data
//! section, then `\xAB\xCD\xEFMaxMind.com` and the metadata map. Each value is written
//! once, without pointers; IPv4 networks of an IPv6 database sit under `::/96`, where
//! readers look for them.

use std::net::IpAddr;
use std::path::Path;

use super::mmdb::METADATA_MARKER;

/// A value of the data section (the format's types, less pointers and containers).
#[derive(Debug, Clone, PartialEq)]
pub enum MmdbValue {
    /// UTF-8 string (type 2).
    String(String),
    /// IEEE 754 double (type 3).
    Double(f64),
    /// Raw bytes (type 4).
    Bytes(Vec<u8>),
    /// Unsigned 16-bit integer (type 5).
    U16(u16),
    /// Unsigned 32-bit integer (type 6).
    U32(u32),
    /// Map with string keys, in the order given (type 7).
    Map(Vec<(String, MmdbValue)>),
    /// Signed 32-bit integer (type 8).
    I32(i32),
    /// Unsigned 64-bit integer (type 9).
    U64(u64),
    /// Unsigned 128-bit integer (type 10).
    U128(u128),
    /// Array (type 11).
    Array(Vec<MmdbValue>),
    /// Boolean (type 14).
    Bool(bool),
    /// IEEE 754 float (type 15).
    Float(f32),
}

impl MmdbValue {
    /// A map from `(key, value)` pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, MmdbValue)>) -> Self {
        MmdbValue::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A string value.
    pub fn string(s: impl Into<String>) -> Self {
        MmdbValue::String(s.into())
    }
}

/// Why a database could not be written.
#[derive(Debug, thiserror::Error)]
#[error("mmdb writer: {0}")]
pub struct MmdbWriteError(String);

impl MmdbWriteError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        MmdbWriteError(message.into())
    }
}

/// Builds a MaxMind DB in memory. Where inserted networks nest, the more specific one
/// wins whatever the order of insertion; the same network inserted twice keeps the later
/// value.
#[derive(Debug, Clone)]
pub struct MmdbWriter {
    database_type: String,
    description: String,
    ip_version: u16,
    record_size: Option<u16>,
    build_epoch: u64,
    /// (left-aligned tree key, depth in tree bits, index into `values`).
    networks: Vec<(u128, u32, usize)>,
    values: Vec<MmdbValue>,
}

#[derive(Clone, Copy, PartialEq)]
enum Child {
    Empty,
    Node(usize),
    Data(usize),
}

impl MmdbWriter {
    /// An IPv6 database (IPv4 networks go under `::/96`) with this `database_type`.
    pub fn new(database_type: &str) -> Self {
        MmdbWriter {
            database_type: database_type.to_string(),
            description: format!("{database_type} test database written by pcapq"),
            ip_version: 6,
            record_size: None,
            build_epoch: 1_700_000_000,
            networks: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Makes it an IPv4-only database (ip_version 4, a 32-level tree).
    pub fn ipv4_only(mut self) -> Self {
        self.ip_version = 4;
        self
    }

    /// Forces 24-, 28- or 32-bit records instead of the smallest that fits.
    pub fn record_size(mut self, bits: u16) -> Self {
        self.record_size = Some(bits);
        self
    }

    /// Adds `network/prefix_len` with its value.
    pub fn insert(
        &mut self,
        network: IpAddr,
        prefix_len: u8,
        value: MmdbValue,
    ) -> Result<(), MmdbWriteError> {
        let len = u32::from(prefix_len);
        let (key, depth) = match (network, self.ip_version) {
            (IpAddr::V4(v4), 4) if len <= 32 => (u128::from(v4.to_bits()) << 96, len),
            (IpAddr::V4(v4), 6) if len <= 32 => (u128::from(v4.to_bits()), 96 + len),
            (IpAddr::V6(v6), 6) if len <= 128 => (v6.to_bits(), len),
            (IpAddr::V6(_), 4) => {
                return Err(MmdbWriteError(format!(
                    "{network}/{prefix_len}: an IPv6 network in an IPv4-only database"
                )));
            }
            _ => {
                return Err(MmdbWriteError(format!(
                    "{network}/{prefix_len}: prefix length too long"
                )));
            }
        };
        self.values.push(value);
        self.networks.push((key, depth, self.values.len() - 1));
        Ok(())
    }

    /// Adds a network written as text, `"1.1.1.0/24"` or `"2001:db8::/32"`.
    pub fn insert_cidr(&mut self, cidr: &str, value: MmdbValue) -> Result<(), MmdbWriteError> {
        let bad = || MmdbWriteError(format!("{cidr:?} is not ADDRESS/LENGTH"));
        let (addr, len) = cidr.split_once('/').ok_or_else(bad)?;
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let len: u8 = len.parse().map_err(|_| bad())?;
        self.insert(addr, len, value)
    }

    /// Writes the database to `path`.
    pub fn write(&self, path: &Path) -> Result<(), MmdbWriteError> {
        let bytes = self.to_bytes()?;
        std::fs::write(path, bytes).map_err(|e| MmdbWriteError(format!("{}: {e}", path.display())))
    }

    /// The database file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, MmdbWriteError> {
        let nodes = self.build_tree();
        let node_count = nodes.len();

        let mut data = Vec::new();
        let mut offsets = Vec::with_capacity(self.values.len());
        for value in &self.values {
            offsets.push(data.len());
            encode(value, &mut data)?;
        }

        let largest = (node_count + 16 + data.len()) as u64;
        let record_size = match self.record_size {
            Some(bits @ (24 | 28 | 32)) if largest < 1u64 << bits => bits,
            Some(bits) => {
                return Err(MmdbWriteError(format!(
                    "record size {bits} cannot hold {largest} (use 24, 28 or 32)"
                )));
            }
            None => match [24u16, 28, 32].into_iter().find(|b| largest < 1u64 << b) {
                Some(bits) => bits,
                None => return Err(MmdbWriteError("database too large".into())),
            },
        };

        let record = |child: Child| -> u32 {
            let value = match child {
                Child::Empty => node_count,
                Child::Node(n) => n,
                Child::Data(d) => node_count + 16 + offsets.get(d).copied().unwrap_or(0),
            };
            value as u32
        };
        let mut out = Vec::with_capacity(node_count * usize::from(record_size) / 4 + data.len());
        for [left, right] in &nodes {
            let (l, r) = (record(*left), record(*right));
            match record_size {
                24 => {
                    out.extend_from_slice(&l.to_be_bytes()[1..]);
                    out.extend_from_slice(&r.to_be_bytes()[1..]);
                }
                28 => {
                    out.extend_from_slice(&l.to_be_bytes()[1..]);
                    out.push((((l >> 24) & 0x0f) << 4 | ((r >> 24) & 0x0f)) as u8);
                    out.extend_from_slice(&r.to_be_bytes()[1..]);
                }
                _ => {
                    out.extend_from_slice(&l.to_be_bytes());
                    out.extend_from_slice(&r.to_be_bytes());
                }
            }
        }
        out.extend_from_slice(&[0u8; 16]);
        out.extend_from_slice(&data);
        out.extend_from_slice(METADATA_MARKER);
        let metadata = MmdbValue::map([
            ("binary_format_major_version", MmdbValue::U16(2)),
            ("binary_format_minor_version", MmdbValue::U16(0)),
            ("build_epoch", MmdbValue::U64(self.build_epoch)),
            ("database_type", MmdbValue::string(&self.database_type)),
            (
                "description",
                MmdbValue::map([("en", MmdbValue::string(&self.description))]),
            ),
            ("ip_version", MmdbValue::U16(self.ip_version)),
            ("languages", MmdbValue::Array(vec![MmdbValue::string("en")])),
            ("node_count", MmdbValue::U32(node_count as u32)),
            ("record_size", MmdbValue::U16(record_size)),
        ]);
        encode(&metadata, &mut out)?;
        Ok(out)
    }

    /// The search tree; node 0 is the root. Less specific networks go in first, so a
    /// more specific one splits their leaf and overrides its part.
    fn build_tree(&self) -> Vec<[Child; 2]> {
        let mut nodes = vec![[Child::Empty; 2]];
        let mut order: Vec<&(u128, u32, usize)> = self.networks.iter().collect();
        order.sort_by_key(|n| n.1);
        for &(key, depth, value) in order {
            if depth == 0 {
                nodes[0] = [Child::Data(value); 2];
                continue;
            }
            let mut node = 0;
            for i in 0..depth {
                let bit = ((key >> (127 - i)) & 1) as usize;
                let Some(slot) = nodes.get(node).map(|n| n[bit]) else {
                    break;
                };
                if i + 1 == depth {
                    nodes[node][bit] = Child::Data(value);
                    break;
                }
                node = match slot {
                    Child::Node(next) => next,
                    Child::Empty | Child::Data(_) => {
                        // A leaf (or nothing) on the way down: split it in two halves.
                        nodes.push([slot; 2]);
                        let next = nodes.len() - 1;
                        nodes[node][bit] = Child::Node(next);
                        next
                    }
                };
            }
        }
        nodes
    }
}

/// Appends one value in the data section's encoding.
fn encode(value: &MmdbValue, out: &mut Vec<u8>) -> Result<(), MmdbWriteError> {
    match value {
        MmdbValue::String(s) => {
            control(out, 2, s.len())?;
            out.extend_from_slice(s.as_bytes());
        }
        MmdbValue::Double(d) => {
            control(out, 3, 8)?;
            out.extend_from_slice(&d.to_be_bytes());
        }
        MmdbValue::Bytes(b) => {
            control(out, 4, b.len())?;
            out.extend_from_slice(b);
        }
        MmdbValue::U16(n) => unsigned(out, 5, &n.to_be_bytes())?,
        MmdbValue::U32(n) => unsigned(out, 6, &n.to_be_bytes())?,
        MmdbValue::Map(pairs) => {
            control(out, 7, pairs.len())?;
            for (k, v) in pairs {
                encode(&MmdbValue::String(k.clone()), out)?;
                encode(v, out)?;
            }
        }
        MmdbValue::I32(n) => {
            control(out, 8, 4)?;
            out.extend_from_slice(&n.to_be_bytes());
        }
        MmdbValue::U64(n) => unsigned(out, 9, &n.to_be_bytes())?,
        MmdbValue::U128(n) => unsigned(out, 10, &n.to_be_bytes())?,
        MmdbValue::Array(items) => {
            control(out, 11, items.len())?;
            for item in items {
                encode(item, out)?;
            }
        }
        MmdbValue::Bool(b) => control(out, 14, usize::from(*b))?,
        MmdbValue::Float(f) => {
            control(out, 15, 4)?;
            out.extend_from_slice(&f.to_be_bytes());
        }
    }
    Ok(())
}

/// An unsigned integer without its leading zero bytes (zero has no payload at all).
fn unsigned(out: &mut Vec<u8>, type_num: u8, be: &[u8]) -> Result<(), MmdbWriteError> {
    let payload = &be[be.iter().take_while(|&&b| b == 0).count()..];
    control(out, type_num, payload.len())?;
    out.extend_from_slice(payload);
    Ok(())
}

/// The control byte: type in the top 3 bits (0 and a second byte for types above 7),
/// size in the low 5 bits, with 1 to 3 more size bytes for sizes from 29 on.
fn control(out: &mut Vec<u8>, type_num: u8, size: usize) -> Result<(), MmdbWriteError> {
    let (size_bits, extra): (u8, Vec<u8>) = match size {
        0..29 => (size as u8, vec![]),
        29..285 => (29, vec![(size - 29) as u8]),
        285..65_821 => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
        65_821..16_843_037 => (31, ((size - 65_821) as u32).to_be_bytes()[1..].to_vec()),
        _ => {
            return Err(MmdbWriteError(format!(
                "a value of size {size} is too large"
            )));
        }
    };
    if type_num <= 7 {
        out.push(type_num << 5 | size_bits);
    } else {
        out.push(size_bits);
        out.push(type_num - 7);
    }
    out.extend_from_slice(&extra);
    Ok(())
}
