//! AS number and organisation of an address, from an ASN MaxMind DB
//! (`autonomous_system_number`, `autonomous_system_organization`: GeoLite2-ASN and
//! compatible) or from text range files (see `asn_text`). The kind of each file is
//! recognised from its bytes, not its name.

use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::net::IpAddr;
use std::path::Path;

use serde::Deserialize;

use super::GeoError;
use super::asn_text::read_ranges;
use super::mmdb::{self, Mmdb};
use super::ranges::{RangeBuilder, RangeTable};

/// An ASN database built from one or more files; lookups never fail.
pub struct AsnDb {
    /// The text range files, merged into one table (absent if there were none).
    ranges: Option<RangeTable>,
    /// The MaxMind DB files, asked after the ranges, in the order given.
    mmdbs: Vec<Mmdb>,
}

impl fmt::Debug for AsnDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let types: Vec<&str> = self
            .mmdbs
            .iter()
            .map(|d| d.metadata().database_type.as_str())
            .collect();
        f.debug_struct("AsnDb")
            .field(
                "range_segments",
                &self.ranges.as_ref().map_or(0, RangeTable::len),
            )
            .field("mmdb_types", &types)
            .finish()
    }
}

#[derive(Deserialize)]
struct AsnRecord<'a> {
    autonomous_system_number: Option<u32>,
    #[serde(borrow)]
    autonomous_system_organization: Option<&'a str>,
}

impl AsnDb {
    /// Opens one file: an ASN .mmdb, or a CSV/TSV range file with IPv4 and/or IPv6 lines.
    pub fn open(path: &Path) -> Result<Self, GeoError> {
        Self::open_all(&[path])
    }

    /// Opens several files, such as ip-location-db's `asn-ipv4.csv` and `asn-ipv6.csv`.
    /// The ranges of all text files form one table (where they overlap, the range that
    /// starts later wins).
    pub fn open_all<P: AsRef<Path>>(paths: &[P]) -> Result<Self, GeoError> {
        let mut builder = RangeBuilder::default();
        let mut text_files = 0;
        let mut mmdbs = Vec::new();
        for path in paths {
            let path = path.as_ref();
            if mmdb::is_mmdb(path)? {
                mmdbs.push(open_asn_mmdb(path)?);
            } else {
                let file = File::open(path).map_err(|source| GeoError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                read_ranges(path, BufReader::new(file), &mut builder)?;
                text_files += 1;
            }
        }
        let ranges = (text_files > 0).then(|| builder.finish());
        Ok(AsnDb { ranges, mmdbs })
    }

    /// AS number and organisation (`""` when the file names none) of the network holding
    /// `ip`, or `None` when no file covers it.
    pub fn lookup(&self, ip: IpAddr) -> Option<(u32, String)> {
        if let Some((asn, org)) = self.ranges.as_ref().and_then(|r| r.lookup(ip)) {
            return Some((asn, org.to_string()));
        }
        self.mmdbs.iter().find_map(|db| {
            let rec: AsnRecord<'_> = mmdb::lookup(db, ip)?;
            let asn = rec.autonomous_system_number?;
            let org = rec.autonomous_system_organization.unwrap_or("");
            Some((asn, org.to_string()))
        })
    }
}

fn open_asn_mmdb(path: &Path) -> Result<Mmdb, GeoError> {
    let db = mmdb::open(path)?;
    let kind = mmdb::database_type(&db);
    let names_asn = kind.contains("asn") || kind.contains("isp");
    let names_geo = kind.contains("country") || kind.contains("city");
    if names_geo && !names_asn {
        return Err(GeoError::WrongKind {
            path: path.display().to_string(),
            found: if kind.contains("city") {
                "a city"
            } else {
                "a country"
            },
            database_type: db.metadata().database_type.clone(),
            expected: "an ASN database",
        });
    }
    Ok(db)
}
