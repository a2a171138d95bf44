//! Which frames to export: the packets a predicate, a flow or a Community ID selects, by
//! capture, with each capture's file checked against what `captures` recorded.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::array::{ArrayRef, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, UInt32Type, UInt64Type};
use datafusion::common::ScalarValue;

use crate::cli::{DataArgs, ExportArgs};
use crate::commands::sql::user_facing;
use crate::error::user_error;
use crate::source::fingerprint::file_fingerprint;

/// The selected frames of one capture.
pub struct Selected {
    /// Its id in the dataset.
    pub capture_id: u32,
    /// Where it is read from.
    pub path: PathBuf,
    /// Frame numbers (`packets.frame`).
    pub frames: Vec<u64>,
}

/// Runs the selection over the dataset and checks each capture it touches.
pub async fn select(args: &ExportArgs) -> Result<Vec<Selected>> {
    let data =
        DataArgs::with_default_tracking(args.dataset.clone(), Vec::new(), Default::default());
    let ctx = crate::commands::data::open(&data).await?;
    // The flows chosen, as a predicate on a packet's `flow_id`, or the user's predicate.
    let (sql, param) = match (&args.filter, args.flow, &args.community_id) {
        (Some(filter), None, None) => (
            format!(
                "SELECT capture_id, frame FROM packets WHERE ({filter}) ORDER BY capture_id, frame"
            ),
            None,
        ),
        (None, Some(id), None) => (
            flow_frames(|column| format!("{column} = $1")),
            Some(ScalarValue::UInt64(Some(id))),
        ),
        (None, None, Some(cid)) => (
            flow_frames(|column| {
                format!("{column} IN (SELECT flow_id FROM flows WHERE community_id = $1)")
            }),
            Some(ScalarValue::Utf8(Some(cid.clone()))),
        ),
        _ => {
            return Err(user_error(
                "give exactly one of --where, --flow and --community-id",
            ));
        }
    };
    let mut df = ctx.sql(&sql).await.map_err(user_facing)?;
    if let Some(p) = param {
        df = df.with_param_values(vec![p]).map_err(user_facing)?;
    }
    let mut frames: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
    for batch in df.collect().await.map_err(user_facing)? {
        let (ids, numbers) = (
            column(&batch, 0, DataType::UInt32)?,
            column(&batch, 1, DataType::UInt64)?,
        );
        let ids = ids.as_primitive::<UInt32Type>();
        let numbers = numbers.as_primitive::<UInt64Type>();
        for i in 0..batch.num_rows() {
            if !ids.is_null(i) && !numbers.is_null(i) {
                frames
                    .entry(ids.value(i))
                    .or_default()
                    .push(numbers.value(i));
            }
        }
    }
    if frames.is_empty() {
        return Err(user_error(
            "the selection holds no frame: nothing to export",
        ));
    }
    let captures = ctx
        .sql("SELECT capture_id, path, file_path, file_bytes, file_hash FROM captures")
        .await
        .map_err(|_| {
            user_error(
                "this dataset was made before pcapq recorded where its captures are \
                 (captures.file_path, file_hash): convert the captures again to export from it",
            )
        })?
        .collect()
        .await?;
    let mut known = BTreeMap::new();
    for b in &captures {
        let (ids, given) = (
            column(b, 0, DataType::UInt32)?,
            column(b, 1, DataType::Utf8)?,
        );
        let (paths, sizes) = (
            column(b, 2, DataType::Utf8)?,
            column(b, 3, DataType::UInt64)?,
        );
        let hashes = column(b, 4, DataType::Utf8)?;
        let (ids, given) = (ids.as_primitive::<UInt32Type>(), given.as_string::<i32>());
        let (paths, sizes) = (paths.as_string::<i32>(), sizes.as_primitive::<UInt64Type>());
        let hashes = hashes.as_string::<i32>();
        for i in 0..b.num_rows() {
            let opt =
                |a: &dyn Array, s: Option<&str>| s.filter(|_| !a.is_null(i)).map(str::to_string);
            known.insert(
                ids.value(i),
                (
                    given.value(i).to_string(),
                    opt(paths, Some(paths.value(i))),
                    (!sizes.is_null(i)).then(|| sizes.value(i)),
                    opt(hashes, Some(hashes.value(i))),
                ),
            );
        }
    }
    let mut out = Vec::new();
    for (capture_id, frames) in frames {
        let Some((given, Some(path), Some(size), Some(hash))) = known.get(&capture_id).cloned()
        else {
            return Err(user_error(format!(
                "capture {capture_id} was not read from a file (stdin, or a dataset made before \
                 pcapq recorded file paths): it cannot be read again; convert it from a file"
            )));
        };
        let path = PathBuf::from(path);
        let now = std::fs::metadata(&path).map(|m| m.len()).map_err(|e| {
            user_error(format!(
                "{given}: cannot read {} ({e}): was it moved?",
                path.display()
            ))
        })?;
        if now != size {
            return Err(user_error(format!(
                "{}: {now} bytes, but {size} when the dataset was made: the file has changed",
                path.display()
            )));
        }
        let fp =
            file_fingerprint(&path).map_err(|e| user_error(format!("{}: {e}", path.display())))?;
        if fp != hash {
            return Err(user_error(format!(
                "{}: its content differs from when the dataset was made (fingerprint {}…, was {}…)",
                path.display(),
                &fp[..12],
                hash.get(..12).unwrap_or(&hash)
            )));
        }
        out.push(Selected {
            capture_id,
            path,
            frames,
        });
    }
    Ok(out)
}

/// Column `i` of `batch` as `to` (Parquet gives strings as views, DataFusion may widen ints).
fn column(batch: &RecordBatch, i: usize, to: DataType) -> Result<ArrayRef> {
    Ok(cast(batch.column(i), &to)?)
}

/// The query for the frames of the flows `chosen` selects (`chosen(column)`: a predicate on
/// a flow-id column): their own, those a tunnel among them carried (their
/// `tunnel_flow_id`), and the fragments of their reassembled datagrams (same addresses and
/// `ip_id`), so that the export reassembles in Wireshark as it did here.
fn flow_frames(chosen: impl Fn(&str) -> String) -> String {
    let (own, carried) = (chosen("flow_id"), chosen("tunnel_flow_id"));
    format!(
        "SELECT capture_id, frame FROM packets WHERE {own} OR {carried} \
         UNION SELECT p.capture_id, p.frame FROM packets p JOIN \
         (SELECT DISTINCT src_ip, dst_ip, ip_id FROM packets \
          WHERE fragment = 'reassembled' AND {own}) r \
         ON p.src_ip = r.src_ip AND p.dst_ip = r.dst_ip AND p.ip_id = r.ip_id \
         WHERE p.fragment IN ('first', 'later') \
         ORDER BY capture_id, frame"
    )
}
