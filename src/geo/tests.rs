//! GeoDb and AsnDb through their public faces, on databases written by `testdb`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::testdb::{self, ASNS, COUNTRIES, CountryLayout, cidr_range};
use super::{AsnDb, GeoDb, GeoError, MmdbValue, MmdbWriter};

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcapq-geo-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// First, last and one-past-the-end address of a network.
fn probes(cidr: &str) -> (IpAddr, IpAddr, Option<IpAddr>) {
    let (first, last) = cidr_range(cidr).unwrap();
    let after = match last {
        IpAddr::V4(a) => a
            .to_bits()
            .checked_add(1)
            .map(|n| IpAddr::from(n.to_be_bytes())),
        IpAddr::V6(a) => a
            .to_bits()
            .checked_add(1)
            .map(|n| IpAddr::from(n.to_be_bytes())),
    };
    (first, last, after)
}

fn expect_country(db: &GeoDb) {
    for (cidr, code) in COUNTRIES {
        let (first, last, _) = probes(cidr);
        if cidr == "62.0.0.0/8" {
            assert_eq!(db.country(first).as_deref(), Some("DE"));
            assert_eq!(db.country(last).as_deref(), Some("DE"));
            continue;
        }
        assert_eq!(db.country(first).as_deref(), Some(code), "{cidr} first");
        assert_eq!(db.country(last).as_deref(), Some(code), "{cidr} last");
    }
    assert_eq!(db.country(ip("62.1.2.3")).as_deref(), Some("FR"));
    assert_eq!(db.country(ip("62.2.0.0")).as_deref(), Some("DE"));
    assert_eq!(db.country(ip("62.0.255.255")).as_deref(), Some("DE"));
    assert_eq!(db.country(ip("1.1.2.0")), None);
    assert_eq!(db.country(ip("8.8.4.4")), None);
    assert_eq!(db.country(ip("2001:4861::1")), None);
    assert_eq!(db.country(ip("::ffff:8.8.8.8")).as_deref(), Some("US"));
    assert_eq!(db.country(ip("10.1.2.3")), None);
    assert_eq!(
        db.country_or_kind(ip("10.1.2.3")).as_deref(),
        Some("private")
    );
    assert_eq!(
        db.country_or_kind(ip("ff02::1")).as_deref(),
        Some("multicast")
    );
    assert_eq!(db.country_or_kind(ip("8.8.8.8")).as_deref(), Some("US"));
    assert_eq!(db.country_or_kind(ip("9.9.9.9")), None);
}

#[test]
fn country_both_layouts_read_back() {
    let dir = scratch("country");
    let paths = testdb::write_all(&dir).unwrap();
    assert!(paths.iter().all(|p| p.exists()));
    expect_country(&GeoDb::open(&dir.join("country.mmdb")).unwrap());
    expect_country(&GeoDb::open(&dir.join("country-maxmind.mmdb")).unwrap());
}

#[test]
fn every_record_size_and_an_ipv4_only_tree() {
    let dir = scratch("record-sizes");
    for bits in [24, 28, 32] {
        let path = dir.join(format!("c{bits}.mmdb"));
        testdb::country_db(&COUNTRIES, CountryLayout::MaxMind)
            .unwrap()
            .record_size(bits)
            .write(&path)
            .unwrap();
        expect_country(&GeoDb::open(&path).unwrap());
    }
    let v4: Vec<(&str, &str)> = COUNTRIES
        .into_iter()
        .filter(|c| !c.0.contains(':'))
        .collect();
    let mut w = MmdbWriter::new("country ipv4").ipv4_only();
    for (cidr, code) in &v4 {
        w.insert_cidr(
            cidr,
            MmdbValue::map([("country_code", MmdbValue::string(*code))]),
        )
        .unwrap();
    }
    let path = dir.join("v4.mmdb");
    w.write(&path).unwrap();
    let db = GeoDb::open(&path).unwrap();
    assert_eq!(db.country(ip("175.16.199.1")).as_deref(), Some("CN"));
    assert_eq!(db.country(ip("::ffff:175.16.199.1")).as_deref(), Some("CN"));
    assert_eq!(db.country(ip("2001:4860::1")), None);
    // A second file for IPv6, as the npm package also ships them split.
    let v6 = dir.join("c24.mmdb");
    let both = GeoDb::open_all(&[&path, &v6]).unwrap();
    assert_eq!(both.country(ip("2001:218::1")).as_deref(), Some("JP"));
    assert_eq!(both.country(ip("62.1.0.1")).as_deref(), Some("FR"));
}

