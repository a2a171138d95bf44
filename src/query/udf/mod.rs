//! SQL functions DataFusion does not have and traffic analysis needs: `ip_prefix`,
//! `is_private`, `port_service`, `hash_slot`, and, given their databases, `geo_country`,
//! `asn` and `as_org` (`geo.rs`). (Time buckets use DataFusion's own
//! `date_trunc` / `date_bin`; no function here duplicates a built-in.)

mod geo;
mod ip;
mod ports;

pub use geo::{Lookups, database_needed, missing_database_hint};

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, ScalarUDF, Volatility, create_udf};
use datafusion::prelude::SessionContext;

/// Registers every pcapq function in `ctx`.
pub fn register(ctx: &SessionContext) {
    for f in all() {
        ctx.register_udf(f);
    }
}

/// Every pcapq function.
pub fn all() -> Vec<ScalarUDF> {
    vec![
        create_udf(
            "ip_prefix",
            vec![DataType::Utf8, DataType::Int64],
            DataType::Utf8,
            Volatility::Immutable,
            Arc::new(|args: &[ColumnarValue]| {
                map2(args, |ips, lens| {
                    let (ips, lens) = (ips.as_string::<i32>(), lens.as_primitive::<Int64Type>());
                    let mut out = datafusion::arrow::array::StringBuilder::with_capacity(
                        ips.len(),
                        ips.len() * 16,
                    );
                    let mut buf = String::with_capacity(48);
                    for (ip, len) in ips.iter().zip(lens.iter()) {
                        buf.clear();
                        match ip.zip(len) {
                            Some((ip, len)) if ip::write_prefix(ip, len, &mut buf) => {
                                out.append_value(&buf)
                            }
                            _ => out.append_null(),
                        }
                    }
                    Arc::new(out.finish())
                })
            }),
        ),
        create_udf(
            "is_private",
            vec![DataType::Utf8],
            DataType::Boolean,
            Volatility::Immutable,
            Arc::new(|args: &[ColumnarValue]| {
                map1(args, |ips| {
                    let out: datafusion::arrow::array::BooleanArray = ips
                        .as_string::<i32>()
                        .iter()
                        .map(|ip| ip.and_then(ip::is_private))
                        .collect();
                    Arc::new(out)
                })
            }),
        ),
        create_udf(
            "port_service",
            vec![DataType::Int64, DataType::Utf8],
            DataType::Utf8,
            Volatility::Immutable,
            Arc::new(|args: &[ColumnarValue]| {
                map2(args, |ports, protos| {
                    let (ports, protos) =
                        (ports.as_primitive::<Int64Type>(), protos.as_string::<i32>());
                    let out: datafusion::arrow::array::StringArray = ports
                        .iter()
                        .zip(protos.iter())
                        .map(|(port, proto)| {
                            port.zip(proto)
                                .and_then(|(port, proto)| ports::service(port, proto))
                        })
                        .collect();
                    Arc::new(out)
                })
            }),
        ),
        create_udf(
            "hash_slot",
            vec![DataType::Utf8, DataType::Int64],
            DataType::Int64,
            Volatility::Immutable,
            Arc::new(|args: &[ColumnarValue]| {
                map2(args, |values, slots| {
                    let (values, slots) =
                        (values.as_string::<i32>(), slots.as_primitive::<Int64Type>());
                    let out: datafusion::arrow::array::Int64Array = values
                        .iter()
                        .zip(slots.iter())
                        .map(|(v, n)| {
                            v.zip(n)
                                .filter(|(_, n)| *n > 0)
                                .map(|(v, n)| (fnv1a(v.as_bytes()) % n as u64) as i64)
                        })
                        .collect();
                    Arc::new(out)
                })
            }),
        ),
    ]
}

/// FNV-1a, 64 bits: a simple, stable hash, so `hash_slot` gives the same slots everywhere.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn to_arrays(args: &[ColumnarValue], types: &[DataType]) -> Result<(Vec<ArrayRef>, bool)> {
    let all_scalar = args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
    let arrays = ColumnarValue::values_to_arrays(args)?;
    let arrays = arrays
        .iter()
        .zip(types)
        .map(|(a, t)| cast(a, t).map_err(Into::into))
        .collect::<Result<_>>()?;
    Ok((arrays, all_scalar))
}

fn finish(out: ArrayRef, all_scalar: bool) -> Result<ColumnarValue> {
    if all_scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}

fn map1(args: &[ColumnarValue], f: impl Fn(&ArrayRef) -> ArrayRef) -> Result<ColumnarValue> {
    let (a, scalar) = to_arrays(args, &[DataType::Utf8])?;
    finish(f(&a[0]), scalar)
}

fn map2(
    args: &[ColumnarValue],
    f: impl Fn(&ArrayRef, &ArrayRef) -> ArrayRef,
) -> Result<ColumnarValue> {
    let types: Vec<DataType> = args
        .iter()
        .map(|a| match a.data_type() {
            DataType::Utf8
            | DataType::Utf8View
            | DataType::LargeUtf8
            | DataType::Dictionary(_, _) => DataType::Utf8,
            _ => DataType::Int64,
        })
        .collect();
    let (a, scalar) = to_arrays(args, &types)?;
    finish(f(&a[0], &a[1]), scalar)
}
