//! Arrow rows of the `flows` table, from finished flows.

use std::sync::Arc;

use datafusion::arrow::array::new_null_array;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, RecordBatch, StringBuilder,
    TimestampNanosecondBuilder, UInt8Builder, UInt16Builder, UInt32Builder, UInt64Builder,
};
use datafusion::arrow::error::ArrowError;

use super::lists::string_list;
use super::schema::{ColType, FLOWS};
use crate::app::AppSummary;
use crate::ip_text::IpFormatter;
use crate::track::FlowRecord;

/// The `flows` rows of these records.
pub fn flows_batch(rows: &[FlowRecord]) -> Result<RecordBatch, ArrowError> {
    let n = rows.len();
    let mut ipf = IpFormatter::default();
    let u64c = |f: &dyn Fn(&FlowRecord) -> Option<u64>| -> ArrayRef {
        let mut b = UInt64Builder::with_capacity(n);
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let u32c = |f: &dyn Fn(&FlowRecord) -> Option<u32>| -> ArrayRef {
        let mut b = UInt32Builder::with_capacity(n);
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let u16c = |f: &dyn Fn(&FlowRecord) -> Option<u16>| -> ArrayRef {
        let mut b = UInt16Builder::with_capacity(n);
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let u8c = |f: &dyn Fn(&FlowRecord) -> Option<u8>| -> ArrayRef {
        let mut b = UInt8Builder::with_capacity(n);
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let f64c = |f: &dyn Fn(&FlowRecord) -> Option<f64>| -> ArrayRef {
        let mut b = Float64Builder::with_capacity(n);
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let boolc = |f: &dyn Fn(&FlowRecord) -> Option<bool>| -> ArrayRef {
        let mut b = BooleanBuilder::with_capacity(n);
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let strc = |f: &dyn Fn(&FlowRecord) -> Option<&str>| -> ArrayRef {
        let mut b = StringBuilder::with_capacity(n, n * 8);
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let tsc = |f: &dyn Fn(&FlowRecord) -> Option<i64>| -> ArrayRef {
        let mut b = TimestampNanosecondBuilder::with_capacity(n).with_timezone("UTC");
        rows.iter().for_each(|r| b.append_option(f(r)));
        Arc::new(b.finish())
    };
    let mut orig_ip = StringBuilder::with_capacity(n, n * 12);
    let mut resp_ip = StringBuilder::with_capacity(n, n * 12);
    for r in rows {
        orig_ip.append_value(ipf.format(&r.orig_ip));
        resp_ip.append_value(ipf.format(&r.resp_ip));
    }
    let secs = |ns: i64| ns as f64 / 1e9;
    let columns: Vec<ArrayRef> = vec![
        u64c(&|r| Some(r.flow_id)),
        strc(&|r| Some(r.community_id.as_str())),
        strc(&|r| Some(r.proto_name)),
        u8c(&|r| Some(r.ip_proto)),
        u8c(&|r| Some(r.ip_version)),
        Arc::new(orig_ip.finish()),
        u16c(&|r| r.orig_port),
        Arc::new(resp_ip.finish()),
        u16c(&|r| r.resp_port),
        tsc(&|r| Some(r.first_ts)),
        tsc(&|r| Some(r.last_ts)),
        f64c(&|r| Some(r.duration)),
        boolc(&|r| Some(r.first_from_orig)),
        u64c(&|r| Some(r.orig.pkts)),
        u64c(&|r| Some(r.resp.pkts)),
        u64c(&|r| Some(r.orig_bytes)),
        u64c(&|r| Some(r.resp_bytes)),
        u64c(&|r| Some(r.orig.ip_bytes)),
        u64c(&|r| Some(r.resp.ip_bytes)),
        u64c(&|r| Some(r.orig.wire_bytes)),
        u64c(&|r| Some(r.resp.wire_bytes)),
        u64c(&|r| Some(r.orig.payload_bytes)),
        u64c(&|r| Some(r.resp.payload_bytes)),
        u64c(&|r| Some(r.orig.data_pkts)),
        u64c(&|r| Some(r.resp.data_pkts)),
        strc(&|r| Some(r.end_reason)),
        {
            // Several services are joined with commas, as Zeek joins them.
            let mut b = StringBuilder::with_capacity(n, n * 4);
            let mut joined = String::new();
            for r in rows {
                let found = app(r).map_or(&[][..], |a| a.services.as_slice());
                let carried = r.tunnel.as_ref().and_then(|t| t.service);
                let services = carried.iter().chain(found);
                joined.clear();
                for (i, s) in services.enumerate() {
                    if i > 0 {
                        joined.push(',');
                    }
                    joined.push_str(s);
                }
                if joined.is_empty() {
                    b.append_null();
                } else {
                    b.append_value(&joined);
                }
            }
            Arc::new(b.finish())
        },
        strc(&|r| r.port_service),
        strc(&|r| app(r).and_then(|a| a.server_name.as_deref())),
        string_list(rows.iter().map(|r| app(r).map(|a| a.alpn.as_slice())), true),
        strc(&|r| app(r).and_then(|a| a.tls_version.as_deref())),
        strc(&|r| app(r).and_then(|a| a.ja3.as_deref())),
        strc(&|r| app(r).and_then(|a| a.ja4.as_deref())),
        strc(&|r| app(r).and_then(|a| a.quic_version.as_deref())),
        strc(&|r| app(r).and_then(|a| a.ssh_client.as_deref())),
        strc(&|r| app(r).and_then(|a| a.ssh_server.as_deref())),
        strc(&|r| app(r).and_then(|a| a.http_user_agent.as_deref())),
        strc(&|r| app(r).and_then(|a| a.note)),
        u32c(&|r| r.tcp.as_ref().map(|t| t.syn_count)),
        u32c(&|r| r.tcp.as_ref().map(|t| t.fin_count)),
        u32c(&|r| r.tcp.as_ref().map(|t| t.rst_count)),
        strc(&|r| r.tcp.as_ref().map(|t| t.state.as_str())),
        boolc(&|r| r.tcp.as_ref().map(|t| t.complete)),
        boolc(&|r| r.tcp.as_ref().map(|t| t.reset)),
        boolc(&|r| r.tcp.as_ref().map(|t| !t.complete)),
        tsc(&|r| r.tcp.as_ref().and_then(|t| t.last_fin_ts)),
        strc(&|r| r.conn_state),
        strc(&|r| Some(r.history.as_str())),
        f64c(&|r| r.tcp.as_ref().and_then(|t| t.handshake_rtt)),
        f64c(&|r| r.tcp.as_ref().and_then(|t| t.handshake_rtt_server)),
        f64c(&|r| r.tcp.as_ref().and_then(|t| t.handshake_rtt_client)),
        u32c(&|r| r.tcp.as_ref().map(|t| t.rtt.count)),
        f64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.rtt.count > 0)
                .map(|t| secs(t.rtt.min))
        }),
        f64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.rtt.count > 0)
                .map(|t| secs(t.rtt.sum) / f64::from(t.rtt.count))
        }),
        f64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.rtt.count > 0)
                .map(|t| secs(t.rtt.max))
        }),
        u64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n > 0)
                .map(|t| t.orig_win.min)
        }),
        f64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n > 0)
                .map(|t| t.orig_win.sum as f64 / t.orig_win.n as f64)
        }),
        u64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n > 0)
                .map(|t| t.orig_win.max)
        }),
        u64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.resp_win.n > 0)
                .map(|t| t.resp_win.min)
        }),
        f64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.resp_win.n > 0)
                .map(|t| t.resp_win.sum as f64 / t.resp_win.n as f64)
        }),
        u64c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.resp_win.n > 0)
                .map(|t| t.resp_win.max)
        }),
        u16c(&|r| {
            r.tcp
                .as_ref()
                .and_then(|t| match (t.orig_win.n, t.resp_win.n) {
                    (0, 0) => None,
                    (_, 0) => Some(t.orig_win.raw_min),
                    (0, _) => Some(t.resp_win.raw_min),
                    _ => Some(t.orig_win.raw_min.min(t.resp_win.raw_min)),
                })
        }),
        u64c(&|r| {
            r.tcp
                .as_ref()
                .map(|t| t.orig_win.raw_sum + t.resp_win.raw_sum)
        }),
        u16c(&|r| {
            r.tcp
                .as_ref()
                .filter(|t| t.orig_win.n + t.resp_win.n > 0)
                .map(|t| t.orig_win.raw_max.max(t.resp_win.raw_max))
        }),
        u8c(&|r| r.tcp.as_ref().and_then(|t| t.orig_wscale)),
        u8c(&|r| r.tcp.as_ref().and_then(|t| t.resp_wscale)),
        u64c(&|r| {
            r.tcp
                .as_ref()
                .map(|t| t.retransmissions[0] + t.retransmissions[1])
        }),
        u64c(&|r| r.tcp.as_ref().map(|t| t.retransmissions[0])),
        u64c(&|r| r.tcp.as_ref().map(|t| t.retransmissions[1])),
        u64c(&|r| r.tcp.as_ref().map(|t| t.missed_bytes)),
        strc(&|r| r.icmp_error.as_deref()),
        u32c(&|r| Some(r.icmp_errors)),
        tunnel_parents(rows),
    ];
    RecordBatch::try_new(FLOWS.schema(), columns)
}

/// `tunnel_parents`: all null, made at once, unless a flow of the batch was tunnelled.
fn tunnel_parents(rows: &[FlowRecord]) -> ArrayRef {
    if rows.iter().all(|r| r.tunnel.is_none()) {
        return new_null_array(&ColType::StrList.arrow(), rows.len());
    }
    let parents = rows
        .iter()
        .map(|r| r.tunnel.as_ref().map(|t| t.parents.as_slice()));
    string_list(parents, true)
}

fn app(r: &FlowRecord) -> Option<&AppSummary> {
    r.app.as_deref()
}