/// A special address in the database still shows as special through `country_or_kind`.
#[test]
fn special_addresses_win_over_the_database() {
    let dir = scratch("special");
    let path = dir.join("zz.mmdb");
    testdb::country_db(
        &[("10.0.0.0/8", "ZZ"), ("0.0.0.0/0", "XX")],
        CountryLayout::IpLocationDb,
    )
    .unwrap()
    .write(&path)
    .unwrap();
    let db = GeoDb::open(&path).unwrap();
    assert_eq!(db.country(ip("10.0.0.1")).as_deref(), Some("ZZ"));
    assert_eq!(
        db.country_or_kind(ip("10.0.0.1")).as_deref(),
        Some("private")
    );
    assert_eq!(db.country_or_kind(ip("11.0.0.1")).as_deref(), Some("XX"));
}

#[test]
fn implausible_codes_are_no_answer() {
    let dir = scratch("codes");
    let path = dir.join("odd.mmdb");
    let mut w = MmdbWriter::new("GeoLite2-Country");
    w.insert_cidr(
        "1.0.0.0/8",
        MmdbValue::map([("country_code", MmdbValue::string("<b>x</b>"))]),
    )
    .unwrap();
    w.insert_cidr(
        "2.0.0.0/8",
        MmdbValue::map([("country_code", MmdbValue::U32(7))]),
    )
    .unwrap();
    w.insert_cidr(
        "3.0.0.0/8",
        MmdbValue::map([("country_code", MmdbValue::string("nz"))]),
    )
    .unwrap();
    w.insert_cidr("4.0.0.0/8", MmdbValue::string("US")).unwrap();
    w.write(&path).unwrap();
    let db = GeoDb::open(&path).unwrap();
    assert_eq!(db.country(ip("1.2.3.4")), None);
    assert_eq!(db.country(ip("2.2.3.4")), None);
    assert_eq!(db.country(ip("3.2.3.4")).as_deref(), Some("NZ"));
    assert_eq!(db.country(ip("4.2.3.4")), None);
}

fn expect_asn(db: &AsnDb) {
    for (cidr, asn, org) in ASNS {
        let (first, last, after) = probes(cidr);
        let want = Some((asn, org.to_string()));
        assert_eq!(db.lookup(first), want, "{cidr} first");
        assert_eq!(db.lookup(last), want, "{cidr} last");
        if let Some(after) = after {
            assert_eq!(db.lookup(after), None, "{cidr} after");
        }
    }
    assert_eq!(db.lookup(ip("::ffff:1.1.1.1")).map(|a| a.0), Some(13335));
    assert_eq!(db.lookup(ip("9.9.9.9")), None);
    assert_eq!(db.lookup(ip("::1")), None);
}

#[test]
fn asn_from_mmdb_and_from_csv_agree() {
    let dir = scratch("asn");
    testdb::write_all(&dir).unwrap();
    expect_asn(&AsnDb::open(&dir.join("asn.mmdb")).unwrap());
    let from_csv = AsnDb::open(&dir.join("asn.csv")).unwrap();
    expect_asn(&from_csv);
    assert_eq!(
        format!("{from_csv:?}"),
        "AsnDb { range_segments: 9, mmdb_types: [] }"
    );
    let csv = std::fs::read_to_string(dir.join("asn.csv")).unwrap();
    assert!(
        csv.contains("1.1.1.0,1.1.1.255,13335,\"Cloudflare, Inc.\"\n"),
        "{csv}"
    );
    assert!(
        csv.contains(",4200000000,\"LLC \"\"Example\"\"\"\n"),
        "{csv}"
    );
}

