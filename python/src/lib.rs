//! The native half of the `pcapq` Python package (`pcapq._native`). Every function takes
//! the command line's own arguments, parsed by the command line's own clap definitions,
//! and runs the same library code as `pcapq`: there is no second implementation. Tables
//! leave through the Arrow C stream interface, so pyarrow takes them without a copy.
//!
//! The Python layer (`python/pcapq/__init__.py`) turns keyword arguments into those
//! arguments and the streams into `pyarrow.Table`s.

mod args;
mod stream;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use datafusion::dataframe::DataFrame;
use datafusion::error::DataFusionError;
use datafusion::physical_plan::common::collect;
use pcapq::commands::{convert as convert_cmd, data, sql as sql_cmd};
use pcapq::dataset::c_stream;
use pcapq::dataset::schema::TABLES;
use pcapq::query::catalog;

use args::{ConvertCli, DataCli, TablesCli, parse};
use stream::ArrowStream;

create_exception!(
    _native,
    PcapqError,
    PyException,
    "An error from pcapq: the same one-line message the command line prints."
);

/// The error as the command line words it (`pcapq: error: …` without the prefix).
fn py_error(err: anyhow::Error) -> PyErr {
    PcapqError::new_err(format!("{err:#}"))
}

/// Runs `work` on a thread of its own while this one waits with the GIL released, waking
/// every 100 ms so that Python can handle signals: on Ctrl-C the work is told to stop
/// (through the flag it is given) and `KeyboardInterrupt` is raised once it has.
fn interruptible<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(Arc<AtomicBool>) -> anyhow::Result<T> + Send,
) -> PyResult<T> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    std::thread::scope(|scope| {
        let (done, result) = mpsc::channel();
        scope.spawn(move || {
            let _ = done.send(work(flag));
        });
        let mut signal: Option<PyErr> = None;
        let mut result = result;
        loop {
            // The receiver goes into the GIL-free closure and comes back out (it is not Sync).
            let (got, back) =
                py.detach(move || (result.recv_timeout(Duration::from_millis(100)), result));
            result = back;
            match got {
                Ok(outcome) => {
                    return match signal {
                        Some(interrupt) => Err(interrupt),
                        None => outcome.map_err(py_error),
                    };
                }
                Err(RecvTimeoutError::Timeout) => {
                    if signal.is_none()
                        && let Err(interrupt) = py.check_signals()
                    {
                        cancel.store(true, Ordering::Relaxed);
                        signal = Some(interrupt);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(PcapqError::new_err("the conversion thread stopped"));
                }
            }
        }
    })
}

/// `convert(argv) -> dict`: `pcapq convert ARGV…` (inputs after `--`), returning what
/// the run did instead of printing it.
#[pyfunction]
fn convert<'py>(py: Python<'py>, argv: Vec<String>) -> PyResult<Bound<'py, PyDict>> {
    let cli = parse::<ConvertCli>(argv)?;
    let (result, dir) = interruptible(py, |cancel| {
        convert_cmd::convert_to_dataset(&cli.args, Some(cancel))
    })?;
    let out = PyDict::new(py);
    out.set_item("dataset", dir)?;
    out.set_item("frames", result.frames)?;
    out.set_item("wire_bytes", result.wire_bytes)?;
    out.set_item("input_bytes", result.input_bytes)?;
    out.set_item("flows", result.flows)?;
    out.set_item("flows_evicted", result.track.evicted)?;
    out.set_item("seconds", result.elapsed.as_secs_f64())?;
    out.set_item(
        "decode_errors",
        result.captures.iter().map(|c| c.decode_errors).sum::<u64>(),
    )?;
    let warnings: Vec<String> = result
        .damaged()
        .filter_map(|c| c.damage_warning())
        .collect();
    out.set_item("warnings", warnings)?;
    Ok(out)
}

