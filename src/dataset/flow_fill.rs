//! The columns of `flows` as they are filled from a chunk of records: Arrow builders where
//! a column needs one (lists), and plain vectors for numbers, booleans and text, whose
//! builders check their capacity and validity value by value: on a 300,000-frame flood of
//! one-packet flows the columns took about 900 M instructions that way (callgrind), and
//! 450 M gathered as here.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayBuilder, ArrayRef, BooleanArray, PrimitiveArray, StringArray};
use datafusion::arrow::buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use datafusion::arrow::datatypes::{ArrowPrimitiveType, DataType};
use datafusion::arrow::error::ArrowError;

use crate::track::FlowRecord;

/// One column being built.
pub(super) trait Fill {
    /// Appends the value of every record of `rows`.
    fn fill(&mut self, rows: &[FlowRecord]);
    /// The column built so far.
    fn finish(&mut self) -> Result<ArrayRef, ArrowError>;
}

/// The columns of a table, in its order.
pub(super) type Columns<'a> = Vec<Box<dyn Fill + 'a>>;

/// A builder and the code that appends one record's value to it.
struct Column<B, P> {
    builder: B,
    push: P,
}

impl<B: ArrayBuilder, P: FnMut(&mut B, &FlowRecord)> Fill for Column<B, P> {
    fn fill(&mut self, rows: &[FlowRecord]) {
        for r in rows {
            (self.push)(&mut self.builder, r);
        }
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        Ok(self.builder.finish())
    }
}

/// A column made by an Arrow builder and `push`, which appends one record's value.
pub(super) fn column<'a, B, P>(builder: B, push: P) -> Box<dyn Fill + 'a>
where
    B: ArrayBuilder,
    P: FnMut(&mut B, &FlowRecord) + 'a,
{
    Box::new(Column { builder, push })
}

/// Validity of the rows so far, one `bool` a row (packed into bits once, at the end).
#[derive(Default)]
struct Validity {
    valid: Vec<bool>,
    nulls: usize,
}

impl Validity {
    fn with_capacity(n: usize) -> Self {
        Validity {
            valid: Vec::with_capacity(n),
            nulls: 0,
        }
    }

    /// The null buffer of the rows so far (None when none is null), emptied.
    fn take(&mut self) -> Option<NullBuffer> {
        let valid = std::mem::take(&mut self.valid);
        (std::mem::take(&mut self.nulls) > 0).then(|| NullBuffer::from(valid))
    }
}

/// A column of Arrow's primitive type `T` (numbers, times), gathered in plain vectors.
struct Prims<T: ArrowPrimitiveType, F> {
    values: Vec<T::Native>,
    validity: Validity,
    value: F,
    data_type: DataType,
}

impl<T: ArrowPrimitiveType, F: Fn(&FlowRecord) -> Option<T::Native>> Fill for Prims<T, F> {
    fn fill(&mut self, rows: &[FlowRecord]) {
        // The chunk's room is made first and filled through slices: pushing value by value
        // checked the capacity twice a row (two thirds of this loop's instructions).
        let from = self.values.len();
        self.values.resize(from + rows.len(), T::Native::default());
        let valid = &mut self.validity.valid;
        valid.resize(from + rows.len(), false);
        let mut nulls = 0;
        let slots = self.values[from..].iter_mut().zip(&mut valid[from..]);
        for (r, (value, valid)) in rows.iter().zip(slots) {
            match (self.value)(r) {
                Some(v) => {
                    *value = v;
                    *valid = true;
                }
                None => nulls += 1,
            }
        }
        self.validity.nulls += nulls;
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let values = ScalarBuffer::from(std::mem::take(&mut self.values));
        let nulls = self.validity.take();
        let array = PrimitiveArray::<T>::try_new(values, nulls)?;
        Ok(Arc::new(array.with_data_type(self.data_type.clone())))
    }
}

/// A column of type `T` whose Arrow type may say more than `T` does (a time zone).
pub(super) fn typed_prims<'a, T: ArrowPrimitiveType>(
    n: usize,
    data_type: DataType,
    f: impl Fn(&FlowRecord) -> Option<T::Native> + 'a,
) -> Box<dyn Fill + 'a> {
    Box::new(Prims::<T, _> {
        values: Vec::with_capacity(n),
        validity: Validity::with_capacity(n),
        value: f,
        data_type,
    })
}

/// A boolean column, gathered one `bool` a row.
struct Bools<F> {
    values: Vec<bool>,
    validity: Validity,
    value: F,
}

impl<F: Fn(&FlowRecord) -> Option<bool>> Fill for Bools<F> {
    fn fill(&mut self, rows: &[FlowRecord]) {
        for r in rows {
            let v = (self.value)(r);
            self.values.push(v.unwrap_or(false));
            self.validity.valid.push(v.is_some());
            self.validity.nulls += usize::from(v.is_none());
        }
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let values = BooleanBuffer::from(std::mem::take(&mut self.values));
        let nulls = self.validity.take();
        Ok(Arc::new(BooleanArray::new(values, nulls)))
    }
}

/// A boolean column: `f` gives a record's value, None for null.
pub(super) fn bools<'a>(
    n: usize,
    f: impl Fn(&FlowRecord) -> Option<bool> + 'a,
) -> Box<dyn Fill + 'a> {
    Box::new(Bools {
        values: Vec::with_capacity(n),
        validity: Validity::with_capacity(n),
        value: f,
    })
}

/// A text column, gathered as Arrow lays it out: the bytes of every value one after the
/// other, and where each row's value ends.
struct Texts<F> {
    offsets: Vec<i32>,
    text: String,
    validity: Validity,
    emit: F,
}

impl<F: FnMut(&FlowRecord, &mut String) -> bool> Fill for Texts<F> {
    fn fill(&mut self, rows: &[FlowRecord]) {
        for r in rows {
            let valid = (self.emit)(r, &mut self.text);
            // A batch's text stays far below 2 GiB (a few thousand rows); past it, `finish`
            // refuses the column.
            self.offsets
                .push(i32::try_from(self.text.len()).unwrap_or(i32::MAX));
            self.validity.valid.push(valid);
            self.validity.nulls += usize::from(!valid);
        }
    }

    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let offsets = std::mem::replace(&mut self.offsets, vec![0]);
        let bytes = std::mem::take(&mut self.text).into_bytes();
        let nulls = self.validity.take();
        if i32::try_from(bytes.len()).is_err() {
            return Err(ArrowError::ComputeError(format!(
                "{} bytes of text in one batch of flows",
                bytes.len()
            )));
        }
        let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
        // SAFETY: the bytes are a `String`'s and every offset is its length after a row (so
        // each value ends on a character boundary), they start at 0 and never decrease, and
        // the check above keeps the last one within `i32`. Checking it all again cost as
        // much as gathering the column.
        let array = unsafe { StringArray::new_unchecked(offsets, Buffer::from_vec(bytes), nulls) };
        Ok(Arc::new(array))
    }
}

/// A text column: `emit` appends a record's value to the text it is given and says
/// whether there is one (false: null). `bytes` is the room to make for each row.
pub(super) fn texts<'a>(
    n: usize,
    bytes: usize,
    emit: impl FnMut(&FlowRecord, &mut String) -> bool + 'a,
) -> Box<dyn Fill + 'a> {
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    Box::new(Texts {
        offsets,
        text: String::with_capacity(n * bytes),
        validity: Validity::with_capacity(n),
        emit,
    })
}
