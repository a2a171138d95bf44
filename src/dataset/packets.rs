//! Arrow builder of the `packets` table: one row per frame, appended on the hot path.

use std::fmt::Write;
use std::sync::Arc;

use datafusion::arrow::array::new_null_array;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, RecordBatch, StringBuilder, TimestampNanosecondBuilder, UInt8Builder,
    UInt16Builder, UInt32Builder, UInt64Builder,
};
use datafusion::arrow::error::ArrowError;

use super::schema::{ColType, PACKETS};
use crate::dissect::{Fragment, MAX_TUNNEL_DEPTH, Packet, TunnelKind, tcp_flags};
use crate::ip_text::IpFormatter;
use crate::source::FrameMeta;
use crate::track::{PacketAnnotation, TunnelEntry};

/// Accumulates packet rows and turns them into record batches.
pub struct PacketsBuilder {
    capture_id: UInt32Builder,
    frame: UInt64Builder,
    ts: TimestampNanosecondBuilder,
    interface_id: UInt32Builder,
    caplen: UInt32Builder,
    wire_len: UInt32Builder,
    eth_type: UInt16Builder,
    vlan: UInt16Builder,
    ip_version: UInt8Builder,
    src_ip: StringBuilder,
    dst_ip: StringBuilder,
    ip_proto: UInt8Builder,
    ttl: UInt8Builder,
    ip_len: UInt32Builder,
    fragment: StringBuilder,
    src_port: UInt16Builder,
    dst_port: UInt16Builder,
    tcp_flags: UInt16Builder,
    tcp_flags_str: StringBuilder,
    tcp_seq: UInt32Builder,
    tcp_ack: UInt32Builder,
    tcp_window: UInt16Builder,
    payload_len: UInt32Builder,
    icmp_type: UInt8Builder,
    icmp_code: UInt8Builder,
    dns_rcode: UInt8Builder,
    flow_id: UInt64Builder,
    from_orig: BooleanBuilder,
    tcp_retransmission: BooleanBuilder,
    tcp_dup_ack: BooleanBuilder,
    tcp_zero_window: BooleanBuilder,
    decode_error: StringBuilder,
    /// `tunnel` and `tunnel_flow_id` of the few tunnelled rows, by row: the columns are
    /// made when the batch is taken (all null in a capture without tunnels).
    tunnelled: Vec<TunnelledRow>,
    /// `ip_id` of the few fragment rows, by row (the column is all null without them).
    fragments: Vec<(usize, u32)>,
    /// Whether flows are tracked: if not, the flow columns are all null and are made
    /// at once when a batch is taken rather than a null at a time.
    with_flows: bool,
    rows: usize,
    capacity: usize,
    ip_text: IpFormatter,
    scratch: String,
}

impl PacketsBuilder {
    /// A builder sized for batches of `capacity` rows; `with_flows` says whether rows
    /// carry flow annotations.
    pub fn new(capacity: usize, with_flows: bool) -> Self {
        let strings = || StringBuilder::with_capacity(capacity, capacity * 12);
        PacketsBuilder {
            capture_id: UInt32Builder::with_capacity(capacity),
            frame: UInt64Builder::with_capacity(capacity),
            ts: TimestampNanosecondBuilder::with_capacity(capacity).with_timezone("UTC"),
            interface_id: UInt32Builder::with_capacity(capacity),
            caplen: UInt32Builder::with_capacity(capacity),
            wire_len: UInt32Builder::with_capacity(capacity),
            eth_type: UInt16Builder::with_capacity(capacity),
            vlan: UInt16Builder::with_capacity(capacity),
            ip_version: UInt8Builder::with_capacity(capacity),
            src_ip: strings(),
            dst_ip: strings(),
            ip_proto: UInt8Builder::with_capacity(capacity),
            ttl: UInt8Builder::with_capacity(capacity),
            ip_len: UInt32Builder::with_capacity(capacity),
            fragment: StringBuilder::with_capacity(capacity, capacity * 4),
            src_port: UInt16Builder::with_capacity(capacity),
            dst_port: UInt16Builder::with_capacity(capacity),
            tcp_flags: UInt16Builder::with_capacity(capacity),
            tcp_flags_str: StringBuilder::with_capacity(capacity, capacity * 2),
            tcp_seq: UInt32Builder::with_capacity(capacity),
            tcp_ack: UInt32Builder::with_capacity(capacity),
            tcp_window: UInt16Builder::with_capacity(capacity),
            payload_len: UInt32Builder::with_capacity(capacity),
            icmp_type: UInt8Builder::with_capacity(capacity),
            icmp_code: UInt8Builder::with_capacity(capacity),
            dns_rcode: UInt8Builder::with_capacity(capacity),
            flow_id: UInt64Builder::with_capacity(capacity),
            from_orig: BooleanBuilder::with_capacity(capacity),
            tcp_retransmission: BooleanBuilder::with_capacity(capacity),
            tcp_dup_ack: BooleanBuilder::with_capacity(capacity),
            tcp_zero_window: BooleanBuilder::with_capacity(capacity),
            decode_error: StringBuilder::with_capacity(capacity, 0),
            tunnelled: Vec::new(),
            fragments: Vec::new(),
            with_flows,
            rows: 0,
            capacity,
            ip_text: IpFormatter::default(),
            scratch: String::new(),
        }
    }

