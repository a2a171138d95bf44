//! Arrow list columns (`list<string>`, `list<uint32>`) built from row values.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, ListBuilder, StringBuilder, UInt32Builder};

/// A `list<string>` column: one list per row, null where the row has none (and, when
/// `empty_is_null`, where its list is empty).
pub fn string_list<'a, S: AsRef<str> + 'a>(
    rows: impl Iterator<Item = Option<&'a [S]>>,
    empty_is_null: bool,
) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for row in rows {
        append_string_list(&mut b, row, empty_is_null);
    }
    Arc::new(b.finish())
}

/// Appends one row of a `list<string>` column, as [`string_list`] does.
pub fn append_string_list<S: AsRef<str>>(
    b: &mut ListBuilder<StringBuilder>,
    row: Option<&[S]>,
    empty_is_null: bool,
) {
    match row {
        Some(items) if !(empty_is_null && items.is_empty()) => {
            for item in items {
                b.values().append_value(item.as_ref());
            }
            b.append(true);
        }
        _ => b.append(false),
    }
}

/// A `list<uint32>` column: one list per row (empty lists stay empty, not null).
pub fn u32_list<'a>(rows: impl Iterator<Item = &'a [u32]>) -> ArrayRef {
    let mut b = ListBuilder::new(UInt32Builder::new());
    for row in rows {
        b.values().append_slice(row);
        b.append(true);
    }
    Arc::new(b.finish())
}
