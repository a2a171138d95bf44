//! The `captures` table's columns.

use super::ColType::*;
use super::{TableDef, col, req};

/// `captures`: one row per input.
pub const CAPTURES: TableDef = TableDef {
    name: "captures",
    doc: "One row per input capture: format, link types, counts, time range and the damage found.",
    columns: &[
        req(
            "capture_id",
            U32,
            "Position of the input on the command line, from 0.",
        ),
        req("path", Str, "The input as given (`<stdin>` for `-`)."),
        req("format", Str, "`pcap` or `pcapng`."),
        req(
            "compression",
            Str,
            "`none`, `gzip` or `zstd` (recognised by magic bytes).",
        ),
        col(
            "file_bytes",
            U64,
            "Size of the file on disk (null for stdin).",
        ),
        col(
            "file_path",
            Str,
            "Absolute path of the file when it was converted (null for stdin): where `pcapq export` reads it again.",
        ),
        col(
            "file_hash",
            Str,
            "SHA-256 over the file's size and its first and last MiB, hex (null for stdin): how `pcapq export` recognises the file.",
        ),
        req(
            "link_types",
            Str,
            "Link types of its interfaces, comma-separated (`ether`, `rawip`, `linux-sll`, …).",
        ),
        col(
            "snaplen",
            U32,
            "Largest snapshot length its header(s) declare.",
        ),
        req(
            "ts_precision",
            Str,
            "Timestamp resolution(s): `us`, `ns`, …",
        ),
        req("interfaces", U32, "Interfaces described (1 for pcap)."),
        req(
            "frames",
            U64,
            "Frames read (equals what capinfos reports for an undamaged file).",
        ),
        req("captured_bytes", U64, "Sum of captured lengths."),
        req(
            "wire_bytes",
            U64,
            "Sum of wire lengths (capinfos's data size).",
        ),
        col("first_ts", TsNs, "Earliest frame time."),
        col("last_ts", TsNs, "Latest frame time."),
        req(
            "frames_over_snaplen",
            U64,
            "Frames whose captured length exceeds the declared snap length (kept whole).",
        ),
        req("decode_errors", U64, "Frames whose `decode_error` is set."),
        col(
            "damage_offset",
            U64,
            "Byte offset of the damage that ended reading early (decompressed stream).",
        ),
        col(
            "damage",
            Str,
            "What the damage is (truncated frame, corrupt block, read error); null for an intact file.",
        ),
    ],
    optional: false,
};