    /// Rows appended since the last batch.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no row is pending.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Appends the row of one frame.
    pub fn append(&mut self, frame: &FrameMeta, p: &Packet, a: &PacketAnnotation) {
        self.rows += 1;
        self.capture_id.append_value(frame.capture_id);
        self.frame.append_value(frame.number);
        self.ts.append_value(frame.ts_ns);
        self.interface_id.append_value(frame.interface_id);
        self.caplen.append_value(frame.caplen);
        self.wire_len.append_value(frame.wire_len);
        self.eth_type.append_option(p.eth_type);
        self.vlan.append_option(p.vlan);
        self.ip_version.append_option(p.ip_version);
        match &p.ip {
            Some(ip) => {
                self.src_ip.append_value(self.ip_text.format(&ip.src));
                match &ip.dst {
                    Some(dst) => self.dst_ip.append_value(self.ip_text.format(dst)),
                    None => self.dst_ip.append_null(),
                }
                self.ip_proto.append_option(ip.proto);
                self.ttl.append_option(ip.ttl);
                self.ip_len.append_option(ip.total_len);
                self.fragment.append_value(ip.fragment.name());
                if ip.fragment != Fragment::None {
                    self.fragments.push((self.rows - 1, ip.ident));
                }
            }
            None => {
                self.src_ip.append_null();
                self.dst_ip.append_null();
                self.ip_proto.append_null();
                self.ttl.append_null();
                self.ip_len.append_null();
                self.fragment.append_null();
            }
        }
        self.src_port.append_option(p.src_port);
        self.dst_port.append_option(p.dst_port);
        match &p.tcp {
            Some(t) => {
                self.tcp_flags.append_value(t.flags);
                self.tcp_flags_str
                    .append_value(tcp_flags::flags_str(t.flags));
                self.tcp_seq.append_value(t.seq);
                self.tcp_ack.append_value(t.ack);
                self.tcp_window.append_value(t.window);
            }
            None => {
                self.tcp_flags.append_null();
                self.tcp_flags_str.append_null();
                self.tcp_seq.append_null();
                self.tcp_ack.append_null();
                self.tcp_window.append_null();
            }
        }
        self.payload_len.append_option(p.payload_len);
        match &p.icmp {
            Some(i) => {
                self.icmp_type.append_value(i.icmp_type);
                self.icmp_code.append_option(i.code);
            }
            None => {
                self.icmp_type.append_null();
                self.icmp_code.append_null();
            }
        }
        self.dns_rcode.append_option(p.dns_rcode);
        if self.with_flows {
            self.flow_id.append_option(a.flow_id);
            self.from_orig.append_option(a.from_orig);
            self.tcp_retransmission.append_option(a.retransmission);
            self.tcp_dup_ack.append_option(a.dup_ack);
            self.tcp_zero_window.append_option(a.zero_window);
        }
        match &p.error {
            Some(e) => {
                self.scratch.clear();
                let _ = write!(self.scratch, "{e}");
                self.decode_error.append_value(&self.scratch);
            }
            None => self.decode_error.append_null(),
        }
    }

    /// Marks the row appended last as tunnelled through `layers` (outermost first).
    pub fn tunnelled(&mut self, layers: &[TunnelEntry]) {
        let mut kinds = [None; MAX_TUNNEL_DEPTH];
        for (k, l) in kinds.iter_mut().zip(layers) {
            *k = Some(l.layer.kind);
        }
        self.tunnelled.push(TunnelledRow {
            row: self.rows.saturating_sub(1),
            kinds,
            flow: layers.last().and_then(|l| l.flow_id),
        });
    }

