//! `pcapq export`: the selected frames, read back by pcapq's reader (which is checked
//! against capinfos and tshark elsewhere), equal the original frames byte for byte, with
//! their times and lengths, in pcap and pcapng; a changed or moved capture is refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use pcapq::source::{InputSpec, MergedSource};

/// One frame as read back: number, time, wire length, bytes, interface, link type.
type ReadFrame = (u64, i64, u32, Vec<u8>, u32, u32);

/// Every frame of a file.
fn frames(path: &Path) -> Vec<ReadFrame> {
    let mut source = MergedSource::open(vec![InputSpec::File(path.to_path_buf())]).unwrap();
    let mut out = Vec::new();
    while let Some(f) = source.next_frame() {
        let data = f.data.to_vec();
        out.push((
            f.number,
            f.ts_ns,
            f.wire_len,
            data,
            f.interface_id,
            f.link_type,
        ));
    }
    out
}

fn pcapq(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn selected(ds: &Path, predicate: &str) -> Vec<u64> {
    let out = Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args(["sql", "-d", ds.to_str().unwrap(), "--format", "csv"])
        .arg(format!(
            "SELECT frame FROM packets WHERE {predicate} ORDER BY frame"
        ))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| l.parse().unwrap())
        .collect()
}

/// A copy of the repository's capture `source` in a fresh folder, converted to `ds`.
fn setup(source: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join(source.file_name().unwrap());
    std::fs::copy(&source, &cap).unwrap();
    let ds = dir.path().join("ds");
    let (ok, err) = pcapq(&[
        "convert",
        cap.to_str().unwrap(),
        "-o",
        ds.to_str().unwrap(),
        "-q",
    ]);
    assert!(ok, "{err}");
    (dir, cap, ds)
}

#[test]
fn exported_frames_equal_the_selected_ones_byte_for_byte() {
    let (dir, cap, ds) = setup("examples/example.pcap");
    let original = frames(&cap);
    for (args, predicate) in [
        (vec!["--flow", "25"], "flow_id = 25"),
        (vec!["--where", "ip_proto = 17"], "ip_proto = 17"),
        (
            vec!["--community-id", "1:3X/sMSglvn8ElNuqrR5i8N8Z1a0="],
            "flow_id = 26",
        ),
    ] {
        let want: Vec<_> = selected(&ds, predicate)
            .into_iter()
            .map(|n| original.iter().find(|f| f.0 == n).unwrap().clone())
            .collect();
        assert!(!want.is_empty(), "{predicate}");
        for ext in ["pcap", "pcapng"] {
            let out = dir.path().join(format!("out.{ext}"));
            let mut a = vec![
                "export",
                "-d",
                ds.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ];
            a.extend(&args);
            let (ok, err) = pcapq(&a);
            assert!(ok, "{err}");
            let got = frames(&out);
            assert_eq!(got.len(), want.len(), "{predicate} {ext}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(
                    (g.1, g.2, &g.3),
                    (w.1, w.2, &w.3),
                    "{predicate} {ext}: frame {}",
                    w.0
                );
            }
        }
    }
}

#[test]
fn a_changed_or_moved_capture_is_refused() {
    let (dir, cap, ds) = setup("examples/example.pcap");
    let out = dir.path().join("out.pcap");
    let export = || {
        pcapq(&[
            "export",
            "-d",
            ds.to_str().unwrap(),
            "--flow",
            "1",
            "-o",
            out.to_str().unwrap(),
        ])
    };
    // Same size, one byte changed in the first MiB.
    let mut bytes = std::fs::read(&cap).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&cap, &bytes).unwrap();
    let (ok, err) = export();
    assert!(
        !ok && err.lines().count() == 1 && err.contains("differs"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    bytes.push(0);
    std::fs::write(&cap, &bytes).unwrap();
    let (ok, err) = export();
    assert!(!ok && err.contains("has changed"), "{err}");
    std::fs::remove_file(&cap).unwrap();
    let (ok, err) = export();
    assert!(!ok && err.contains("moved"), "{err}");
    let (ok, err) = pcapq(&[
        "export",
        "-d",
        ds.to_str().unwrap(),
        "--where",
        "frame < 0",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("no frame"), "{err}");
}

#[test]
fn pcapng_keeps_every_interface() {
    let (dir, cap, ds) = setup("tests/pcaps/zeek/pcapng-multi-interface.pcapng");
    let export_all = |out: &Path| {
        let (ds, out) = (ds.to_str().unwrap(), out.to_str().unwrap());
        pcapq(&["export", "-d", ds, "--where", "true", "-o", out])
    };
    let out = dir.path().join("all.pcapng");
    let (ok, err) = export_all(&out);
    assert!(ok, "{err}");
    let without_number = |v: Vec<ReadFrame>| -> Vec<_> {
        v.into_iter()
            .map(|(_, ts, len, data, iface, link)| (ts, len, data, iface, link))
            .collect()
    };
    let (want, got) = (without_number(frames(&cap)), without_number(frames(&out)));
    assert!(
        want.iter().any(|f| f.3 != want[0].3),
        "the source has several interfaces"
    );
    assert_eq!(got, want);
    // One link type per pcap file: this selection needs pcapng.
    let (ok, err) = export_all(&dir.path().join("all.pcap"));
    if !ok {
        assert!(err.contains(".pcapng"), "{err}");
    }
}
