//! Arrow batch of the `captures` table, from the readers' statistics.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, RecordBatch, StringArray, TimestampNanosecondArray, UInt32Array, UInt64Array,
};
use datafusion::arrow::error::ArrowError;

use super::schema::CAPTURES;
use crate::source::{CaptureStats, link_types};

/// The `captures` rows of these inputs, in capture-id order.
pub fn captures_batch(stats: &[CaptureStats]) -> Result<RecordBatch, ArrowError> {
    let strs = |f: &dyn Fn(&CaptureStats) -> String| -> ArrayRef {
        Arc::new(StringArray::from(stats.iter().map(f).collect::<Vec<_>>()))
    };
    let opt_strs = |f: &dyn Fn(&CaptureStats) -> Option<String>| -> ArrayRef {
        Arc::new(StringArray::from(stats.iter().map(f).collect::<Vec<_>>()))
    };
    let u64s = |f: &dyn Fn(&CaptureStats) -> Option<u64>| -> ArrayRef {
        Arc::new(UInt64Array::from(stats.iter().map(f).collect::<Vec<_>>()))
    };
    let u32s = |f: &dyn Fn(&CaptureStats) -> Option<u32>| -> ArrayRef {
        Arc::new(UInt32Array::from(stats.iter().map(f).collect::<Vec<_>>()))
    };
    let ts = |f: &dyn Fn(&CaptureStats) -> Option<i64>| -> ArrayRef {
        Arc::new(
            TimestampNanosecondArray::from(stats.iter().map(f).collect::<Vec<_>>())
                .with_timezone("UTC"),
        )
    };
    let columns: Vec<ArrayRef> = vec![
        u32s(&|s| Some(s.capture_id)),
        strs(&|s| s.path.clone()),
        strs(&|s| s.format.name().to_string()),
        strs(&|s| s.compression.name().to_string()),
        u64s(&|s| s.file_bytes),
        opt_strs(&|s| s.file_path.clone()),
        opt_strs(&|s| s.file_hash.clone()),
        strs(&|s| {
            s.link_types
                .iter()
                .map(|&l| link_types::short_name(l))
                .collect::<Vec<_>>()
                .join(",")
        }),
        u32s(&|s| s.snaplen),
        strs(&|s| s.ts_precisions.join(",")),
        u32s(&|s| Some(s.interfaces)),
        u64s(&|s| Some(s.frames)),
        u64s(&|s| Some(s.captured_bytes)),
        u64s(&|s| Some(s.wire_bytes)),
        ts(&|s| s.first_ts),
        ts(&|s| s.last_ts),
        u64s(&|s| Some(s.frames_over_snaplen)),
        u64s(&|s| Some(s.decode_errors)),
        u64s(&|s| s.damage.as_ref().map(|d| d.offset)),
        Arc::new(StringArray::from(
            stats
                .iter()
                .map(|s| s.damage.as_ref().map(|d| d.message.clone()))
                .collect::<Vec<_>>(),
        )),
    ];
    RecordBatch::try_new(CAPTURES.schema(), columns)
}
