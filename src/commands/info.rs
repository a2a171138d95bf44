//! `pcapq info`: what `capinfos` prints about each capture, read with pcapq's own reader.

use anyhow::Result;
use datafusion::arrow::datatypes::TimeUnit;

use crate::cli::{InfoArgs, InfoFormat};
use crate::source::{CaptureFormat, CaptureReader, CaptureStats, link_types};

/// Facts about one capture, as capinfos reports them.
pub struct CaptureInfo {
    /// Reader statistics.
    pub stats: CaptureStats,
    /// Smallest captured length among frames cut short (caplen < wire length).
    pub inferred_min: Option<u32>,
    /// Largest captured length among frames cut short.
    pub inferred_max: Option<u32>,
    /// Whether timestamps have nanosecond resolution.
    pub nanos: bool,
    /// Whether the earliest and the latest frame have nanosecond resolution.
    pub first_nanos: bool,
    pub last_nanos: bool,
}

/// Reads one capture to its end.
pub fn inspect(spec: &crate::source::InputSpec, id: u32) -> Result<CaptureInfo> {
    let mut reader = CaptureReader::open(spec, id)?;
    let (mut min, mut max) = (None::<u32>, None::<u32>);
    let (mut first, mut last) = (None::<(i64, bool)>, None::<(i64, bool)>);
    while reader.advance() {
        if let Some(f) = reader.frame() {
            if f.caplen < f.wire_len {
                min = Some(min.map_or(f.caplen, |m| m.min(f.caplen)));
                max = Some(max.map_or(f.caplen, |m| m.max(f.caplen)));
            }
            let ns = reader.ts_units_per_sec(f.interface_id) == Some(1_000_000_000);
            if first.is_none_or(|(t, _)| f.ts_ns < t) {
                first = Some((f.ts_ns, ns));
            }
            if last.is_none_or(|(t, _)| f.ts_ns > t) {
                last = Some((f.ts_ns, ns));
            }
        }
    }
    let stats = reader.into_stats();
    let nanos = stats.ts_precisions.iter().any(|p| p == "ns");
    Ok(CaptureInfo {
        stats,
        inferred_min: min,
        inferred_max: max,
        nanos,
        first_nanos: first.is_some_and(|f| f.1),
        last_nanos: last.is_some_and(|l| l.1),
    })
}

/// Column names of `capinfos -T` (the subset pcapq reproduces).
pub const TSV_HEADER: [&str; 16] = [
    "File name",
    "File type",
    "File encapsulation",
    "Packet size limit",
    "Packet size limit min (inferred)",
    "Packet size limit max (inferred)",
    "Number of packets",
    "File size (bytes)",
    "Data size (bytes)",
    "Capture duration (seconds)",
    "Start time",
    "End time",
    "Data byte rate (bytes/sec)",
    "Data bit rate (bits/sec)",
    "Average packet size (bytes)",
    "Average packet rate (packets/sec)",
];

