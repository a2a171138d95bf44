//! GeoIP and ASN lookups (`--geoip`, `--asn`, `geo_country`, `asn`, `as_org`, `top-countries`,
//! `top-asns`) on a capture the test builds, with databases the project writes itself
//! (`pcapq::geo::testdb`): every answer is known from the databases' own tables.

use std::path::Path;
use std::process::Command;

use pcapq::geo::testdb;

use super::fixture::{PcapOpts, at, pcap, udp, write_temp};

/// Hosts and the packets each one sends to 10.0.0.1 (private): 8.8.8.8 (US, AS15169) 3,
/// 62.1.2.3 (FR: inside 62.0.0.0/8 DE, the more specific network wins; AS3215) 2,
/// 1.1.1.1 (AU, AS13335) 1, and 203.0.113.9 (documentation range: no country) 1.
fn capture() -> (tempfile::TempDir, std::path::PathBuf) {
    let mut frames = Vec::new();
    for (host, n) in [
        ("8.8.8.8", 3),
        ("62.1.2.3", 2),
        ("1.1.1.1", 1),
        ("203.0.113.9", 1),
    ] {
        for _ in 0..n {
            frames.push(udp(host, 53, "10.0.0.1", 40000, 100));
        }
    }
    write_temp(
        "geo.pcap",
        &pcap(
            &at(1_700_000_000_000_000_000, 1_000_000, frames),
            PcapOpts::default(),
        ),
    )
}

fn pcapq(args: &[&str], env: &[(&str, &Path)]) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pcapq"));
    cmd.args(args)
        .env_remove("PCAPQ_GEOIP")
        .env_remove("PCAPQ_ASN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn csv_rows(text: &str) -> Vec<String> {
    text.lines().skip(1).map(str::to_string).collect()
}

#[test]
fn countries_and_autonomous_systems_of_the_hosts() {
    let dbs = tempfile::tempdir().unwrap();
    testdb::write_all(dbs.path()).unwrap();
    let (_guard, cap) = capture();
    let cap = cap.to_str().unwrap();
    for country_db in ["country.mmdb", "country-maxmind.mmdb"] {
        let db = dbs.path().join(country_db);
        let (ok, out, err) = pcapq(
            &[
                "query",
                "top-countries",
                "-i",
                cap,
                "--format",
                "csv",
                "--geoip",
                db.to_str().unwrap(),
            ],
            &[],
        );
        assert!(ok, "{err}");
        // The private host receives all 7 packets; bytes are 100 payload + 42 headers each.
        assert_eq!(
            csv_rows(&out),
            [
                "private,1,994,7",
                "US,1,426,3",
                "FR,1,284,2",
                "AU,1,142,1",
                "documentation,1,142,1"
            ],
            "{country_db}"
        );
    }
    for asn_db in ["asn.mmdb", "asn.csv"] {
        let db = dbs.path().join(asn_db);
        let (ok, out, err) = pcapq(
            &["query", "top-asns", "-i", cap, "--format", "csv"],
            &[("PCAPQ_ASN", &db)],
        );
        assert!(ok, "{err}");
        assert_eq!(
            csv_rows(&out),
            [
                ",private,1,994,7",
                "15169,Google LLC,1,426,3",
                "3215,Orange S.A.,1,284,2",
                "13335,\"Cloudflare, Inc.\",1,142,1",
                ",documentation,1,142,1"
            ],
            "{asn_db}"
        );
    }
    let db = dbs.path().join("country.mmdb");
    let (ok, out, err) = pcapq(
        &[
            "sql",
            "-i",
            cap,
            "--format",
            "csv",
            "SELECT geo_country('2001:218::1') AS jp, geo_country('127.0.0.1') AS lo, geo_country('not an address') AS bad",
        ],
        &[("PCAPQ_GEOIP", &db)],
    );
    assert!(ok, "{err}");
    assert_eq!(csv_rows(&out), ["JP,loopback,"]);
}

#[test]
fn a_lookup_without_its_database_names_the_option() {
    let (_guard, cap) = capture();
    let cap = cap.to_str().unwrap();
    let (ok, _, err) = pcapq(&["query", "top-countries", "-i", cap], &[]);
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--geoip") && err.contains("PCAPQ_GEOIP"),
        "{err}"
    );
    let (ok, _, err) = pcapq(
        &["sql", "-i", cap, "SELECT as_org(src_ip) FROM packets"],
        &[],
    );
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--asn"), "{err}");
    let (ok, _, err) = pcapq(
        &[
            "query",
            "top-asns",
            "-i",
            cap,
            "--asn",
            "/nonexistent/asn.csv",
        ],
        &[],
    );
    assert!(!ok);
    assert!(err.contains("/nonexistent/asn.csv"), "{err}");
}

#[test]
fn the_report_adds_the_geography_answers_only_with_their_databases() {
    let dbs = tempfile::tempdir().unwrap();
    testdb::write_all(dbs.path()).unwrap();
    let (guard, cap) = capture();
    let cap = cap.to_str().unwrap();
    let out = guard.path().join("report.html");
    let out_str = out.to_str().unwrap();
    let (ok, _, err) = pcapq(&["report", cap, "-o", out_str], &[]);
    assert!(ok, "{err}");
    let without = std::fs::read_to_string(&out).unwrap();
    assert!(
        !without.contains("countries"),
        "no database, no country answer"
    );
    let (ok, _, err) = pcapq(
        &["report", cap, "-o", out_str],
        &[("PCAPQ_GEOIP", &dbs.path().join("country.mmdb"))],
    );
    assert!(ok, "{err}");
    let with = std::fs::read_to_string(&out).unwrap();
    assert!(
        with.contains("Which countries are the hosts in"),
        "report lacks top-countries"
    );
}

/// The real databases `make geoip` installs (`make test` installs them under the target
/// directory and names the folder in PCAPQ_TEST_GEOIP_DIR); skipped without them.
#[test]
fn the_real_free_databases_place_a_well_known_address() {
    let Some(dir) = std::env::var_os("PCAPQ_TEST_GEOIP_DIR").map(std::path::PathBuf::from) else {
        eprintln!(
            "skipped: PCAPQ_TEST_GEOIP_DIR is not set (make test sets it after `make geoip`)"
        );
        return;
    };
    let country = dir.join("country.mmdb");
    let asn = [dir.join("asn-ipv4.csv"), dir.join("asn-ipv6.csv")];
    if !country.is_file() || !asn.iter().all(|p| p.is_file()) {
        eprintln!(
            "skipped: {} does not hold the databases (npm unavailable?)",
            dir.display()
        );
        return;
    }
    let (_guard, cap) = capture();
    let asn_env = std::env::join_paths(&asn).unwrap();
    let (ok, out, err) = pcapq(
        &[
            "query",
            "top-countries",
            "-i",
            cap.to_str().unwrap(),
            "--format",
            "csv",
            "--geoip",
            country.to_str().unwrap(),
        ],
        &[],
    );
    assert!(ok, "{err}");
    let rows = csv_rows(&out);
    assert_eq!(rows[0], "private,1,994,7");
    assert!(
        rows.contains(&"US,1,426,3".to_string()),
        "8.8.8.8 is not in the US: {rows:?}"
    );
    let (ok, out, err) = pcapq(
        &[
            "query",
            "top-asns",
            "-i",
            cap.to_str().unwrap(),
            "--format",
            "csv",
        ],
        &[("PCAPQ_ASN", Path::new(&asn_env))],
    );
    assert!(ok, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("15169,Google LLC,1,426,3")),
        "{out}"
    );
}
