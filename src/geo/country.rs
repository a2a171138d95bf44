//! Country of an address from a MaxMind DB file: MaxMind's GeoIP2/GeoLite2 layout
//! (`country.iso_code`) or ip-location-db's `geo-whois-asn-country` layout (a top-level
//! `country_code`).

use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use serde::Deserialize;

use super::mmdb::{self, Mmdb};
use super::{GeoError, special_kind};

/// A country database, read into memory once; lookups borrow it and never fail.
pub struct GeoDb {
    dbs: Vec<Mmdb>,
}

impl fmt::Debug for GeoDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let types: Vec<&str> = self
            .dbs
            .iter()
            .map(|d| d.metadata().database_type.as_str())
            .collect();
        f.debug_struct("GeoDb")
            .field("database_types", &types)
            .finish()
    }
}

/// The fields read from a record; every layout leaves the others out.
#[derive(Deserialize)]
struct CountryRecord<'a> {
    /// ip-location-db: `{"country_code": "AU"}`.
    #[serde(borrow)]
    country_code: Option<&'a str>,
    /// MaxMind: where the address is used.
    #[serde(borrow)]
    country: Option<IsoCode<'a>>,
    /// MaxMind: where the network is registered, for records without `country`
    /// (some anycast and satellite networks).
    #[serde(borrow)]
    registered_country: Option<IsoCode<'a>>,
}

#[derive(Deserialize)]
struct IsoCode<'a> {
    #[serde(borrow)]
    iso_code: Option<&'a str>,
}

impl GeoDb {
    /// Opens one .mmdb file (IPv4, IPv6 or both in one file).
    pub fn open(path: &Path) -> Result<Self, GeoError> {
        Self::open_all(&[path])
    }

    /// Opens several .mmdb files (such as separate IPv4 and IPv6 files); a lookup takes the
    /// first that knows the address.
    pub fn open_all<P: AsRef<Path>>(paths: &[P]) -> Result<Self, GeoError> {
        let mut dbs = Vec::with_capacity(paths.len());
        for path in paths {
            let path = path.as_ref();
            let db = mmdb::open(path)?;
            let kind = mmdb::database_type(&db);
            let names_asn = kind.contains("asn") || kind.contains("isp");
            if names_asn && !kind.contains("country") && !kind.contains("city") {
                return Err(GeoError::WrongKind {
                    path: path.display().to_string(),
                    found: "an ASN",
                    database_type: db.metadata().database_type.clone(),
                    expected: "a country database",
                });
            }
            dbs.push(db);
        }
        Ok(GeoDb { dbs })
    }

    /// ISO 3166-1 alpha-2 code of the country of `ip` (`"AU"`, upper case), or `None`
    /// when no file places it. Special addresses are looked up like any other (the real
    /// ip-location-db file places 2001:2::/48, benchmarking, in JP): a column shown to
    /// users wants [`GeoDb::country_or_kind`]. Codes that are not 2 or 3 ASCII letters
    /// are treated as no answer.
    pub fn country(&self, ip: IpAddr) -> Option<String> {
        self.dbs.iter().find_map(|db| {
            let rec: CountryRecord<'_> = mmdb::lookup(db, ip)?;
            let code = rec
                .country_code
                .or_else(|| rec.country.and_then(|c| c.iso_code))
                .or_else(|| rec.registered_country.and_then(|c| c.iso_code))?;
            plausible_code(code).then(|| code.to_ascii_uppercase())
        })
    }

    /// What a `geo_country(ip)` column shows: the [`special_kind`] of a special address
    /// (`"private"`, `"loopback"`, …), else its country code, else `None`.
    pub fn country_or_kind(&self, ip: IpAddr) -> Option<String> {
        match special_kind(ip) {
            Some(kind) => Some(kind.to_string()),
            None => self.country(ip),
        }
    }
}

/// ISO codes are two letters; a few databases use three-letter placeholders.
fn plausible_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphabetic())
}
