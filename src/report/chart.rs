//! What a chart shows, taken from a query's answer by its `chart:` spec: the data series
//! are exactly the query's columns, so tests compare them with the query result, and the
//! drawing code (`draw`) never looks at SQL.
//!
//! A spec is `kind; key=value; …` with kind `cdf` (step line), `line` (time series),
//! `bar` (ranking, horizontal bars), `rank` (vertical bars by rank) or `box` (box plot
//! from quartiles), and keys `x`, `y` (comma-separated columns), `series` (a column that
//! splits the rows), `xlabel`, `ylabel`, and the flags `log-x`, `log-y`.

use anyhow::{Result, anyhow, bail};
use datafusion::arrow::array::{Array, ArrayRef, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::arrow::util::display::array_value_to_string;

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Cumulative distribution: step lines.
    Cdf,
    /// Time series: lines over a time axis.
    Line,
    /// Ranking: horizontal bars, one per category.
    Bar,
    /// Values by rank: vertical bars on a numeric axis.
    Rank,
    /// Box plot from precomputed quartiles.
    Box,
}

/// A parsed `chart:` spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Chart kind.
    pub kind: Kind,
    /// Key-value settings, in order.
    pub settings: Vec<(String, String)>,
    /// Logarithmic x axis.
    pub log_x: bool,
    /// Logarithmic y axis.
    pub log_y: bool,
}

impl Spec {
    /// Parses `kind; key=value; flag; …`.
    pub fn parse(text: &str) -> Result<Spec> {
        let mut parts = text.split(';').map(str::trim).filter(|p| !p.is_empty());
        let kind = match parts.next() {
            Some("cdf") => Kind::Cdf,
            Some("line") => Kind::Line,
            Some("bar") => Kind::Bar,
            Some("rank") => Kind::Rank,
            Some("box") => Kind::Box,
            other => bail!("unknown chart kind {other:?}"),
        };
        let mut spec = Spec {
            kind,
            settings: Vec::new(),
            log_x: false,
            log_y: false,
        };
        for p in parts {
            match p.split_once('=') {
                Some((k, v)) => spec
                    .settings
                    .push((k.trim().to_string(), v.trim().to_string())),
                None if p == "log-x" => spec.log_x = true,
                None if p == "log-y" => spec.log_y = true,
                None => bail!("unknown chart flag {p:?}"),
            }
        }
        Ok(spec)
    }

    /// A setting's value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn need(&self, key: &str) -> Result<&str> {
        self.get(key)
            .ok_or_else(|| anyhow!("chart spec has no {key}="))
    }
}

/// One named line or set of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Points (x, y). For bars, x is the index of the category.
    pub points: Vec<(f64, f64)>,
}

/// One plot area.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Panel heading (the series value or the y column), empty for a single panel.
    pub name: String,
    /// Category labels of a bar chart, by index.
    pub categories: Vec<String>,
    /// The data.
    pub series: Vec<Series>,
    /// Y-axis label of this panel.
    pub y_label: String,
}

/// Quartiles and friends for a box plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    /// Smallest value.
    pub min: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Largest value.
    pub max: f64,
    /// Mean, marked separately.
    pub mean: Option<f64>,
}

/// Everything needed to draw a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Title: the question.
    pub title: String,
    /// Kind.
    pub kind: Kind,
    /// X-axis label (with its unit).
    pub x_label: String,
    /// Whether x values are seconds since the epoch, to be shown as times.
    pub x_is_time: bool,
    /// Logarithmic axes.
    pub log_x: bool,
    /// Logarithmic axes.
    pub log_y: bool,
    /// Plot areas, stacked vertically.
    pub panels: Vec<Panel>,
    /// Box-plot statistics (kind Box only).
    pub boxplot: Option<BoxStats>,
}

/// A column name as an axis label with its unit: `bits_per_s` → `bit/s`.
pub fn humanize(column: &str) -> String {
    let s = column
        .replace("bits_per_s", "bit/s")
        .replace("_per_s", "/s")
        .replace("_s", " (s)");
    s.replace('_', " ")
}

/// A column of the answer, as f64 (timestamps as seconds since the epoch) or strings.
struct Column {
    array: ArrayRef,
}

fn column(batches: &[RecordBatch], name: &str) -> Result<Column> {
    let arrays: Vec<ArrayRef> = batches
        .iter()
        .map(|b| {
            b.column_by_name(name)
                .cloned()
                .ok_or_else(|| anyhow!("the answer has no column {name}"))
        })
        .collect::<Result<_>>()?;
    let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
    let array = if refs.is_empty() {
        datafusion::arrow::array::new_empty_array(&DataType::Float64)
    } else {
        datafusion::arrow::compute::concat(&refs)?
    };
    Ok(Column { array })
}

impl Column {
    fn is_time(&self) -> bool {
        matches!(self.array.data_type(), DataType::Timestamp(_, _))
    }

    fn floats(&self) -> Result<Vec<Option<f64>>> {
        let a = if self.is_time() {
            let ns = cast(
                &self.array,
                &DataType::Timestamp(TimeUnit::Nanosecond, None),
            )?;
            let ns = cast(&ns, &DataType::Int64)?;
            cast(&ns, &DataType::Float64)?
        } else {
            cast(&self.array, &DataType::Float64)?
        };
        let a = a
            .as_any()
            .downcast_ref::<datafusion::arrow::array::Float64Array>()
            .ok_or_else(|| anyhow!("not numeric"))?;
        let scale = if self.is_time() { 1e-9 } else { 1.0 };
        Ok((0..a.len())
            .map(|i| (!a.is_null(i)).then(|| a.value(i) * scale))
            .collect())
    }