/// ip-location-db ships IPv4 and IPv6 in two files; iptoasn ships TSV; both at once work.
#[test]
fn asn_from_several_files_and_formats() {
    let dir = scratch("asn-split");
    let csv = testdb::asn_csv(&ASNS).unwrap();
    let (v6, v4): (Vec<&str>, Vec<&str>) = csv.lines().partition(|l| l.contains(':'));
    let (p4, p6) = (dir.join("asn-ipv4.csv"), dir.join("asn-ipv6.csv"));
    std::fs::write(&p4, v4.join("\n")).unwrap();
    std::fs::write(&p6, v6.join("\r\n") + "\r\n").unwrap();
    expect_asn(&AsnDb::open_all(&[&p4, &p6]).unwrap());
    let only4 = AsnDb::open(&p4).unwrap();
    assert_eq!(only4.lookup(ip("2001:4860::1")), None);

    let tsv = dir.join("ip2asn-combined.tsv");
    std::fs::write(
        &tsv,
        "0.0.0.0\t0.255.255.255\t0\tNone\tNot routed\n1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n",
    )
    .unwrap();
    let mmdb = dir.join("asn.mmdb");
    testdb::asn_db(&[("2.0.0.0/8", 3215, "Orange")])
        .unwrap()
        .write(&mmdb)
        .unwrap();
    let mixed = AsnDb::open_all(&[&tsv, &mmdb]).unwrap();
    assert_eq!(
        mixed.lookup(ip("1.0.0.7")),
        Some((13335, "CLOUDFLARENET".into()))
    );
    assert_eq!(mixed.lookup(ip("0.1.2.3")), None);
    assert_eq!(mixed.lookup(ip("2.3.4.5")), Some((3215, "Orange".into())));
}

/// The one overlap in the real ip-location-db file (lines 399115-399116, DoD).
#[test]
fn overlapping_csv_ranges_later_start_wins() {
    let dir = scratch("overlap");
    let path = dir.join("asn.csv");
    std::fs::write(
        &path,
        "\u{feff}start_ip,end_ip,asn,org\n# comment\n\n\
         214.95.0.0,215.0.255.255,749,United States Department of Defense (DoD)\n\
         215.0.0.0,215.1.3.255,721,DoD Network Information Center\n",
    )
    .unwrap();
    let db = AsnDb::open(&path).unwrap();
    assert_eq!(db.lookup(ip("214.200.0.1")).map(|a| a.0), Some(749));
    assert_eq!(db.lookup(ip("215.0.0.1")).map(|a| a.0), Some(721));
    assert_eq!(db.lookup(ip("215.1.3.255")).map(|a| a.0), Some(721));
    assert_eq!(db.lookup(ip("215.1.4.0")), None);
}

fn err_of<T: std::fmt::Debug>(r: Result<T, GeoError>) -> String {
    let msg = r.unwrap_err().to_string();
    assert!(!msg.contains('\n'), "{msg}");
    msg
}

#[test]
fn errors_name_the_file_and_what_is_wrong() {
    let dir = scratch("errors");
    testdb::write_all(&dir).unwrap();
    let shown = |name: &str| dir.join(name).display().to_string();

    let msg = err_of(GeoDb::open(&dir.join("asn.mmdb")));
    assert!(
        msg.starts_with(&shown("asn.mmdb")) && msg.contains("an ASN database"),
        "{msg}"
    );
    let msg = err_of(AsnDb::open(&dir.join("country.mmdb")));
    assert!(
        msg.contains("a country database") && msg.contains("not an ASN"),
        "{msg}"
    );
    let msg = err_of(GeoDb::open(&dir.join("asn.csv")));
    assert!(
        msg.starts_with(&shown("asn.csv")) && msg.contains("metadata marker"),
        "{msg}"
    );
    let msg = err_of(GeoDb::open(&dir.join("missing.mmdb")));
    assert!(
        msg.starts_with(&shown("missing.mmdb")) && msg.contains("cannot read"),
        "{msg}"
    );
    let msg = err_of(AsnDb::open(&dir.join("missing.csv")));
    assert!(
        msg.starts_with(&shown("missing.csv")) && msg.contains("cannot read"),
        "{msg}"
    );

    let bad = |name: &str, text: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        err_of(AsnDb::open(&path))
    };
    let msg = bad(
        "bad-line.csv",
        b"1.0.0.0,1.0.0.255,1,a\n\n1.0.0.x,1.0.1.0,2,b\n",
    );
    assert!(
        msg.starts_with(&format!("{}:3: start address", shown("bad-line.csv"))),
        "{msg}"
    );
    let msg = bad("long.csv", &[b'1'; 5000]);
    assert!(msg.contains(":1: line longer than 4096 bytes"), "{msg}");
    let msg = bad("binary.csv", b"1.0.0.0,1.0.0.255,1,\xff\xfe\n");
    assert!(msg.contains(":1: not UTF-8"), "{msg}");
    let msg = bad("empty.csv", b"");
    assert!(msg.contains("no address ranges"), "{msg}");
    let msg = bad("header-only.csv", b"start_ip,end_ip,asn,org\n");
    assert!(msg.contains("no address ranges"), "{msg}");
    let msg = bad(
        "late-header.csv",
        b"1.0.0.0,1.0.0.255,1,a\nstart_ip,end_ip,asn,org\n",
    );
    assert!(msg.contains(":2: "), "{msg}");
    let msg = bad(
        "garbage.mmdb",
        b"\x00\x01\x02\xAB\xCD\xEFMaxMind.com\x00\x11",
    );
    assert!(msg.contains("not a usable MaxMind DB"), "{msg}");
}

