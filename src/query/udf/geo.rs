//! `geo_country(ip)`, `asn(ip)` and `as_org(ip)`: where an address is, from the databases
//! given with `--geoip` and `--asn` (or `PCAPQ_GEOIP` / `PCAPQ_ASN`). They are registered
//! only when their database is given, so a query that needs one without it fails when it
//! is planned, with a message naming the option (see [`missing_database_hint`]).
//!
//! Private and special-purpose addresses answer with their kind ("private", "loopback",
//! "multicast", … see [`crate::geo::SPECIAL_KINDS`]) instead of a country or an
//! organisation, and with a NULL AS number.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringBuilder, UInt32Builder};
use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF, Volatility, create_udf};
use datafusion::prelude::SessionContext;

use super::map1;
use crate::error::user_error;
use crate::geo::{AsnDb, GeoDb, special_kind};

/// The address databases a session may use.
#[derive(Clone, Default)]
pub struct Lookups {
    /// Country database.
    pub geo: Option<Arc<GeoDb>>,
    /// AS number and organisation database.
    pub asn: Option<Arc<AsnDb>>,
}

impl Lookups {
    /// Opens the databases named (none: no lookups).
    pub fn open(geoip: Option<&PathBuf>, asn: &[PathBuf]) -> Result<Self> {
        let geo = match geoip {
            Some(path) => Some(Arc::new(
                GeoDb::open(path).map_err(|e| user_error(format!("--geoip: {e}")))?,
            )),
            None => None,
        };
        let asn = if asn.is_empty() {
            None
        } else {
            Some(Arc::new(
                AsnDb::open_all(asn).map_err(|e| user_error(format!("--asn: {e}")))?,
            ))
        };
        Ok(Lookups { geo, asn })
    }

    /// Registers the functions whose database is present in `ctx`.
    pub fn register(&self, ctx: &SessionContext) {
        if let Some(db) = &self.geo {
            ctx.register_udf(geo_country(Arc::clone(db)));
        }
        if let Some(db) = &self.asn {
            ctx.register_udf(asn_number(Arc::clone(db)));
            ctx.register_udf(as_org(Arc::clone(db)));
        }
    }
}

/// What to pass to get `function` (`geo_country`, `asn`, `as_org`), when it is one of these.
pub fn database_needed(function: &str) -> Option<&'static str> {
    match function {
        "geo_country" => Some(
            "geo_country() needs a country database: pass --geoip FILE.mmdb or set \
             PCAPQ_GEOIP; `make geoip` installs a free one",
        ),
        "asn" | "as_org" => Some(
            "asn() and as_org() need an ASN database: pass --asn FILE (.mmdb or \
             ip-location-db CSV) or set PCAPQ_ASN; `make geoip` installs a free one",
        ),
        _ => None,
    }
}

/// For a planning error about one of these functions (DataFusion's "Invalid function
/// 'geo_country'"), what to pass to get it.
pub fn missing_database_hint(message: &str) -> Option<&'static str> {
    let lower = message.to_ascii_lowercase();
    if !lower.contains("invalid function") {
        return None;
    }
    ["geo_country", "as_org", "asn"]
        .into_iter()
        .find(|f| lower.contains(&format!("'{f}'")))
        .and_then(database_needed)
}

fn parse(ip: &str) -> Option<IpAddr> {
    ip.parse().ok()
}

/// A text function of one address, NULL where `lookup` has no answer.
fn text_of_ip(
    name: &str,
    lookup: impl Fn(IpAddr) -> Option<String> + Send + Sync + 'static,
) -> ScalarUDF {
    create_udf(
        name,
        vec![DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(move |args: &[ColumnarValue]| {
            map1(args, |ips| {
                let ips = ips.as_string::<i32>();
                let mut out = StringBuilder::with_capacity(ips.len(), ips.len() * 8);
                for ip in ips.iter() {
                    out.append_option(ip.and_then(parse).and_then(&lookup));
                }
                Arc::new(out.finish()) as ArrayRef
            })
        }),
    )
}

fn geo_country(db: Arc<GeoDb>) -> ScalarUDF {
    text_of_ip("geo_country", move |ip| db.country_or_kind(ip))
}

fn as_org(db: Arc<AsnDb>) -> ScalarUDF {
    text_of_ip("as_org", move |ip| match special_kind(ip) {
        Some(kind) => Some(kind.to_string()),
        None => db.lookup(ip).map(|(_, org)| org),
    })
}

fn asn_number(db: Arc<AsnDb>) -> ScalarUDF {
    create_udf(
        "asn",
        vec![DataType::Utf8],
        DataType::UInt32,
        Volatility::Immutable,
        Arc::new(move |args: &[ColumnarValue]| {
            map1(args, |ips| {
                let ips = ips.as_string::<i32>();
                let mut out = UInt32Builder::with_capacity(ips.len());
                for ip in ips.iter() {
                    let ip = ip.and_then(parse).filter(|ip| special_kind(*ip).is_none());
                    out.append_option(ip.and_then(|ip| db.lookup(ip)).map(|(n, _)| n));
                }
                Arc::new(out.finish()) as ArrayRef
            })
        }),
    )
}
