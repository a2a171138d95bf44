//! The aligned text table of `--format table`, written row by row.
//!
//! Looks like arrow's `pretty_format_batches` (`+---+` rules, `| a | b |` rows, nulls
//! blank) but never builds the whole table as one string: the columns are sized from
//! the first [`SIZING_ROWS`] rows, then every row is written straight to the output, so
//! a result of millions of rows costs a window of Arrow batches and one line of text.
//!
//! Floating-point cells are shown with at most six significant digits, as C's and
//! Python's `%g` shows them (`0.333333`, `1.23457e+06`); csv, json and parquet keep the
//! exact values.

use std::io::Write;

use anyhow::Result;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type, SchemaRef};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};

/// Rows held to size the columns before the first line is written: a larger result is
/// written as it streams, and a later cell wider than its column pushes its row's
/// border out rather than holding the whole result in memory.
pub const SIZING_ROWS: usize = 65_536;

/// Writes a stream of batches as an aligned table, holding at most [`SIZING_ROWS`] rows.
pub struct TableWriter<'w> {
    out: &'w mut dyn Write,
    schema: SchemaRef,
    held: Vec<RecordBatch>,
    held_rows: usize,
    widths: Option<Vec<usize>>,
    rows: usize,
}

impl<'w> TableWriter<'w> {
    /// A table of `schema`'s columns on `out`.
    pub fn new(out: &'w mut dyn Write, schema: SchemaRef) -> Self {
        TableWriter {
            out,
            schema,
            held: Vec::new(),
            held_rows: 0,
            widths: None,
            rows: 0,
        }
    }

    /// Adds a batch of rows.
    pub fn write(&mut self, batch: RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        self.rows += batch.num_rows();
        if self.widths.is_some() {
            return self.write_rows(&batch);
        }
        self.held_rows += batch.num_rows();
        self.held.push(batch);
        if self.held_rows >= SIZING_ROWS {
            self.start()?;
        }
        Ok(())
    }

    /// Writes what is held and the closing rule; an empty result prints the column
    /// names and `(0 rows)`.
    pub fn finish(mut self) -> Result<()> {
        if self.rows == 0 {
            let names: Vec<&str> = self
                .schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect();
            writeln!(self.out, "{}\n(0 rows)", names.join(" | "))?;
            return Ok(());
        }
        if self.widths.is_none() {
            self.start()?;
        }
        let rule = rule(self.widths.as_deref().unwrap_or_default());
        writeln!(self.out, "{rule}")?;
        Ok(())
    }

    /// Sizes the columns from the held rows, writes the header and the held rows.
    fn start(&mut self) -> Result<()> {
        let names: Vec<String> = self
            .schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let mut widths: Vec<usize> = names.iter().map(|n| display_width(n)).collect();
        let options = options();
        let mut cell = String::new();
        for batch in &self.held {
            let formatters = formatters(batch, &options)?;
            for row in 0..batch.num_rows() {
                for (width, f) in widths.iter_mut().zip(&formatters) {
                    cell.clear();
                    write_cell(&mut cell, f, row);
                    *width = (*width).max(display_width(&cell));
                }
            }
        }
        let rule = rule(&widths);
        let mut line = String::new();
        push_row(&mut line, &widths, &names);
        writeln!(self.out, "{rule}\n{line}\n{rule}")?;
        self.widths = Some(widths);
        for batch in std::mem::take(&mut self.held) {
            self.write_rows(&batch)?;
        }
        Ok(())
    }

    fn write_rows(&mut self, batch: &RecordBatch) -> Result<()> {
        let widths = self.widths.as_deref().unwrap_or_default();
        let options = options();
        let formatters = formatters(batch, &options)?;
        // One line and one buffer per column, reused for every row.
        let mut line = String::new();
        let mut cells = vec![String::new(); formatters.len()];
        for row in 0..batch.num_rows() {
            for (cell, f) in cells.iter_mut().zip(&formatters) {
                cell.clear();
                write_cell(cell, f, row);
            }
            push_row(&mut line, widths, &cells);
            writeln!(self.out, "{line}")?;
        }
        Ok(())
    }
}

fn options() -> FormatOptions<'static> {
    FormatOptions::default().with_display_error(true)
}

/// How one column's cells are written.
enum CellFormat<'a> {
    /// Arrow's own text.
    Arrow(ArrayFormatter<'a>),
    /// Six significant digits (see the module doc).
    Float(&'a dyn Array),
}

fn formatters<'a>(
    batch: &'a RecordBatch,
    options: &'a FormatOptions<'a>,
) -> Result<Vec<CellFormat<'a>>> {
    batch
        .columns()
        .iter()
        .map(|c| match c.data_type() {
            DataType::Float32 | DataType::Float64 => Ok(CellFormat::Float(c.as_ref())),
            _ => Ok(CellFormat::Arrow(ArrayFormatter::try_new(
                c.as_ref(),
                options,
            )?)),
        })
        .collect()
}