/// Truncated and corrupted databases give an error or lookups without answers, never a
/// panic.
#[test]
fn damaged_databases_never_panic() {
    let dir = scratch("damaged");
    testdb::write_all(&dir).unwrap();
    let mut probe_ips: Vec<IpAddr> = COUNTRIES.iter().map(|c| probes(c.0).0).collect();
    probe_ips.extend(["0.0.0.0", "255.255.255.255", "::", "ffff::1", "62.1.0.0"].map(ip));
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for name in ["country.mmdb", "asn.mmdb"] {
        let good = std::fs::read(dir.join(name)).unwrap();
        let path = dir.join(format!("bad-{name}"));
        let mut variants: Vec<Vec<u8>> = (0..good.len())
            .step_by(7)
            .map(|n| good[..n].to_vec())
            .collect();
        for _ in 0..400 {
            let mut v = good.clone();
            for _ in 0..1 + rand() % 4 {
                let at = (rand() % v.len() as u64) as usize;
                v[at] = rand() as u8;
            }
            variants.push(v);
        }
        for bytes in variants {
            std::fs::write(&path, &bytes).unwrap();
            if let Ok(db) = GeoDb::open(&path) {
                for &a in &probe_ips {
                    let _ = db.country(a);
                }
            }
            if let Ok(db) = AsnDb::open(&path) {
                for &a in &probe_ips {
                    let _ = db.lookup(a);
                }
            }
        }
    }
}

