//! Arrow batches of the application tables, `dns` and `http`, from the application
//! stage's rows.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, RecordBatch, StringArray, TimestampNanosecondArray, UInt8Array,
    UInt16Array, UInt32Array, UInt64Array,
};
use datafusion::arrow::error::ArrowError;

use super::lists::{string_list, u32_list};
use super::schema::{DNS, HTTP};
use crate::app::dns;
use crate::app::{DnsRow, HttpRow};

/// A text column from owned or borrowed values.
fn strings<S: AsRef<str>>(values: impl Iterator<Item = Option<S>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

/// Column makers over a slice of rows of one type.
struct Cols<'a, R>(&'a [R]);

impl<R> Cols<'_, R> {
    fn ts(&self, f: impl Fn(&R) -> i64) -> ArrayRef {
        let v: Vec<i64> = self.0.iter().map(f).collect();
        Arc::new(TimestampNanosecondArray::from(v).with_timezone("UTC"))
    }
    fn u64(&self, f: impl Fn(&R) -> u64) -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(self.0.iter().map(f)))
    }
    fn u32(&self, f: impl Fn(&R) -> u32) -> ArrayRef {
        Arc::new(UInt32Array::from_iter_values(self.0.iter().map(f)))
    }
    fn u16(&self, f: impl Fn(&R) -> Option<u16>) -> ArrayRef {
        Arc::new(self.0.iter().map(f).collect::<UInt16Array>())
    }
    fn u8(&self, f: impl Fn(&R) -> u8) -> ArrayRef {
        Arc::new(UInt8Array::from_iter_values(self.0.iter().map(f)))
    }
    fn bool(&self, f: impl Fn(&R) -> bool) -> ArrayRef {
        Arc::new(self.0.iter().map(|r| Some(f(r))).collect::<BooleanArray>())
    }
    fn str<'s>(&'s self, f: impl Fn(&'s R) -> Option<&'s str>) -> ArrayRef {
        Arc::new(self.0.iter().map(f).collect::<StringArray>())
    }
}

/// The `dns` rows of these messages.
pub fn dns_batch(rows: &[DnsRow]) -> Result<RecordBatch, ArrowError> {
    let c = Cols(rows);
    let columns: Vec<ArrayRef> = vec![
        c.ts(|r| r.ts),
        c.u64(|r| r.flow_id),
        c.bool(|r| r.from_orig),
        c.str(|r| Some(r.transport)),
        c.u16(|r| Some(r.msg.trans_id)),
        c.bool(|r| r.msg.is_response),
        c.u8(|r| r.msg.opcode),
        c.u8(|r| r.msg.rcode),
        strings(
            rows.iter()
                .map(|r| Some(dns::rcode_name(u16::from(r.msg.rcode)))),
        ),
        c.bool(|r| r.msg.aa),
        c.bool(|r| r.msg.tc),
        c.bool(|r| r.msg.rd),
        c.bool(|r| r.msg.ra),
        c.u8(|r| r.msg.z),
        c.str(|r| r.msg.logged_query()),
        c.u16(|r| r.msg.qclass),
        c.u16(|r| r.msg.qtype),
        strings(rows.iter().map(|r| {
            r.msg.qtype.map(|t| match t {
                // The NetBIOS node status request reuses SRV's number (Zeek's dns.log).
                33 if r.netbios => "NBSTAT".into(),
                t => dns::qtype_name(t),
            })
        })),
        string_list(rows.iter().map(|r| Some(r.msg.answers.as_slice())), false),
        u32_list(rows.iter().map(|r| r.msg.ttls.as_slice())),
        c.bool(|r| r.msg.rejected()),
    ];
    RecordBatch::try_new(DNS.schema(), columns)
}

/// The `http` rows of these transactions.
pub fn http_batch(rows: &[HttpRow]) -> Result<RecordBatch, ArrowError> {
    let c = Cols(rows);
    let columns: Vec<ArrayRef> = vec![
        c.ts(|r| r.tx.ts),
        c.u64(|r| r.flow_id),
        c.u32(|r| r.trans_depth),
        c.str(|r| r.tx.method.as_deref()),
        c.str(|r| r.tx.host.as_deref()),
        c.str(|r| r.tx.uri.as_deref()),
        c.str(|r| r.tx.version.as_deref()),
        c.str(|r| r.tx.user_agent.as_deref()),
        c.u64(|r| r.tx.request_body_len),
        c.u64(|r| r.tx.response_body_len),
        c.u16(|r| r.tx.status_code),
        c.str(|r| r.tx.status_msg.as_deref()),
        c.u16(|r| r.tx.info_code),
        c.str(|r| r.tx.info_msg.as_deref()),
    ];
    RecordBatch::try_new(HTTP.schema(), columns)
}
