//! Every catalog query's answer on the bundled example capture, kept as a CSV file beside
//! the query (`tests/answers/<id>.csv`), in the spirit of DataFusion's sqllogictest: a
//! reviewer reads the SQL and its answer side by side, and any change to either shows up
//! here. Regenerate after a deliberate change with `UPDATE_ANSWERS=1 cargo test --release answers`.

use std::path::Path;
use std::process::Command;

#[test]
fn catalog_answers_on_the_example_capture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let capture = root.join("examples/example.pcap");
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let pcapq = env!("CARGO_BIN_EXE_pcapq");
    let st = Command::new(pcapq)
        .args(["convert", "--quiet", "-o"])
        .arg(&ds)
        .arg(&capture)
        .status()
        .unwrap();
    assert!(st.success());
    let update = std::env::var_os("UPDATE_ANSWERS").is_some();
    let mut mismatches = Vec::new();
    for q in pcapq::query::catalog::all() {
        // The project's own GeoIP/ASN databases, so that top-countries and top-asns run too.
        let dbs = crate::support::geo_dbs();
        let out = Command::new(pcapq)
            .args(["query", "--format", "csv", "-d"])
            .arg(&ds)
            .arg(q.id)
            .env("PCAPQ_GEOIP", dbs.join("country.mmdb"))
            .env("PCAPQ_ASN", dbs.join("asn.csv"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            q.id,
            String::from_utf8_lossy(&out.stderr)
        );
        let path = root.join("tests/answers").join(format!("{}.csv", q.id));
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let expected = std::fs::read(&path)
            .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_ANSWERS=1", path.display()));
        if !same_csv(
            &String::from_utf8_lossy(&expected),
            &String::from_utf8_lossy(&out.stdout),
        ) {
            mismatches.push(q.id);
        }
    }
    assert!(
        mismatches.is_empty(),
        "answers changed for {mismatches:?} (UPDATE_ANSWERS=1 to accept)"
    );
}

/// Equal CSV texts, except that numbers may differ in their last bits (floating sums are
/// added up in whatever order parallel aggregation finishes).
fn same_csv(a: &str, b: &str) -> bool {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    la.len() == lb.len()
        && la.iter().zip(&lb).all(|(x, y)| {
            let (cx, cy): (Vec<&str>, Vec<&str>) = (x.split(',').collect(), y.split(',').collect());
            cx.len() == cy.len()
                && cx.iter().zip(&cy).all(|(p, q)| {
                    p == q
                        || match (p.parse::<f64>(), q.parse::<f64>()) {
                            (Ok(u), Ok(v)) => (u - v).abs() <= 1e-9 * u.abs().max(v.abs()),
                            _ => false,
                        }
                })
        })
}
