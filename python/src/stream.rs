//! A table on its way to Python: an object with `__arrow_c_stream__`, the Arrow PyCapsule
//! protocol that pyarrow, Polars and DuckDB all read.

use std::sync::Mutex;

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::PcapqError;

/// Record batches waiting for a consumer. Read once: the consumer takes the buffers.
#[pyclass(module = "pcapq._native")]
pub struct ArrowStream {
    /// In a mutex because Python objects may be shared between threads; taken once.
    stream: Mutex<Option<FFI_ArrowArrayStream>>,
}

impl ArrowStream {
    /// Wraps an Arrow C stream.
    pub fn new(stream: FFI_ArrowArrayStream) -> Self {
        ArrowStream {
            stream: Mutex::new(Some(stream)),
        }
    }
}

#[pymethods]
impl ArrowStream {
    /// The stream in a capsule named `arrow_array_stream`. The consumer moves it out; a
    /// capsule dropped unread releases the batches. `requested_schema` is not honoured
    /// (the protocol allows that): the tables have one schema each.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let taken = self.stream.lock().map(|mut s| s.take()).unwrap_or(None);
        let stream = taken.ok_or_else(|| PcapqError::new_err("this table was already read"))?;
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}