/// One cell's text, with line breaks and tabs flattened so a row stays one line.
fn write_cell(cell: &mut String, f: &CellFormat, row: usize) {
    use std::fmt::Write as _;
    match f {
        CellFormat::Arrow(f) => {
            let _ = write!(cell, "{}", f.value(row));
            if cell.contains(['\n', '\r', '\t']) {
                *cell = cell.replace(['\n', '\r', '\t'], " ");
            }
        }
        CellFormat::Float(a) => {
            if a.is_null(row) {
                return;
            }
            let v = match a.data_type() {
                DataType::Float32 => f64::from(a.as_primitive::<Float32Type>().value(row)),
                _ => a.as_primitive::<Float64Type>().value(row),
            };
            push_g6(cell, v);
        }
    }
}

/// Appends `v` as `%g` with six significant digits writes it: fixed notation for exponents
/// from -4 to 5, scientific (`1.5e+06`, `2e-05`) beyond, trailing zeros dropped.
pub fn push_g6(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    if !v.is_finite() {
        out.push_str(if v.is_nan() {
            "NaN"
        } else if v > 0.0 {
            "inf"
        } else {
            "-inf"
        });
        return;
    }
    if v == 0.0 {
        out.push_str(if v.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    // Rounding to six digits first decides the exponent (999999.7 is 1e+06).
    let sci = format!("{v:.5e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        let decimals = (5 - exp).max(0) as usize;
        let fixed = format!("{v:.decimals$}");
        out.push_str(trim_zeros(&fixed));
    } else {
        out.push_str(trim_zeros(mantissa));
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
}

/// Drops trailing zeros after a decimal point, and the point if nothing follows it.
fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Terminal columns a cell takes (one per character; no text here is wide East Asian).
fn display_width(s: &str) -> usize {
    s.chars().count()
}

fn rule(widths: &[usize]) -> String {
    let mut s = String::from("+");
    for w in widths {
        s.push_str(&"-".repeat(w + 2));
        s.push('+');
    }
    s
}

fn push_row(line: &mut String, widths: &[usize], cells: &[String]) {
    line.clear();
    line.push('|');
    for (w, c) in widths.iter().zip(cells) {
        line.push(' ');
        line.push_str(c);
        let pad = w.saturating_sub(display_width(c)) + 1;
        line.extend(std::iter::repeat_n(' ', pad));
        line.push('|');
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::arrow::util::pretty::pretty_format_batches;

    use super::*;

    fn table(schema: &SchemaRef, batches: &[RecordBatch]) -> String {
        let mut out = Vec::new();
        let mut t = TableWriter::new(&mut out, schema.clone());
        for b in batches {
            t.write(b.clone()).unwrap();
        }
        t.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn matches_arrow_pretty_print_and_blanks_nulls() {
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("a longer name", DataType::Utf8, true),
        ]));
        let batch = |ids: Vec<Option<i64>>, names: Vec<Option<&str>>| {
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int64Array::from(ids)),
                    Arc::new(StringArray::from(names)),
                ],
            )
            .unwrap()
        };
        let batches = vec![
            batch(vec![Some(1), None], vec![Some("x"), None]),
            batch(vec![Some(123456789012)], vec![Some("two\nlines")]),
        ];
        let expected = format!("{}\n", pretty_format_batches(&batches[..1]).unwrap());
        assert_eq!(table(&schema, &batches[..1]), expected);

        let text = table(&schema, &batches);
        assert!(text.contains("| 123456789012 | two lines     |"), "{text}");
        assert_eq!(text.lines().count(), 7, "{text}");
    }

    #[test]
    fn floats_show_six_significant_digits_as_percent_g() {
        // Python: ['%g' % v for v in (...)]
        let cases: [(f64, &str); 14] = [
            (1.0 / 3.0, "0.333333"),
            (2.0 / 3.0, "0.666667"),
            (1234567.89, "1.23457e+06"),
            (999999.7, "1e+06"),
            (123456.4, "123456"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (42.0, "42"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (1e100, "1e+100"),
            (0.1 + 0.2, "0.3"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ];
        for (v, want) in cases {
            let mut s = String::new();
            push_g6(&mut s, v);
            assert_eq!(s, want, "{v}");
        }
    }

    #[test]
    fn empty_result_names_the_columns() {
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Int64, true),
        ]));
        assert_eq!(table(&schema, &[]), "a | b\n(0 rows)\n");
    }

    #[test]
    fn a_long_result_streams_after_the_sizing_rows() {
        let schema: SchemaRef =
            Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        let small = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int64Array::from(vec![7; SIZING_ROWS]))],
        )
        .unwrap();
        let wide = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int64Array::from(vec![123_456]))],
        )
        .unwrap();
        let mut out = Vec::new();
        let mut t = TableWriter::new(&mut out, schema.clone());
        t.write(small).unwrap();
        assert!(
            t.held.is_empty(),
            "rows past the sizing window are written, not held"
        );
        t.write(wide).unwrap();
        t.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), SIZING_ROWS + 5);
        assert!(text.contains("| 7 |\n"), "sized from the first rows");
        assert!(
            text.contains("| 123456 |\n"),
            "a wider later cell widens its own row"
        );
    }
}
