//! The test captures carried in `tests/pcaps` are whole: every file its manifest lists is
//! there with the recorded size and sha256, so a comparison cannot pass on a missing or
//! altered capture.

use sha2::{Digest, Sha256};

use crate::support::shared_pcaps;

#[test]
fn every_manifest_file_is_present_and_unchanged() {
    let dir = shared_pcaps();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (file, bytes, sha) = (col("file"), col("bytes"), col("sha256"));
    let mut checked = 0;
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let path = dir.join(f[file]);
        let data = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (listed in MANIFEST.tsv)", path.display()));
        assert_eq!(data.len().to_string(), f[bytes], "{}: size", path.display());
        let digest: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, f[sha], "{}: sha256", path.display());
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} files in MANIFEST.tsv");
}

#[test]
fn every_capture_has_its_tool_outputs() {
    let dir = shared_pcaps();
    let mut captures = 0;
    for sub in ["zeek", "tcpdump", "malformed", "linktypes", "app"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !(name.ends_with(".pcap") || name.ends_with(".pcapng")) {
                continue;
            }
            for suffix in [".capinfos.tsv", ".tshark-packets.tsv", ".tshark-conv.txt"] {
                assert!(
                    dir.join(sub).join(format!("{name}{suffix}")).is_file(),
                    "{sub}/{name}: {suffix} is missing"
                );
            }
            captures += 1;
        }
    }
    assert!(captures >= 60, "only {captures} captures in tests/pcaps");
}