fn format_ts(ns: i64, nanos: bool) -> String {
    let unit = if nanos {
        TimeUnit::Nanosecond
    } else {
        TimeUnit::Microsecond
    };
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let Some(dt) = chrono_like(secs) else {
        return "n/a".into();
    };
    match unit {
        TimeUnit::Nanosecond => format!("{dt}.{frac:09}"),
        _ => format!("{dt}.{:06}", frac / 1000),
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC for seconds since the epoch.
fn chrono_like(secs: i64) -> Option<String> {
    let dt = datafusion::common::arrow::temporal_conversions::timestamp_s_to_datetime(secs)?;
    Some(dt.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// The capinfos-like values of one capture, in [`TSV_HEADER`] order.
pub fn values(info: &CaptureInfo) -> Vec<String> {
    let s = &info.stats;
    let file_type = match (s.format, info.nanos) {
        (CaptureFormat::Pcap, true) => "nsecpcap",
        (CaptureFormat::Pcap, false) => "pcap",
        (CaptureFormat::Pcapng, _) => "pcapng",
    };
    let encapsulation = match s.link_types.as_slice() {
        [] => "ether".to_string(),
        [one] => link_types::short_name(*one),
        _ => "per-packet".to_string(),
    };
    // pcapng declares snap lengths per interface: like capinfos, no file-wide value.
    let snaplen = match (s.format, s.snaplen) {
        (CaptureFormat::Pcapng, _) | (_, Some(0) | None) => "(not set)".to_string(),
        (_, Some(n)) => n.to_string(),
    };
    let opt = |v: Option<u32>| v.map_or("n/a".to_string(), |n| n.to_string());
    let duration_ns = match (s.first_ts, s.last_ts) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    // capinfos subtracts two doubles of seconds since the epoch; its rates carry that
    // rounding, so pcapq computes them the same way.
    let as_double =
        |ns: i64| ns.div_euclid(1_000_000_000) as f64 + ns.rem_euclid(1_000_000_000) as f64 / 1e9;
    let duration_s = match (s.first_ts, s.last_ts) {
        (Some(a), Some(b)) => Some(as_double(b) - as_double(a)),
        _ => None,
    };
    let duration = match duration_ns {
        Some(d) if info.nanos => format!(
            "{}.{:09}",
            d.div_euclid(1_000_000_000),
            d.rem_euclid(1_000_000_000)
        ),
        Some(d) => format!("{:.6}", d as f64 / 1e9),
        None => "n/a".to_string(),
    };
    let rate = |x: f64| match duration_s {
        Some(d) if d > 0.0 => format!("{:.2}", x / d),
        _ => "0.00".to_string(),
    };
    let bytes = s.wire_bytes as f64;
    vec![
        s.path.rsplit('/').next().unwrap_or(&s.path).to_string(),
        file_type.to_string(),
        encapsulation,
        snaplen,
        opt(info.inferred_min),
        opt(info.inferred_max),
        s.frames.to_string(),
        s.file_bytes.map_or("n/a".to_string(), |b| b.to_string()),
        s.wire_bytes.to_string(),
        duration,
        s.first_ts
            .map_or("n/a".to_string(), |t| format_ts(t, info.first_nanos)),
        s.last_ts
            .map_or("n/a".to_string(), |t| format_ts(t, info.last_nanos)),
        rate(bytes),
        rate(bytes * 8.0),
        if s.frames > 0 {
            format!("{:.2}", bytes / s.frames as f64)
        } else {
            "0.00".to_string()
        },
        rate(s.frames as f64),
    ]
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Runs `pcapq info`.
pub fn run(args: &InfoArgs) -> Result<()> {
    let specs = super::input_specs(&args.inputs)?;
    let mut infos = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let info = inspect(spec, i as u32)?;
        if let Some(w) = info.stats.damage_warning() {
            eprintln!("pcapq: warning: {w}");
        }
        infos.push(info);
    }
    match args.format {
        InfoFormat::Tsv => {
            println!("{}", TSV_HEADER.join("\t"));
            for info in &infos {
                println!("{}", values(info).join("\t"));
            }
        }
        InfoFormat::Json => {
            let objects: Vec<String> = infos
                .iter()
                .map(|info| {
                    let mut fields: Vec<String> = TSV_HEADER
                        .iter()
                        .zip(values(info))
                        .map(|(k, v)| format!("{}: {}", json_escape(k), json_escape(&v)))
                        .collect();
                    fields.push(format!(
                        "\"Damage\": {}",
                        info.stats
                            .damage
                            .as_ref()
                            .map_or("null".to_string(), |d| json_escape(&format!(
                                "byte {}: {}",
                                d.offset, d.message
                            )))
                    ));
                    format!("{{{}}}", fields.join(", "))
                })
                .collect();
            println!("[{}]", objects.join(",\n "));
        }
        InfoFormat::Table => {
            let width = TSV_HEADER.iter().map(|h| h.len()).max().unwrap_or(0);
            for (n, info) in infos.iter().enumerate() {
                if n > 0 {
                    println!();
                }
                for (k, v) in TSV_HEADER.iter().zip(values(info)) {
                    println!("{:width$}  {v}", format!("{k}:"), width = width + 1);
                }
                println!(
                    "{:width$}  {}",
                    "Compression:",
                    info.stats.compression.name(),
                    width = width + 1
                );
                if let Some(d) = &info.stats.damage {
                    println!(
                        "{:width$}  byte {}: {}",
                        "Damage:",
                        d.offset,
                        d.message,
                        width = width + 1
                    );
                }
            }
        }
    }
    Ok(())
}
