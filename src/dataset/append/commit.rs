//! Moving a finished batch into its dataset so that an interruption at any moment leaves
//! either the dataset before the batch or the dataset after it.
//!
//! The batch is written whole into `_pcapq/staging-bNNNNNN/`. Then a journal
//! (`_pcapq/commit`, made by an atomic rename) names the batch and the provisional flow
//! files it replaces, and the commit is rolled forward: the batch's files are renamed into
//! place, the replaced files removed, the new state renamed over the old, and the journal
//! removed last. Every step can be done again, so a commit interrupted half-way is finished
//! by the next command that opens the dataset.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{STATE_FILE, meta_dir};

/// The journal's name in `_pcapq/`.
const JOURNAL: &str = "commit";

/// The staging directory of batch `batch`.
pub fn staging_dir(dir: &Path, batch: u32) -> PathBuf {
    meta_dir(dir).join(format!("staging-b{batch:06}"))
}

/// Whether a commit was interrupted (the journal is still there).
pub fn pending(dir: &Path) -> bool {
    meta_dir(dir).join(JOURNAL).is_file()
}

/// Commits batch `batch`, whose files (and new state) are in its staging directory,
/// replacing the provisional flow files `replaced` (paths relative to `dir`).
pub fn commit(dir: &Path, batch: u32, replaced: &[PathBuf]) -> Result<()> {
    let meta = meta_dir(dir);
    let mut text = format!("batch {batch}\n");
    for path in replaced {
        text.push_str(&format!("remove {}\n", path.display()));
    }
    let tmp = meta.join(format!("{JOURNAL}.tmp"));
    let mut file =
        fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    fs::rename(&tmp, meta.join(JOURNAL))
        .with_context(|| format!("cannot write the journal in {}", meta.display()))?;
    roll_forward(dir)
}

/// Finishes the commit the journal describes; nothing to do without a journal.
pub fn roll_forward(dir: &Path) -> Result<()> {
    let meta = meta_dir(dir);
    let journal = meta.join(JOURNAL);
    let text = match fs::read_to_string(&journal) {
        Ok(t) => t,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", journal.display())),
    };
    let mut batch = None;
    let mut replaced = Vec::new();
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("batch ") {
            batch = n.parse::<u32>().ok();
        } else if let Some(path) = line.strip_prefix("remove ") {
            replaced.push(PathBuf::from(path));
        }
    }
    let batch =
        batch.with_context(|| format!("{} is damaged: no batch number", journal.display()))?;
    let staging = staging_dir(dir, batch);
    if staging.is_dir() {
        move_tree(&staging, &staging, dir)?;
    }
    for path in replaced {
        remove_if_there(&dir.join(path))?;
    }
    let state = staging.join(STATE_FILE);
    if state.is_file() {
        fs::rename(&state, meta.join(STATE_FILE))
            .with_context(|| format!("cannot move {} into place", state.display()))?;
    }
    if staging.is_dir() {
        fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot remove {}", staging.display()))?;
    }
    remove_if_there(&journal)
}

/// Renames every file below `from` (a folder of `root`) to the same place below `dest`,
/// creating folders as needed (an empty table is an empty folder); the state file stays.
fn move_tree(root: &Path, from: &Path, dest: &Path) -> Result<()> {
    let entries = fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let path = entry?.path();
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let target = dest.join(rel);
        if path.is_dir() {
            fs::create_dir_all(&target)
                .with_context(|| format!("cannot create {}", target.display()))?;
            move_tree(root, &path, dest)?;
        } else if rel != Path::new(STATE_FILE) {
            fs::rename(&path, &target)
                .with_context(|| format!("cannot move {} into place", target.display()))?;
        }
    }
    Ok(())
}

fn remove_if_there(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// The provisional flow files (`open-*.parquet`) below `dir`'s flows folder, relative to
/// `dir`.
pub fn provisional_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let flows = dir.join("flows");
    if flows.is_dir() {
        collect_provisional(dir, &flows, &mut found)?;
    }
    found.sort();
    Ok(found)
}

fn collect_provisional(root: &Path, from: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_provisional(root, &path, found)?;
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("open-") && n.ends_with(".parquet"))
        {
            found.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p.clone());
                }
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
        out.sort();
        out
    }

    /// A dataset after batch 1, and batch 2 staged.
    fn staged() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let ds = tmp.path();
        write(&ds.join("packets/b000001.parquet"), "p1");
        write(&ds.join("flows/b000001.parquet"), "f1");
        write(&ds.join("flows/open-b000001.parquet"), "o1");
        write(&ds.join("_pcapq/state"), "s1");
        let staging = staging_dir(ds, 2);
        write(&staging.join("packets/b000002.parquet"), "p2");
        write(&staging.join("flows/open-b000002.parquet"), "o2");
        fs::create_dir_all(staging.join("dns")).unwrap();
        write(&staging.join(STATE_FILE), "s2");
        tmp
    }

    fn assert_committed(ds: &Path) {
        assert_eq!(
            files(ds),
            [
                "_pcapq",
                "_pcapq/state",
                "dns",
                "flows",
                "flows/b000001.parquet",
                "flows/open-b000002.parquet",
                "packets",
                "packets/b000001.parquet",
                "packets/b000002.parquet",
            ]
        );
        assert_eq!(fs::read_to_string(ds.join("_pcapq/state")).unwrap(), "s2");
    }

    #[test]
    fn a_commit_moves_the_batch_in_and_replaces_the_provisional_flows() {
        let tmp = staged();
        let ds = tmp.path();
        let replaced = provisional_files(ds).unwrap();
        assert_eq!(replaced, [PathBuf::from("flows/open-b000001.parquet")]);
        commit(ds, 2, &replaced).unwrap();
        assert_committed(ds);
        assert!(!pending(ds));
    }

    #[test]
    fn a_commit_interrupted_half_way_is_finished_by_the_next_run() {
        let tmp = staged();
        let ds = tmp.path();
        // Killed after the journal and one move.
        write(
            &ds.join("_pcapq/commit"),
            "batch 2\nremove flows/open-b000001.parquet\n",
        );
        let staging = staging_dir(ds, 2);
        fs::rename(
            staging.join("packets/b000002.parquet"),
            ds.join("packets/b000002.parquet"),
        )
        .unwrap();
        assert!(pending(ds));
        roll_forward(ds).unwrap();
        assert_committed(ds);
        // Again: nothing left to do.
        roll_forward(ds).unwrap();
        assert_committed(ds);
    }
}
