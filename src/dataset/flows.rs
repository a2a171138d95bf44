//! Arrow rows of the `flows` table, from finished flows.
//!
//! Each column is the code that takes one record's value, with where it gathers the values
//! (`flow_fill`). The records are taken a few hundred at a time and every column reads
//! that chunk, so the records stay in the cache across the ninety columns, and each
//! column's loop is compiled for its own value (no call through a pointer per value).

use datafusion::arrow::array::{ListBuilder, RecordBatch, StringBuilder};
use datafusion::arrow::datatypes::{
    ArrowPrimitiveType, DataType, Float64Type as F64, TimeUnit, TimestampNanosecondType,
    UInt8Type as U8, UInt16Type as U16, UInt32Type as U32, UInt64Type as U64,
};
use datafusion::arrow::error::ArrowError;

use super::flow_fill::{Columns, Fill, bools, column, texts, typed_prims};
use super::lists::append_string_list;
use super::schema::FLOWS;
use crate::app::AppSummary;
use crate::ip_text::IpFormatter;
use crate::track::{FlowRecord, Samples};

/// Records read by every column before the next ones: a chunk of records (a few hundred
/// bytes each) stays in the core's cache while all columns take their values from it.
const CHUNK_ROWS: usize = 128;

/// The `flows` rows of these records.
pub fn flows_batch(rows: &[FlowRecord]) -> Result<RecordBatch, ArrowError> {
    let mut columns = flow_columns(rows.len());
    for chunk in rows.chunks(CHUNK_ROWS) {
        for column in columns.iter_mut() {
            column.fill(chunk);
        }
    }
    let arrays = columns
        .iter_mut()
        .map(|c| c.finish())
        .collect::<Result<_, _>>()?;
    RecordBatch::try_new(FLOWS.schema(), arrays)
}

/// A column of Arrow's primitive type `T` (numbers, durations).
fn prims<'a, T: ArrowPrimitiveType>(
    n: usize,
    f: impl Fn(&FlowRecord) -> Option<T::Native> + 'a,
) -> Box<dyn Fill + 'a> {
    typed_prims::<T>(n, T::DATA_TYPE, f)
}

fn times<'a>(n: usize, f: impl Fn(&FlowRecord) -> Option<i64> + 'a) -> Box<dyn Fill + 'a> {
    let utc = DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()));
    typed_prims::<TimestampNanosecondType>(n, utc, f)
}

fn strs<'a, F>(n: usize, f: F) -> Box<dyn Fill + 'a>
where
    F: for<'r> Fn(&'r FlowRecord) -> Option<&'r str> + 'a,
{
    texts(n, 8, move |r, text| {
        f(r).map(|s| text.push_str(s)).is_some()
    })
}

fn ips<'a>(n: usize, f: impl Fn(&FlowRecord) -> &std::net::IpAddr + 'a) -> Box<dyn Fill + 'a> {
    let mut text = IpFormatter::default();
    texts(n, 12, move |r, out| {
        out.push_str(text.format(f(r)));
        true
    })
}

/// A `list<string>` column, null where the row's list is absent or empty.
fn str_lists<'a, S, F>(f: F) -> Box<dyn Fill + 'a>
where
    S: AsRef<str> + 'a,
    F: for<'r> Fn(&'r FlowRecord) -> Option<&'r [S]> + 'a,
{
    column(ListBuilder::new(StringBuilder::new()), move |b, r| {
        append_string_list(b, f(r), true)
    })
}

/// `service`: the tunnel's service, then the detected ones, joined with commas as Zeek
/// joins them; null when there is none.
fn services<'a>(n: usize) -> Box<dyn Fill + 'a> {
    texts(n, 4, move |r, text| {
        let found = app(r).map_or(&[][..], |a| a.services.as_slice());
        let carried = r.tunnel.as_ref().and_then(|t| t.service);
        let from = text.len();
        for s in carried.iter().chain(found) {
            if text.len() > from {
                text.push(',');
            }
            text.push_str(s);
        }
        text.len() > from
    })
}

