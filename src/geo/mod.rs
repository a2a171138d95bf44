//! Where addresses are: country (GeoIP) and autonomous system (ASN) lookups, and the
//! special-purpose ranges that belong to no country.
//!
//! - [`GeoDb`]: ISO country code from a MaxMind DB file (MaxMind's layout or
//!   ip-location-db's `geo-whois-asn-country`).
//! - [`AsnDb`]: AS number and organisation from an ASN MaxMind DB or from
//!   ip-location-db / iptoasn range files (CSV/TSV).
//! - [`special_kind`]: "private", "loopback", "multicast", … for addresses no database
//!   should place in a country.
//! - [`testdb`] and [`MmdbWriter`]: tiny databases the project writes itself, for tests.
//!
//! Files are read into memory once when opened; lookups take `&self`, never fail and
//! never panic, whatever the files hold.

mod asn;
mod asn_text;
mod country;
mod error;
mod mmdb;
mod mmdb_writer;
mod ranges;
mod special;
pub mod testdb;

#[cfg(test)]
mod tests;

pub use asn::AsnDb;
pub use country::GeoDb;
pub use error::GeoError;
pub use mmdb_writer::{MmdbValue, MmdbWriteError, MmdbWriter};
pub use special::{SPECIAL_KINDS, special_kind};
