//! What an appendable dataset keeps about itself between batches, in `_pcapq/state`: how
//! many batches and captures it holds, how it was converted, and the flow tracker as the
//! last batch left it.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::dataset::Partitioning;
use crate::dissect::defrag::Defragmenter;
use crate::error::user_error;
use crate::track::{TrackOptions, TrackerState};

/// The file's first bytes: its format and version (2: flows of reassembled IP fragments,
/// no fragment ports kept by the tracker, the fragments still waiting kept instead; 3: TCP
/// flows keep the SYN/FIN segments awaiting their acknowledgement, and `flows` has the
/// `*_syn_fin_rtt_*` columns).
const MAGIC: &[u8; 8] = b"PCAPQST3";

/// The settings every batch of a dataset must share, so that rows mean the same thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// How tables are split into files.
    pub partitioning: Partitioning,
    /// Flow tracking (None: `--no-flows`).
    pub track: Option<TrackOptions>,
    /// Where two fixed addresses go under the anonymization key (None: not anonymized),
    /// and whether names are kept: the same key gives the same text.
    pub anonymized: Option<(String, bool)>,
}

impl Settings {
    /// The first setting that differs from `other`, as the option a user would change.
    pub fn difference(&self, other: &Settings) -> Option<String> {
        if self.partitioning != other.partitioning {
            let name = |p: Partitioning| format!("{p:?}").to_lowercase();
            return Some(format!(
                "--partition-by {} (this run: {})",
                name(self.partitioning),
                name(other.partitioning)
            ));
        }
        if self.anonymized != other.anonymized {
            return Some("--anonymize with a different key or --keep-names setting".into());
        }
        match (&self.track, &other.track) {
            (None, Some(_)) => Some("--no-flows".into()),
            (Some(_), None) => Some("flow tracking (this run: --no-flows)".into()),
            (Some(a), Some(b)) if a != b => Some(format!(
                "the tracking options {} (this run: {})",
                describe(a),
                describe(b)
            )),
            _ => None,
        }
    }
}

fn describe(t: &TrackOptions) -> String {
    let secs = |ns: i64| ns as f64 / 1e9;
    format!(
        "--tcp-timeout {} --udp-timeout {} --icmp-timeout {} --max-flows {}{}",
        secs(t.tcp_timeout_ns),
        secs(t.udp_timeout_ns),
        secs(t.icmp_timeout_ns),
        t.max_flows,
        if t.app { "" } else { " --no-app" }
    )
}

/// The dataset's state after its last batch.
#[derive(Clone, Serialize, Deserialize)]
pub struct DatasetState {
    /// Batches committed.
    pub batches: u32,
    /// Captures in the dataset (the next batch's capture ids start here).
    pub captures: u32,
    /// Frames in the dataset (the next batch's frames are numbered after them).
    pub frames: u64,
    /// How every batch was converted.
    pub settings: Settings,
    /// The flow tracker, suspended at the end of the last batch.
    pub tracker: Option<TrackerState>,
    /// The IP datagrams whose fragments were still coming at the end of the last batch.
    pub defrag: Option<Defragmenter>,
}

impl DatasetState {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let damaged = || {
            user_error(format!(
                "{} is damaged or from another version of pcapq: the dataset cannot be appended to",
                path.display()
            ))
        };
        let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(damaged)?;
        postcard::from_bytes(body).map_err(|_| damaged())
    }

    /// Writes the state to `path` (a new file, flushed to disk before it is renamed into
    /// place by the commit).
    pub fn save(&self, path: &Path) -> Result<()> {
        let body = postcard::to_stdvec(self).context("cannot encode the dataset's state")?;
        let mut file =
            fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(MAGIC)?;
        file.write_all(&body)?;
        file.sync_all()
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}