/// `tables(argv, names) -> {name: stream}`: converts the captures in memory (the options
/// of `pcapq convert` but the output) and hands over the named tables.
#[pyfunction]
fn tables(
    py: Python<'_>,
    argv: Vec<String>,
    names: Vec<String>,
) -> PyResult<BTreeMap<String, ArrowStream>> {
    let cli = parse::<TablesCli>(argv)?;
    let defs = names
        .iter()
        .map(|name| {
            TABLES.iter().find(|t| t.name == name).ok_or_else(|| {
                let known: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
                PcapqError::new_err(format!(
                    "no table '{name}' (the tables are {})",
                    known.join(", ")
                ))
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let mut sink = interruptible(py, |cancel| {
        let inputs = pcapq::commands::input_specs(&cli.inputs)?;
        convert_cmd::convert_to_memory(inputs, &cli.pipeline, Some(cancel))
    })?;
    Ok(defs
        .into_iter()
        .map(|def| {
            let batches = sink.tables.remove(def.name).unwrap_or_default();
            let stream = ArrowStream::new(c_stream(def.schema(), batches));
            (def.name.to_string(), stream)
        })
        .collect())
}

/// `sql(argv, statement) -> stream`: any SQL over a dataset (`-d`) or captures (`-i`).
#[pyfunction]
fn sql(py: Python<'_>, argv: Vec<String>, statement: String) -> PyResult<ArrowStream> {
    let cli = parse::<DataCli>(argv)?;
    interruptible(py, |cancel| -> anyhow::Result<ArrowStream> {
        data::runtime()?.block_on(async {
            let ctx = data::open_cancellable(&cli.data, Some(cancel)).await?;
            let df = ctx.sql(&statement).await.map_err(sql_cmd::user_facing)?;
            collected(df).await.map_err(sql_cmd::user_facing)
        })
    })
}

/// `query(argv, id, params) -> stream`: a catalog question with `--param` values.
#[pyfunction]
fn query(
    py: Python<'_>,
    argv: Vec<String>,
    id: String,
    params: Vec<(String, String)>,
) -> PyResult<ArrowStream> {
    let cli = parse::<DataCli>(argv)?;
    interruptible(py, |cancel| -> anyhow::Result<ArrowStream> {
        let q = catalog::find(&id)?;
        data::runtime()?.block_on(async {
            let ctx = data::open_cancellable(&cli.data, Some(cancel)).await?;
            let (df, _) = q.dataframe(&ctx, &params).await?;
            Ok(collected(df).await?)
        })
    })
}

/// Runs `df` and hands over its rows. The schema is the one of the batches as executed,
/// which may differ from the plan's (string columns read from Parquet come out as string
/// views).
async fn collected(df: DataFrame) -> Result<ArrowStream, DataFusionError> {
    let stream = df.execute_stream().await?;
    let schema = stream.schema();
    let batches = collect(stream).await?;
    Ok(ArrowStream::new(c_stream(schema, batches)))
}

/// `catalog() -> [dict]`: every canned question with its parameters, in catalog order.
#[pyfunction]
fn catalog_entries(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    catalog::all()
        .into_iter()
        .map(|q| {
            let entry = PyDict::new(py);
            entry.set_item("id", q.id)?;
            entry.set_item("question", &q.question)?;
            entry.set_item("source", &q.source)?;
            entry.set_item("needs", &q.needs)?;
            let params = q
                .params
                .iter()
                .map(|p| {
                    let param = PyDict::new(py);
                    param.set_item("name", &p.name)?;
                    param.set_item("default", &p.default)?;
                    param.set_item("accepts", p.accepts())?;
                    param.set_item("doc", &p.doc)?;
                    Ok(param)
                })
                .collect::<PyResult<Vec<_>>>()?;
            entry.set_item("params", params)?;
            Ok(entry)
        })
        .collect()
}

/// The module `pcapq._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PcapqError", m.py().get_type::<PcapqError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<ArrowStream>()?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(tables, m)?)?;
    m.add_function(wrap_pyfunction!(sql, m)?)?;
    m.add_function(wrap_pyfunction!(query, m)?)?;
    m.add_function(wrap_pyfunction!(catalog_entries, m)?)?;
    Ok(())
}
