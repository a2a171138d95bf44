//! `convert --anonymize`: every address is Crypto-PAn's image of the real one (checked
//! against `pcapq::anon`, whose own tests hold the reference implementation's published
//! vectors), Community IDs are those of the anonymized tuples, networks keep their
//! structure, names are dropped unless `--keep-names`, and one key gives one mapping.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use pcapq::anon::CryptoPan;

/// The reference implementation's sample key.
const KEY: [u8; 32] = [
    21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16, 216, 152, 143, 131, 121,
    121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2,
];

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

use crate::support::pcapq_ok as pcapq;

fn convert(dir: &Path, name: &str, cap: &Path, extra: &[&str]) -> PathBuf {
    let ds = dir.join(name);
    let mut args = vec![
        "convert",
        cap.to_str().unwrap(),
        "-o",
        ds.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    pcapq(&args);
    ds
}

fn sql(ds: &Path, q: &str) -> Vec<Vec<String>> {
    pcapq(&["sql", "-d", ds.to_str().unwrap(), "--format", "csv", q])
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// `cap` (a path in the repository) converted as it is and anonymized with [`KEY`].
fn raw_and_anonymized(dir: &Path, cap: &str) -> (PathBuf, PathBuf) {
    let key = dir.join("key");
    std::fs::write(&key, KEY).unwrap();
    let cap = capture(cap);
    let raw = convert(dir, "raw", &cap, &[]);
    let ds = convert(dir, "anon", &cap, &["--anonymize", key.to_str().unwrap()]);
    (raw, ds)
}

#[test]
fn addresses_community_ids_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, KEY).unwrap();
    let key = key.to_str().unwrap();
    let pan = CryptoPan::from_key(&KEY);
    let anon = |s: &str| pan.anonymize(s.parse::<IpAddr>().unwrap()).to_string();
    let cap = capture("tests/pcaps/zeek/communityid-udp.pcap");
    let raw = convert(dir.path(), "raw", &cap, &[]);
    let ds = convert(dir.path(), "anon", &cap, &["--anonymize", key]);
    let again = convert(dir.path(), "again", &cap, &["--anonymize", key]);
    let named = convert(
        dir.path(),
        "named",
        &cap,
        &["--anonymize", key, "--keep-names"],
    );

    let q = "SELECT src_ip, dst_ip FROM packets ORDER BY frame";
    let (raw_rows, anon_rows) = (sql(&raw, q), sql(&ds, q));
    assert!(!raw_rows.is_empty());
    for (r, a) in raw_rows.iter().zip(&anon_rows) {
        assert_eq!(a, &[anon(&r[0]), anon(&r[1])], "packet addresses");
        assert_ne!(a, r);
    }
    let q =
        "SELECT orig_ip, resp_ip, orig_port, resp_port, community_id FROM flows ORDER BY flow_id";
    let flows = sql(&ds, q);
    assert_eq!(flows, sql(&again, q), "same key, same mapping");
    for (f, r) in flows.iter().zip(sql(&raw, q)) {
        let (o, p): (IpAddr, IpAddr) = (f[0].parse().unwrap(), f[1].parse().unwrap());
        let want = pcapq::track::community_id_v1(
            0,
            o,
            p,
            17,
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
        );
        assert_eq!(f[4], want.as_str(), "Community ID of the anonymized tuple");
        assert_ne!(f[4], r[4]);
    }

    let q = "SELECT coalesce(query, '-'), array_to_string(answers, ' ') FROM dns ORDER BY ts";
    let (raw_dns, anon_dns, named_dns) = (sql(&raw, q), sql(&ds, q), sql(&named, q));
    assert!(
        raw_dns
            .iter()
            .any(|r| r[0] == "google.com" && !r[1].is_empty())
    );
    for ((r, a), n) in raw_dns.iter().zip(&anon_dns).zip(&named_dns) {
        assert_eq!(a[0], "-", "names dropped");
        assert_eq!(n[0], r[0], "--keep-names keeps them");
        let want: Vec<String> = r[1].split_whitespace().map(anon).collect();
        assert_eq!(a[1], want.join(" "), "answer addresses anonymized");
    }
}

#[test]
fn networks_keep_their_structure() {
    let dir = tempfile::tempdir().unwrap();
    let (raw, ds) = raw_and_anonymized(dir.path(), "examples/example.pcap");
    for len in [8, 16, 24, 32] {
        // The same groups (by size) at every prefix length: networks map to networks.
        let q = format!(
            "SELECT count(*) AS n FROM packets WHERE src_ip IS NOT NULL \
             GROUP BY ip_prefix(src_ip, {len}) ORDER BY n DESC"
        );
        assert_eq!(
            sql(&raw, &q),
            sql(&ds, &q),
            "/{len} groups keep their sizes"
        );
    }
}