    /// Takes the pending rows as a record batch. The builders are replaced by fresh ones of
    /// full capacity, so the next batch appends without regrowing (and copying) buffers.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let capacity = self.capacity;
        let mut done = std::mem::replace(self, PacketsBuilder::new(capacity, self.with_flows));
        done.take_batch()
    }

    fn take_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let rows = std::mem::take(&mut self.rows);
        if !self.with_flows {
            // Bring the unused flow builders to the batch's length in one step each.
            self.flow_id.append_nulls(rows);
            for b in [
                &mut self.from_orig,
                &mut self.tcp_retransmission,
                &mut self.tcp_dup_ack,
                &mut self.tcp_zero_window,
            ] {
                b.append_nulls(rows);
            }
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.capture_id.finish()),
            Arc::new(self.frame.finish()),
            Arc::new(self.ts.finish()),
            Arc::new(self.interface_id.finish()),
            Arc::new(self.caplen.finish()),
            Arc::new(self.wire_len.finish()),
            Arc::new(self.eth_type.finish()),
            Arc::new(self.vlan.finish()),
            Arc::new(self.ip_version.finish()),
            Arc::new(self.src_ip.finish()),
            Arc::new(self.dst_ip.finish()),
            Arc::new(self.ip_proto.finish()),
            Arc::new(self.ttl.finish()),
            Arc::new(self.ip_len.finish()),
            Arc::new(self.fragment.finish()),
            Arc::new(self.src_port.finish()),
            Arc::new(self.dst_port.finish()),
            Arc::new(self.tcp_flags.finish()),
            Arc::new(self.tcp_flags_str.finish()),
            Arc::new(self.tcp_seq.finish()),
            Arc::new(self.tcp_ack.finish()),
            Arc::new(self.tcp_window.finish()),
            Arc::new(self.payload_len.finish()),
            Arc::new(self.icmp_type.finish()),
            Arc::new(self.icmp_code.finish()),
            Arc::new(self.dns_rcode.finish()),
            Arc::new(self.flow_id.finish()),
            Arc::new(self.from_orig.finish()),
            Arc::new(self.tcp_retransmission.finish()),
            Arc::new(self.tcp_dup_ack.finish()),
            Arc::new(self.tcp_zero_window.finish()),
            Arc::new(self.decode_error.finish()),
        ];
        let mut columns = columns;
        columns.extend(tunnel_columns(&std::mem::take(&mut self.tunnelled), rows));
        columns.push(ip_id_column(&std::mem::take(&mut self.fragments), rows));
        RecordBatch::try_new(PACKETS.schema(), columns)
    }
}

/// The `ip_id` column of `rows` rows, of which `fragments` (row, identification; in row
/// order) are IP fragments.
fn ip_id_column(fragments: &[(usize, u32)], rows: usize) -> ArrayRef {
    if fragments.is_empty() {
        return new_null_array(&ColType::U32.arrow(), rows);
    }
    let mut ids = UInt32Builder::with_capacity(rows);
    let mut next = 0;
    for &(row, id) in fragments {
        ids.append_nulls(row - next);
        ids.append_value(id);
        next = row + 1;
    }
    ids.append_nulls(rows - next);
    Arc::new(ids.finish())
}

/// A tunnelled row: its position in the batch, its tunnels and the innermost one's flow.
struct TunnelledRow {
    row: usize,
    kinds: [Option<TunnelKind>; MAX_TUNNEL_DEPTH],
    flow: Option<u64>,
}

/// The `tunnel` and `tunnel_flow_id` columns of `rows` rows, of which `tunnelled` (in row
/// order) are tunnelled.
fn tunnel_columns(tunnelled: &[TunnelledRow], rows: usize) -> [ArrayRef; 2] {
    if tunnelled.is_empty() {
        return [
            new_null_array(&ColType::Str.arrow(), rows),
            new_null_array(&ColType::U64.arrow(), rows),
        ];
    }
    let mut names = StringBuilder::with_capacity(rows, tunnelled.len() * 6);
    let mut flows = UInt64Builder::with_capacity(rows);
    let mut text = String::new();
    let mut next = 0;
    for t in tunnelled {
        names.append_nulls(t.row - next);
        flows.append_nulls(t.row - next);
        text.clear();
        for (i, kind) in t.kinds.iter().flatten().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(kind.name());
        }
        names.append_value(&text);
        flows.append_option(t.flow);
        next = t.row + 1;
    }
    names.append_nulls(rows - next);
    flows.append_nulls(rows - next);
    [Arc::new(names.finish()), Arc::new(flows.finish())]
}
