//! Appendable datasets (`convert --append DIR`): captures that arrive over time (hourly
//! files, `dumpcap -b` rings) are added as batches, without rewriting what is there.
//!
//! Layout: a folder per table; each batch adds its own files, named after it
//! (`packets/b000002.parquet`, or `packets/date=…/hour=…/b000002-part-00000.parquet`
//! with `--partition-by`). Batches run one at a time (a lock in `_pcapq/`).
//!
//! A flow is never counted twice. The tracker is suspended at the end of each batch and
//! kept in `_pcapq/state`; the next batch resumes it, so a connection that goes on across
//! two files is one flow with one row, exactly as if both files were converted together.
//! Until then its row is provisional: the rows of flows still active at a batch's end are
//! in `flows/…/open-bNNNNNN….parquet`, and the next batch replaces those files (the only
//! files an append removes) with its own. Every reader, pcapq or another engine, sees
//! each flow once at any time.
//!
//! An append is all or nothing: see [`commit`].

mod commit;
mod state;

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{ParquetDirSink, Partitioning, is_dataset};
use crate::convert::{Continuation, PipelineResult, Suspended};
use crate::error::user_error;
use state::DatasetState;
pub use state::Settings;

/// The folder of pcapq's own files in an appendable dataset.
const META_DIR: &str = "_pcapq";
/// The state file's name (in `_pcapq/` and in a batch's staging directory).
const STATE_FILE: &str = "state";

fn meta_dir(dir: &Path) -> PathBuf {
    dir.join(META_DIR)
}

/// Finishes a commit that was interrupted, if there is one, so that `dir` reads as the
/// dataset after it. Every command that reads a dataset calls this first.
pub fn recover(dir: &Path) -> Result<()> {
    if !commit::pending(dir) {
        return Ok(());
    }
    match lock(dir, false) {
        Ok(_lock) => commit::roll_forward(dir),
        // A dataset this user cannot write to: read it as it is.
        Err(e) => {
            eprintln!(
                "pcapq: warning: an append to {} was interrupted and cannot be finished: {e:#}",
                dir.display()
            );
            Ok(())
        }
    }
}

/// One append to a dataset: holds the dataset's lock from [`Appender::open`] to
/// [`Appender::commit`] (or until dropped, when nothing is changed).
pub struct Appender {
    dir: PathBuf,
    state: DatasetState,
    _lock: File,
}

impl Appender {
    /// Opens `dir` for one more batch converted with `settings` (`partitioning` None: as
    /// the dataset is), or prepares a new appendable dataset there. Waits for another
    /// append to the same dataset to finish first.
    pub fn open(
        dir: &Path,
        partitioning: Option<Partitioning>,
        track: Option<crate::track::TrackOptions>,
        anonymized: Option<(String, bool)>,
    ) -> Result<Self> {
        let meta = meta_dir(dir);
        let state_path = meta.join(STATE_FILE);
        if is_dataset(dir) && !state_path.is_file() && !commit::pending(dir) {
            return Err(user_error(format!(
                "{} was made without --append: convert its captures again with --append to be able to add to it",
                dir.display()
            )));
        }
        if dir.is_dir() && !meta.is_dir() && fs::read_dir(dir)?.next().is_some() {
            return Err(user_error(format!(
                "{} exists and is not a pcapq dataset: refusing to add to it",
                dir.display()
            )));
        }
        fs::create_dir_all(&meta).with_context(|| format!("cannot create {}", meta.display()))?;
        let lock = lock(dir, true)?;
        commit::roll_forward(dir)?;
        remove_stale_staging(dir)?;
        let state = if state_path.is_file() {
            DatasetState::load(&state_path)?
        } else {
            DatasetState {
                batches: 0,
                captures: 0,
                frames: 0,
                settings: Settings {
                    partitioning: partitioning.unwrap_or_default(),
                    track,
                    anonymized: anonymized.clone(),
                },
                tracker: None,
                defrag: None,
            }
        };
        let wanted = Settings {
            partitioning: partitioning.unwrap_or(state.settings.partitioning),
            track,
            anonymized,
        };
        if let Some(d) = state.settings.difference(&wanted) {
            return Err(user_error(format!(
                "{} was converted with {d}: append with the same options",
                dir.display()
            )));
        }
        Ok(Appender {
            dir: dir.to_path_buf(),
            state,
            _lock: lock,
        })
    }

    /// This batch's number (from 1).
    pub fn batch(&self) -> u32 {
        self.state.batches + 1
    }

    /// Where the previous batch stopped, for [`crate::convert::run_batch`].
    pub fn continuation(&mut self) -> Continuation {
        Continuation {
            first_capture_id: self.state.captures,
            first_frame: self.state.frames,
            tracker: self.state.tracker.take(),
            defrag: self.state.defrag.take(),
        }
    }

    /// A sink that writes this batch's files into its staging directory.
    pub fn sink(&self) -> Result<ParquetDirSink> {
        let staging = commit::staging_dir(&self.dir, self.batch());
        ParquetDirSink::create_batch(&staging, self.batch(), self.state.settings.partitioning)
    }

    /// Moves the batch `sink` wrote into the dataset, with the captures and frames the
    /// batch read and the tracker and the fragments waiting as the batch left them.
    /// Returns the dataset's directory.
    pub fn commit(
        mut self,
        sink: ParquetDirSink,
        result: &PipelineResult,
        suspended: Option<Suspended>,
    ) -> Result<PathBuf> {
        let staging = sink.close_batch()?;
        let batch = self.batch();
        self.state.batches = batch;
        self.state.captures += u32::try_from(result.captures.len()).context("too many captures")?;
        self.state.frames += result.frames;
        let (tracker, defrag) = suspended.map_or((None, None), |s| (s.tracker, Some(s.defrag)));
        self.state.tracker = tracker;
        self.state.defrag = defrag;
        self.state.save(&staging.join(STATE_FILE))?;
        let replaced = commit::provisional_files(&self.dir)?;
        commit::commit(&self.dir, batch, &replaced)?;
        Ok(self.dir)
    }
}

/// Takes the dataset's lock, waiting (with a message when `say` and it is held) for the
/// append that holds it.
fn lock(dir: &Path, say: bool) -> Result<File> {
    let path = meta_dir(dir).join("lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    if file.try_lock().is_err() {
        if say {
            eprintln!(
                "pcapq: waiting for another append to {} to finish",
                dir.display()
            );
        }
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
    }
    Ok(file)
}

/// Removes what interrupted appends left (they never reached their commit).
fn remove_stale_staging(dir: &Path) -> Result<()> {
    let meta = meta_dir(dir);
    for entry in fs::read_dir(&meta).with_context(|| format!("cannot read {}", meta.display()))? {
        let path = entry?.path();
        let stale = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("staging-"));
        if stale && path.is_dir() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}
