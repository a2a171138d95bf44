//! Arbitrary bytes as a capture file (pcap, pcapng, gzip- or zstd-wrapped), read the way
//! `pcapq convert` reads one input: every frame is dissected (IP fragments reassembled) and
//! tracked into flows with the application stage on, then the flows are finished. Must end
//! without a panic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pcapq::dissect::defrag::Defragmenter;
use pcapq::dissect::{Tunnels, dissect_frame};
use pcapq::source::{FrameMeta, InputSpec, MergedSource};
use pcapq::track::{TrackOptions, TrackOutput, Tracker};

/// The source only reads files (or stdin): one scratch file per fuzzing process.
fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let shm = PathBuf::from("/dev/shm");
        let dir = if shm.is_dir() {
            shm
        } else {
            std::env::temp_dir()
        };
        dir.join(format!("pcapq-fuzz-{}.cap", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    std::fs::write(path, data).expect("scratch file");
    let Ok(mut source) = MergedSource::open(vec![InputSpec::File(path.clone())]) else {
        let _ = std::fs::remove_file(path);
        return;
    };
    let mut tracker = Tracker::new(TrackOptions::default());
    let mut out = TrackOutput::default();
    let mut index = 0;
    let (mut tunnels, mut defrag) = (Tunnels::default(), Defragmenter::default());
    while let Some(frame) = source.next_frame() {
        let (packet, payload) = dissect_frame(&frame, &mut tunnels, &mut defrag);
        index += 1;
        let meta = FrameMeta {
            index,
            ..frame.meta()
        };
        tracker.observe(&meta, &packet, payload, &mut out);
    }
    tracker.finish(&mut out);
    source.finish();
    let _ = std::fs::remove_file(path);
});
