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

/// `pcapq export -d ds <selection> -o out`: success and stderr.
fn export(ds: &Path, selection: &[&str], out: &Path) -> (bool, String) {
    let mut args = vec!["export", "-d", ds.to_str().unwrap()];
    args.extend(selection);
    args.extend(["-o", out.to_str().unwrap()]);
    pcapq(&args)
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
        (vec!["--flow", "239"], "flow_id = 239"),
        (vec!["--where", "ip_proto = 17"], "ip_proto = 17"),
        (
            vec!["--community-id", "1:3X/sMSglvn8ElNuqrR5i8N8Z1a0="],
            "flow_id = 613",
        ),
    ] {
        let want: Vec<_> = selected(&ds, predicate)
            .into_iter()
            .map(|n| original.iter().find(|f| f.0 == n).unwrap().clone())
            .collect();
        assert!(!want.is_empty(), "{predicate}");
        for ext in ["pcap", "pcapng"] {
            let out = dir.path().join(format!("out.{ext}"));
            let (ok, err) = export(&ds, &args, &out);
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

/// A tunnel's carrier flow (the UDP flow to VXLAN's port) has the frames it carried, though
/// their rows describe the packets inside; the flow inside has them too.
#[test]
fn a_tunnel_carrier_exports_the_frames_it_carried() {
    let (dir, _cap, ds) = setup("tests/pcaps/zeek-baselines/tunnel-vxlan.pcap");
    let out = dir.path().join("out.pcap");
    let carrier = (pcapq::track::CARRIER_ID_STEP + 3).to_string();
    // The carrier from 192.168.56.11 took frames 3, 5, 7 and 9; the ICMP flow is 3 to 10.
    for (flow, want) in [(carrier.as_str(), 4), ("3", 8)] {
        let (ok, err) = export(&ds, &["--flow", flow], &out);
        assert!(ok, "{err}");
        assert_eq!(frames(&out).len(), want, "flow {flow}");
    }
}

/// A flow's export holds the fragments of its reassembled datagrams, though their rows
/// belong to no flow: converting the export again reassembles the same DNS answer.
#[test]
fn a_flow_exports_the_fragments_of_its_datagrams() {
    let (dir, _cap, ds) = setup("tests/pcaps/zeek/ipv6-fragmented-dns.pcap");
    let out = dir.path().join("out.pcap");
    let flow = selected(&ds, "fragment = 'reassembled'");
    assert_eq!(flow, [8]);
    let (ok, err) = export(&ds, &["--flow", "3"], &out);
    assert!(ok, "{err}");
    // Its two queries, the two fragments before the last, and the last; not frame 4, a
    // fragment of a datagram whose first part never came.
    let numbers: Vec<u64> = frames(&out).iter().map(|f| f.0).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    let again = dir.path().join("again");
    let (ok, err) = pcapq(&[
        "convert",
        out.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        selected(&again, "fragment = 'reassembled' AND payload_len = 3230"),
        [5]
    );
}

#[test]
fn a_changed_or_moved_capture_is_refused() {
    let (dir, cap, ds) = setup("examples/example.pcap");
    let out = dir.path().join("out.pcap");
    let export_flow = || export(&ds, &["--flow", "1"], &out);
    // Same size, one byte changed in the first MiB.
    let mut bytes = std::fs::read(&cap).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&cap, &bytes).unwrap();
    let (ok, err) = export_flow();
    assert!(
        !ok && err.lines().count() == 1 && err.contains("differs"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    bytes.push(0);
    std::fs::write(&cap, &bytes).unwrap();
    let (ok, err) = export_flow();
    assert!(!ok && err.contains("has changed"), "{err}");
    std::fs::remove_file(&cap).unwrap();
    let (ok, err) = export_flow();
    assert!(!ok && err.contains("moved"), "{err}");
    let (ok, err) = export(&ds, &["--where", "frame < 0"], &out);
    assert!(!ok && err.contains("no frame"), "{err}");
}

#[test]
fn pcapng_keeps_every_interface() {
    let (dir, cap, ds) = setup("tests/pcaps/zeek/pcapng-multi-interface.pcapng");
    let export_all = |out: &Path| export(&ds, &["--where", "true"], out);
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

/// Whether a Wireshark tool runs here; if not, says that the test is skipped.
fn installed(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        eprintln!("skipped: {tool} is not installed (tests/setup.sh installs Debian's tshark)");
    }
    found
}

/// Seconds since the epoch as printed by tshark (`1234.000000001`), in nanoseconds.
fn epoch_ns(text: &str) -> i64 {
    let (secs, frac) = text.split_once('.').unwrap_or((text, "0"));
    let frac = format!("{frac:0<9}");
    secs.parse::<i64>().unwrap() * 1_000_000_000 + frac[..9].parse::<i64>().unwrap()
}

#[test]
fn tshark_and_capinfos_read_the_exports() {
    if !(installed("tshark") && installed("capinfos")) {
        return;
    }
    let mut compared = 0;
    for (source, predicate) in [
        ("examples/example.pcap", "ip_proto = 6"),
        ("tests/pcaps/zeek/pcapng-multi-interface.pcapng", "true"),
    ] {
        let (dir, cap, ds) = setup(source);
        let original = frames(&cap);
        let want: Vec<_> = selected(&ds, predicate)
            .into_iter()
            .map(|n| original.iter().find(|f| f.0 == n).unwrap().clone())
            .collect();
        for ext in ["pcapng", "pcap"] {
            let out = dir.path().join(format!("out.{ext}"));
            let (ok, err) = export(&ds, &["--where", predicate], &out);
            if !ok && ext == "pcap" && err.contains(".pcapng") {
                continue; // several link types: pcap cannot hold them
            }
            assert!(ok, "{err}");
            // capinfos: the file's type and its frame count.
            let info = Command::new("capinfos")
                .args(["-T", "-M", "-t", "-c"])
                .arg(&out)
                .output()
                .unwrap();
            assert!(
                info.status.success(),
                "capinfos {ext}: {}",
                String::from_utf8_lossy(&info.stderr)
            );
            let text = String::from_utf8_lossy(&info.stdout);
            let row: Vec<&str> = text.lines().nth(1).unwrap().split('\t').collect();
            let kind = if ext == "pcap" { "nsecpcap" } else { "pcapng" };
            assert!(row[1] == kind, "capinfos type of {ext}: {text}");
            assert_eq!(
                row[2].parse::<usize>().unwrap(),
                want.len(),
                "capinfos count of {ext}"
            );
            // tshark: each frame's time, lengths, interface and an MD5 of its bytes.
            let fields = Command::new("tshark")
                .args(["-o", "frame.generate_md5_hash:TRUE", "-T", "fields", "-r"])
                .arg(&out)
                .args([
                    "-e",
                    "frame.time_epoch",
                    "-e",
                    "frame.len",
                    "-e",
                    "frame.cap_len",
                ])
                .args(["-e", "frame.md5_hash", "-e", "frame.interface_id"])
                .output()
                .unwrap();
            assert!(
                fields.status.success(),
                "tshark {ext}: {}",
                String::from_utf8_lossy(&fields.stderr)
            );
            let text = String::from_utf8_lossy(&fields.stdout);
            let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
            assert_eq!(rows.len(), want.len(), "tshark count of {ext}");
            for (row, w) in rows.iter().zip(&want) {
                use md5::Digest;
                let md5: String = md5::Md5::digest(&w.3)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert_eq!(epoch_ns(row[0]), w.1, "{source} {ext} frame {}: time", w.0);
                assert_eq!(
                    row[1].parse::<u32>().unwrap(),
                    w.2,
                    "frame {}: wire length",
                    w.0
                );
                assert_eq!(
                    row[2].parse::<usize>().unwrap(),
                    w.3.len(),
                    "frame {}: caplen",
                    w.0
                );
                assert_eq!(row[3], md5, "{source} {ext} frame {}: bytes", w.0);
                if ext == "pcapng" {
                    let iface = row[4].parse::<u32>().unwrap();
                    assert_eq!(iface, w.4, "{source} frame {}: interface", w.0);
                }
                compared += 4;
            }
        }
    }
    crate::support::record_compared("export-read-by-tshark", "tshark and capinfos", 2, compared);
}
