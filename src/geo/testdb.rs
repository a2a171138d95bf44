//! Tiny country and ASN databases for tests, written by the project itself with
//! [`MmdbWriter`]: a handful of IPv4 and IPv6 networks in the layouts of the real files.
//! Unit tests, integration tests and `examples/make_testdb.rs` all use these functions.

use std::fmt::Write as _;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use super::mmdb_writer::{MmdbValue, MmdbWriteError, MmdbWriter};

/// Networks and their countries in the sample country databases. 62.1.0.0/16 inside
/// 62.0.0.0/8 checks that the more specific network wins.
pub const COUNTRIES: [(&str, &str); 10] = [
    ("1.1.1.0/24", "AU"),
    ("8.8.8.0/24", "US"),
    ("62.0.0.0/8", "DE"),
    ("62.1.0.0/16", "FR"),
    ("81.2.69.0/24", "GB"),
    ("89.160.20.0/24", "SE"),
    ("175.16.199.0/24", "CN"),
    ("2001:4860::/32", "US"),
    ("2001:218::/32", "JP"),
    ("2a02:ff0::/32", "IT"),
];

/// Networks, AS numbers and organisations in the sample ASN databases (a comma and
/// quotes in the names exercise CSV quoting, 4200000000 a 32-bit AS number).
pub const ASNS: [(&str, u32, &str); 9] = [
    ("1.1.1.0/24", 13335, "Cloudflare, Inc."),
    ("8.8.8.0/24", 15169, "Google LLC"),
    ("62.1.0.0/16", 3215, "Orange S.A."),
    ("81.2.69.0/24", 20712, "Andrews & Arnold Ltd"),
    ("89.160.20.0/24", 29518, "Bredband2 AB"),
    ("185.0.0.0/24", 4_200_000_000, "LLC \"Example\""),
    ("2001:4860::/32", 15169, "Google LLC"),
    ("2606:4700::/32", 13335, "Cloudflare, Inc."),
    ("2001:218::/32", 2914, "NTT America, Inc."),
];

/// The two record layouts of country databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryLayout {
    /// ip-location-db `geo-whois-asn-country`: `{"country_code": "AU"}`, database_type
    /// `"country ipvAll"`, as the npm package's `geo-whois-asn-country.mmdb`.
    IpLocationDb,
    /// MaxMind GeoIP2/GeoLite2 Country: `{"country": {"iso_code": "AU", "names": {...}},
    /// "registered_country": {...}}`, database_type `"GeoLite2-Country"`.
    MaxMind,
}

/// A country database of `(cidr, iso_code)` entries in `layout`.
pub fn country_db(
    entries: &[(&str, &str)],
    layout: CountryLayout,
) -> Result<MmdbWriter, MmdbWriteError> {
    let mut w = MmdbWriter::new(match layout {
        CountryLayout::IpLocationDb => "country ipvAll",
        CountryLayout::MaxMind => "GeoLite2-Country",
    });
    for (cidr, code) in entries {
        let value = match layout {
            CountryLayout::IpLocationDb => {
                MmdbValue::map([("country_code", MmdbValue::string(*code))])
            }
            CountryLayout::MaxMind => {
                let country = MmdbValue::map([
                    ("iso_code", MmdbValue::string(*code)),
                    (
                        "names",
                        MmdbValue::map([("en", MmdbValue::string(format!("Country {code}")))]),
                    ),
                ]);
                MmdbValue::map([
                    ("country", country.clone()),
                    ("registered_country", country),
                ])
            }
        };
        w.insert_cidr(cidr, value)?;
    }
    Ok(w)
}

/// An ASN database (GeoLite2-ASN layout) of `(cidr, asn, org)` entries.
pub fn asn_db(entries: &[(&str, u32, &str)]) -> Result<MmdbWriter, MmdbWriteError> {
    let mut w = MmdbWriter::new("GeoLite2-ASN");
    for (cidr, asn, org) in entries {
        let value = MmdbValue::map([
            ("autonomous_system_number", MmdbValue::U32(*asn)),
            ("autonomous_system_organization", MmdbValue::string(*org)),
        ]);
        w.insert_cidr(cidr, value)?;
    }
    Ok(w)
}

/// The same entries as ip-location-db's CSV: `start_ip,end_ip,asn,org` lines, IPv4 and
/// IPv6 in one text, organisations quoted when they hold a comma or a quote.
pub fn asn_csv(entries: &[(&str, u32, &str)]) -> Result<String, MmdbWriteError> {
    let mut out = String::new();
    for (cidr, asn, org) in entries {
        let (start, end) = cidr_range(cidr)?;
        let org = if org.contains([',', '"']) {
            format!("\"{}\"", org.replace('"', "\"\""))
        } else {
            org.to_string()
        };
        let _ = writeln!(out, "{start},{end},{asn},{org}");
    }
    Ok(out)
}

/// First and last address of `"a.b.c.d/len"` or `"x::/len"`.
pub fn cidr_range(cidr: &str) -> Result<(IpAddr, IpAddr), MmdbWriteError> {
    let bad = || MmdbWriteError::new(format!("{cidr:?} is not ADDRESS/LENGTH"));
    let (addr, len) = cidr.split_once('/').ok_or_else(bad)?;
    let len: u32 = len.parse().map_err(|_| bad())?;
    match addr.parse::<IpAddr>().map_err(|_| bad())? {
        IpAddr::V4(a) if len <= 32 => {
            let host = u32::MAX.checked_shr(len).unwrap_or(0);
            let net = a.to_bits() & !host;
            Ok((
                Ipv4Addr::from(net).into(),
                Ipv4Addr::from(net | host).into(),
            ))
        }
        IpAddr::V6(a) if len <= 128 => {
            let host = u128::MAX.checked_shr(len).unwrap_or(0);
            let net = a.to_bits() & !host;
            Ok((
                Ipv6Addr::from(net).into(),
                Ipv6Addr::from(net | host).into(),
            ))
        }
        _ => Err(bad()),
    }
}

/// Writes the sample databases into `dir` (created if missing): `country.mmdb`
/// (ip-location-db layout), `country-maxmind.mmdb` (MaxMind layout), `asn.mmdb` and
/// `asn.csv`, from [`COUNTRIES`] and [`ASNS`]. Returns the paths in that order.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, MmdbWriteError> {
    let io = |p: &Path, e: std::io::Error| MmdbWriteError::new(format!("{}: {e}", p.display()));
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let paths: Vec<PathBuf> = [
        "country.mmdb",
        "country-maxmind.mmdb",
        "asn.mmdb",
        "asn.csv",
    ]
    .iter()
    .map(|name| dir.join(name))
    .collect();
    if let [country, maxmind, asn, csv] = paths.as_slice() {
        country_db(&COUNTRIES, CountryLayout::IpLocationDb)?.write(country)?;
        country_db(&COUNTRIES, CountryLayout::MaxMind)?.write(maxmind)?;
        asn_db(&ASNS)?.write(asn)?;
        fs::write(csv, asn_csv(&ASNS)?).map_err(|e| io(csv, e))?;
    }
    Ok(paths)
}