#[test]
fn a_bad_key_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("short");
    std::fs::write(&key, [1u8; 31]).unwrap();
    let ds = dir.path().join("ds");
    let out = Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args([
            "convert",
            capture("examples/example.pcap").to_str().unwrap(),
            "-o",
        ])
        .arg(&ds)
        .arg("--anonymize")
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("31 bytes"), "{err}");
    assert!(!ds.exists());
}

#[test]
fn thousands_of_flows_ending_at_once_are_each_written_once_and_scrubbed() {
    use crate::fixture::{PcapOpts, Rec, at, dns, pcap, udp_bytes};
    // 6,000 unanswered queries, then one datagram 100 s later that ends them all at once:
    // the application stage hands them on in several vectors (4,096 flows at most), each
    // scrubbed before it leaves.
    const QUERIES: usize = 6000;
    let host = |i: usize| format!("10.1.{}.{}", i / 250, i % 250 + 1);
    let frames: Vec<Vec<u8>> = (0..QUERIES)
        .map(|i| {
            udp_bytes(
                &host(i),
                40000,
                "10.0.0.53",
                53,
                &dns(i as u16, "a.example", None),
            )
        })
        .collect();
    let last = udp_bytes("10.9.9.9", 5000, "10.9.9.10", 6000, b"late");
    let mut recs: Vec<Rec> = at(1_700_000_000_000_000_000, 1_000_000, frames);
    recs.extend(at(1_700_000_100_000_000_000, 1, vec![last]));
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("burst.pcap");
    std::fs::write(&cap, pcap(&recs, PcapOpts::default())).unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, KEY).unwrap();
    let one = ["--threads", "1"];
    let raw = convert(dir.path(), "raw", &cap, &one);
    let ds = convert(
        dir.path(),
        "anon",
        &cap,
        &["--threads", "1", "--anonymize", key.to_str().unwrap()],
    );
    let pan = CryptoPan::from_key(&KEY);
    let q = "SELECT orig_ip, end_reason FROM flows ORDER BY flow_id";
    let (raw_flows, anon_flows) = (sql(&raw, q), sql(&ds, q));
    assert_eq!(raw_flows.len(), QUERIES + 1, "every flow, once");
    assert_eq!(anon_flows.len(), QUERIES + 1);
    for (i, (r, a)) in raw_flows.iter().zip(&anon_flows).enumerate() {
        let want = pan.anonymize(r[0].parse::<IpAddr>().unwrap()).to_string();
        assert_eq!(a, &[want, r[1].clone()], "flow {i}");
    }
    let q = "SELECT count(*), count(DISTINCT flow_id), count(query) FROM dns";
    assert_eq!(sql(&raw, q), vec![vec!["6000", "6000", "6000"]]);
    assert_eq!(
        sql(&ds, q),
        vec![vec!["6000", "6000", "0"]],
        "names dropped"
    );
}

/// A tunnel's carriers are anonymized like every other address, and the carried flow still
/// names them: its `tunnel_parents` are the Community IDs of the anonymized carrier flows.
#[test]
fn tunnels_and_their_carriers() {
    let dir = tempfile::tempdir().unwrap();
    let (raw, ds) = raw_and_anonymized(dir.path(), "tests/pcaps/zeek-baselines/tunnel-vxlan.pcap");
    let pan = CryptoPan::from_key(&KEY);
    let anon = |s: &str| pan.anonymize(s.parse::<IpAddr>().unwrap()).to_string();
    let q = "SELECT orig_ip, resp_ip, coalesce(service, '-') FROM flows ORDER BY flow_id";
    let (raw_flows, anon_flows) = (sql(&raw, q), sql(&ds, q));
    assert_eq!(raw_flows.len(), 5);
    assert_eq!(raw_flows.iter().filter(|r| r[2] == "vxlan").count(), 4);
    for (r, a) in raw_flows.iter().zip(&anon_flows) {
        assert_eq!(a, &[anon(&r[0]), anon(&r[1]), r[2].clone()]);
    }
    let parents = "SELECT count(*) FROM flows f JOIN flows c \
                   ON array_has(f.tunnel_parents, c.community_id)";
    assert_eq!(
        sql(&ds, parents),
        [["2"]],
        "both carriers of the ICMP flow found"
    );
}