/// The builders of every column, in the table's order.
fn flow_columns<'a>(n: usize) -> Columns<'a> {
    vec![
        prims::<U64>(n, |r| Some(r.flow_id)),
        strs(n, |r| Some(r.community_id.as_str())),
        strs(n, |r| Some(r.proto_name)),
        prims::<U8>(n, |r| Some(r.ip_proto)),
        prims::<U8>(n, |r| Some(r.ip_version)),
        ips(n, |r| &r.orig_ip),
        prims::<U16>(n, |r| r.orig_port),
        ips(n, |r| &r.resp_ip),
        prims::<U16>(n, |r| r.resp_port),
        times(n, |r| Some(r.first_ts)),
        times(n, |r| Some(r.last_ts)),
        prims::<F64>(n, |r| Some(r.duration)),
        bools(n, |r| Some(r.first_from_orig)),
        prims::<U64>(n, |r| Some(r.orig.pkts)),
        prims::<U64>(n, |r| Some(r.resp.pkts)),
        prims::<U64>(n, |r| Some(r.orig_bytes)),
        prims::<U64>(n, |r| Some(r.resp_bytes)),
        prims::<U64>(n, |r| Some(r.orig.ip_bytes)),
        prims::<U64>(n, |r| Some(r.resp.ip_bytes)),
        prims::<U64>(n, |r| Some(r.orig.wire_bytes)),
        prims::<U64>(n, |r| Some(r.resp.wire_bytes)),
        prims::<U64>(n, |r| Some(r.orig.payload_bytes)),
        prims::<U64>(n, |r| Some(r.resp.payload_bytes)),
        prims::<U64>(n, |r| Some(r.orig.data_pkts)),
        prims::<U64>(n, |r| Some(r.resp.data_pkts)),
        strs(n, |r| Some(r.end_reason)),
        services(n),
        strs(n, |r| r.port_service),
        strs(n, |r| app(r).and_then(|a| a.server_name.as_deref())),
        str_lists(|r| app(r).map(|a| a.alpn.as_slice())),
        strs(n, |r| app(r).and_then(|a| a.tls_version.as_deref())),
        strs(n, |r| app(r).and_then(|a| a.ja3.as_deref())),
        strs(n, |r| app(r).and_then(|a| a.ja4.as_deref())),
        strs(n, |r| app(r).and_then(|a| a.quic_version.as_deref())),
        strs(n, |r| app(r).and_then(|a| a.ssh_client.as_deref())),
        strs(n, |r| app(r).and_then(|a| a.ssh_server.as_deref())),
        strs(n, |r| app(r).and_then(|a| a.http_user_agent.as_deref())),
        strs(n, |r| app(r).and_then(|a| a.note)),
        prims::<U32>(n, |r| r.tcp.as_ref().map(|t| t.syn_count)),
        prims::<U32>(n, |r| r.tcp.as_ref().map(|t| t.fin_count)),
        prims::<U32>(n, |r| r.tcp.as_ref().map(|t| t.rst_count)),
        strs(n, |r| r.tcp.as_ref().map(|t| t.state.as_str())),
        bools(n, |r| r.tcp.as_ref().map(|t| t.complete)),
        bools(n, |r| r.tcp.as_ref().map(|t| t.reset)),
        bools(n, |r| r.tcp.as_ref().map(|t| !t.complete)),
        times(n, |r| r.tcp.as_ref().and_then(|t| t.last_fin_ts)),
        strs(n, |r| r.conn_state),
        strs(n, |r| Some(r.history.as_str())),
        prims::<F64>(n, |r| r.tcp.as_ref().and_then(|t| t.handshake_rtt)),
        prims::<F64>(n, |r| r.tcp.as_ref().and_then(|t| t.handshake_rtt_server)),
        prims::<F64>(n, |r| r.tcp.as_ref().and_then(|t| t.handshake_rtt_client)),
        prims::<U32>(n, |r| r.tcp.as_ref().map(|t| t.rtt.count)),
        prims::<F64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.rtt.count > 0)
                .map(|t| secs(t.rtt.min))
        }),
        prims::<F64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.rtt.count > 0)
                .map(|t| secs(t.rtt.sum) / f64::from(t.rtt.count))
        }),
        prims::<F64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.rtt.count > 0)
                .map(|t| secs(t.rtt.max))
        }),
        prims::<U32>(n, |r| r.tcp.as_ref().map(|t| t.syn_fin_rtt[0].count)),
        syn_fin_rtt(n, 0, |s| s.sum),
        syn_fin_rtt(n, 0, |s| s.min),
        syn_fin_rtt(n, 0, |s| s.max),
        prims::<U32>(n, |r| r.tcp.as_ref().map(|t| t.syn_fin_rtt[1].count)),
        syn_fin_rtt(n, 1, |s| s.sum),
        syn_fin_rtt(n, 1, |s| s.min),
        syn_fin_rtt(n, 1, |s| s.max),
        prims::<U64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n > 0)
                .map(|t| u64::from(t.orig_win.min))
        }),
        prims::<F64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n > 0)
                .map(|t| t.orig_win.sum as f64 / t.orig_win.n as f64)
        }),
        prims::<U64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n > 0)
                .map(|t| u64::from(t.orig_win.max))
        }),
        prims::<U64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.resp_win.n > 0)
                .map(|t| u64::from(t.resp_win.min))
        }),
        prims::<F64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.resp_win.n > 0)
                .map(|t| t.resp_win.sum as f64 / t.resp_win.n as f64)
        }),
        prims::<U64>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.resp_win.n > 0)
                .map(|t| u64::from(t.resp_win.max))
        }),
        prims::<U16>(n, |r| {
            r.tcp
                .as_ref()
                .and_then(|t| match (t.orig_win.n, t.resp_win.n) {
                    (0, 0) => None,
                    (_, 0) => Some(t.orig_win.raw_min),
                    (0, _) => Some(t.resp_win.raw_min),
                    _ => Some(t.orig_win.raw_min.min(t.resp_win.raw_min)),
                })
        }),
        prims::<U64>(n, |r| {
            r.tcp
                .as_ref()
                .map(|t| t.orig_win.raw_sum + t.resp_win.raw_sum)
        }),
        prims::<U16>(n, |r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n + t.resp_win.n > 0)
                .map(|t| t.orig_win.raw_max.max(t.resp_win.raw_max))
        }),
        prims::<U8>(n, |r| r.tcp.as_ref().and_then(|t| t.orig_wscale)),
        prims::<U8>(n, |r| r.tcp.as_ref().and_then(|t| t.resp_wscale)),
        prims::<U64>(n, |r| {
            r.tcp
                .as_ref()
                .map(|t| t.retransmissions[0] + t.retransmissions[1])
        }),
        prims::<U64>(n, |r| r.tcp.as_ref().map(|t| t.retransmissions[0])),
        prims::<U64>(n, |r| r.tcp.as_ref().map(|t| t.retransmissions[1])),
        prims::<U64>(n, |r| r.tcp.as_ref().map(|t| t.missed_bytes)),
        strs(n, |r| r.icmp_error.as_deref()),
        prims::<U32>(n, |r| Some(r.icmp_errors)),
        str_lists(|r| r.tunnel.as_ref().map(|t| t.parents.as_slice())),
    ]
}

/// Nanoseconds as seconds.
fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// A column of one side's UVic P2 SYN/FIN RTT samples (`0`: the originator's), in
/// nanoseconds: `part` picks the sum, the smallest or the largest; null without samples.
/// Integers, not seconds as `f64`: sums over many flows stay exact.
fn syn_fin_rtt<'a>(
    n: usize,
    side: usize,
    part: impl Fn(&Samples) -> i64 + 'a,
) -> Box<dyn Fill + 'a> {
    prims::<U64>(n, move |r| {
        r.tcp
            .as_ref()
            .map(|t| &t.syn_fin_rtt[side])
            .filter(|s| s.count > 0)
            .map(|s| part(s).max(0) as u64)
    })
}

fn app(r: &FlowRecord) -> Option<&AppSummary> {
    r.app.as_deref()
}