/// Every value type the writer knows, including long strings that need 1, 2 and 3 extra
/// size bytes, read back with the `maxminddb` crate.
#[test]
fn writer_round_trips_every_type() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct All<'a> {
        s: String,
        d: f64,
        #[serde(borrow)]
        b: &'a [u8],
        u16: u16,
        u32: u32,
        i32: i32,
        u64: u64,
        u128: u128,
        zero: u32,
        arr: Vec<u32>,
        t: bool,
        f: bool,
        fl: f32,
        mid: String,
        long: String,
        huge: String,
    }
    let value = MmdbValue::map([
        ("s", MmdbValue::string("hé")),
        ("d", MmdbValue::Double(-1.5)),
        ("b", MmdbValue::Bytes(vec![0, 255, 7])),
        ("u16", MmdbValue::U16(65535)),
        ("u32", MmdbValue::U32(4_200_000_000)),
        ("i32", MmdbValue::I32(-42)),
        ("u64", MmdbValue::U64(u64::MAX)),
        ("u128", MmdbValue::U128(1 << 100)),
        ("zero", MmdbValue::U32(0)),
        (
            "arr",
            MmdbValue::Array(vec![MmdbValue::U32(1), MmdbValue::U32(300)]),
        ),
        ("t", MmdbValue::Bool(true)),
        ("f", MmdbValue::Bool(false)),
        ("fl", MmdbValue::Float(0.25)),
        ("mid", MmdbValue::string("m".repeat(100))),
        ("long", MmdbValue::string("l".repeat(1000))),
        ("huge", MmdbValue::string("h".repeat(70_000))),
    ]);
    let mut w = MmdbWriter::new("Test");
    w.insert_cidr("192.0.2.0/24", value).unwrap();
    w.insert_cidr(
        "::/0",
        MmdbValue::map([("s", MmdbValue::string("default"))]),
    )
    .unwrap();
    let reader = maxminddb::Reader::from_source(w.to_bytes().unwrap()).unwrap();
    reader.verify().unwrap();
    let all: All = reader
        .lookup(ip("192.0.2.77"))
        .unwrap()
        .decode()
        .unwrap()
        .unwrap();
    assert_eq!(
        (all.s.as_str(), all.d, all.b, all.u16, all.u32, all.i32),
        ("hé", -1.5, &[0u8, 255, 7][..], 65535, 4_200_000_000, -42)
    );
    assert_eq!(
        (all.u64, all.u128, all.zero, all.arr.as_slice()),
        (u64::MAX, 1 << 100, 0, &[1, 300][..])
    );
    assert_eq!((all.t, all.f, all.fl), (true, false, 0.25));
    assert_eq!(
        (all.mid.len(), all.long.len(), all.huge.len()),
        (100, 1000, 70_000)
    );
    #[derive(Deserialize)]
    struct S {
        s: String,
    }
    let other: S = reader
        .lookup(ip("2001:db8::1"))
        .unwrap()
        .decode()
        .unwrap()
        .unwrap();
    assert_eq!(other.s, "default");
    assert_eq!(reader.metadata().database_type, "Test");
}

#[test]
fn writer_refuses_what_it_cannot_write() {
    let mut w = MmdbWriter::new("x").ipv4_only();
    assert!(w.insert(ip("::1"), 128, MmdbValue::U16(1)).is_err());
    assert!(w.insert(ip("1.2.3.4"), 33, MmdbValue::U16(1)).is_err());
    assert!(w.insert_cidr("1.2.3.4", MmdbValue::U16(1)).is_err());
    let mut big = MmdbWriter::new("x");
    big.insert_cidr("1.0.0.0/8", MmdbValue::string("x".repeat(17_000_000)))
        .unwrap();
    assert!(big.to_bytes().is_err());
    let mut odd = MmdbWriter::new("x").record_size(20);
    odd.insert_cidr("1.0.0.0/8", MmdbValue::U16(1)).unwrap();
    assert!(odd.to_bytes().is_err());
}

/// Optional check against the real npm databases: set PCAPQ_REAL_GEOIP to
/// `geo-whois-asn-country.mmdb` and PCAPQ_REAL_ASN to `asn-ipv4.csv,asn-ipv6.csv`.
#[test]
#[ignore = "needs the real databases (make geoip)"]
fn real_npm_databases() {
    let geo = std::env::var("PCAPQ_REAL_GEOIP").expect("PCAPQ_REAL_GEOIP");
    let t = std::time::Instant::now();
    let db = GeoDb::open(Path::new(&geo)).unwrap();
    eprintln!("open {geo}: {:?} {db:?}", t.elapsed());
    for (a, want) in [
        ("1.1.1.1", "AU"),
        ("8.8.8.8", "US"),
        ("2001:4860:4860::8888", "US"),
    ] {
        eprintln!("{a} -> {:?}", db.country(ip(a)));
        assert_eq!(db.country(ip(a)).as_deref(), Some(want), "{a}");
    }
    let asn = std::env::var("PCAPQ_REAL_ASN").expect("PCAPQ_REAL_ASN");
    let files: Vec<&str> = asn.split(',').collect();
    let t = std::time::Instant::now();
    let db = AsnDb::open_all(&files).unwrap();
    eprintln!("open {asn}: {:?}", t.elapsed());
    for (a, want) in [
        ("8.8.8.8", 15169),
        ("1.1.1.1", 13335),
        ("2001:4860:4860::8888", 15169),
    ] {
        eprintln!("{a} -> {:?}", db.lookup(ip(a)));
        assert_eq!(db.lookup(ip(a)).map(|x| x.0), Some(want), "{a}");
    }
}