    fn strings(&self) -> Result<Vec<String>> {
        (0..self.array.len())
            .map(|i| {
                if self.array.is_null(i) {
                    Ok("(none)".to_string())
                } else {
                    Ok(array_value_to_string(&self.array, i)?)
                }
            })
            .collect()
    }
}

/// Splits row indices by the value of the `series` column (in order of first appearance).
fn groups(batches: &[RecordBatch], spec: &Spec, rows: usize) -> Result<Vec<(String, Vec<usize>)>> {
    let Some(series_col) = spec.get("series") else {
        return Ok(vec![(String::new(), (0..rows).collect())]);
    };
    let keys = column(batches, series_col)?.strings()?;
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, k) in keys.into_iter().enumerate() {
        match out.iter_mut().find(|(name, _)| *name == k) {
            Some((_, v)) => v.push(i),
            None => out.push((k, vec![i])),
        }
    }
    Ok(out)
}

/// Builds the chart of a query's answer.
pub fn build(title: &str, spec: &Spec, batches: &[RecordBatch]) -> Result<Chart> {
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut chart = Chart {
        title: title.to_string(),
        kind: spec.kind,
        x_label: spec.get("xlabel").unwrap_or_default().to_string(),
        x_is_time: false,
        log_x: spec.log_x,
        log_y: spec.log_y,
        panels: Vec::new(),
        boxplot: None,
    };
    let y_label = spec.get("ylabel").unwrap_or_default().to_string();
    match spec.kind {
        Kind::Box => {
            let one = |key: &str| -> Result<Option<f64>> {
                let col = spec.need(key)?;
                Ok(column(batches, col)?.floats()?.first().copied().flatten())
            };
            let mean = spec.get("mean").map(|_| one("mean")).transpose()?.flatten();
            if let (Some(min), Some(q1), Some(median), Some(q3), Some(max)) = (
                one("min")?,
                one("q1")?,
                one("median")?,
                one("q3")?,
                one("max")?,
            ) {
                chart.boxplot = Some(BoxStats {
                    min,
                    q1,
                    median,
                    q3,
                    max,
                    mean,
                });
            }
        }
        Kind::Cdf => {
            let xs = column(batches, spec.need("x")?)?.floats()?;
            let ys = column(batches, spec.need("y")?)?.floats()?;
            let mut panel = Panel {
                name: String::new(),
                categories: Vec::new(),
                series: Vec::new(),
                y_label,
            };
            for (name, idx) in groups(batches, spec, rows)? {
                let points = idx.iter().filter_map(|&i| Some((xs[i]?, ys[i]?))).collect();
                panel.series.push(Series { name, points });
            }
            chart.panels.push(panel);
        }
        Kind::Line => {
            let xcol = column(batches, spec.need("x")?)?;
            chart.x_is_time = xcol.is_time();
            if chart.x_label.is_empty() && chart.x_is_time {
                chart.x_label = "time (UTC)".to_string();
            }
            let xs = xcol.floats()?;
            for y in spec.need("y")?.split(',').map(str::trim) {
                let ys = column(batches, y)?.floats()?;
                let points = (0..rows).filter_map(|i| Some((xs[i]?, ys[i]?))).collect();
                chart.panels.push(Panel {
                    name: humanize(y),
                    categories: Vec::new(),
                    series: vec![Series {
                        name: y.to_string(),
                        points,
                    }],
                    y_label: humanize(y),
                });
            }
        }
        Kind::Bar | Kind::Rank => {
            let xs = column(batches, spec.need("x")?)?;
            let labels = xs.strings()?;
            let numeric_x = xs.floats().ok();
            let y_cols: Vec<&str> = spec.need("y")?.split(',').map(str::trim).collect();
            for (group, idx) in groups(batches, spec, rows)? {
                for y in &y_cols {
                    let ys = column(batches, y)?.floats()?;
                    let mut categories = Vec::new();
                    let mut points = Vec::new();
                    for &i in &idx {
                        let Some(v) = ys[i] else { continue };
                        let x = match (spec.kind, &numeric_x) {
                            (Kind::Rank, Some(n)) => n[i].unwrap_or(categories.len() as f64),
                            _ => categories.len() as f64,
                        };
                        categories.push(labels[i].clone());
                        points.push((x, v));
                    }
                    let name = match (group.is_empty(), y_cols.len() > 1) {
                        (true, false) => String::new(),
                        (true, true) => humanize(y),
                        (false, false) => group.clone(),
                        (false, true) => format!("{group}: {}", humanize(y)),
                    };
                    chart.panels.push(Panel {
                        name,
                        categories,
                        series: vec![Series {
                            name: y.to_string(),
                            points,
                        }],
                        y_label: if y_cols.len() > 1 {
                            humanize(y)
                        } else {
                            y_label.clone()
                        },
                    });
                }
            }
        }
    }
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        let s = Spec::parse("cdf; x=size; y=cdf; series=metric; xlabel=flow size (bytes); log-x")
            .unwrap();
        assert_eq!(s.kind, Kind::Cdf);
        assert_eq!(s.get("xlabel"), Some("flow size (bytes)"));
        assert!(s.log_x && !s.log_y);
        assert!(Spec::parse("pie; x=a").is_err());
        assert!(Spec::parse("bar; sideways").is_err());
    }
}
