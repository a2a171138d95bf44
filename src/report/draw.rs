//! Drawing a [`Chart`] with plotters, as SVG text or a PNG file: titled with the question,
//! axes labelled with their units, SI prefixes on numbers, times as dates, optional
//! logarithmic axes (drawn as log10 of the values, labelled with the values).

use std::path::Path;
use std::sync::Once;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::chart::{BoxStats, Chart, Kind, Panel};

static FONT: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");

/// Okabe-Ito colours: distinguishable for colour-blind readers, and in print.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
];

const WIDTH: u32 = 900;

fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// `1234567` → `1.23M`, `0.000012` → `12µ`: numbers with SI prefixes.
pub fn si(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { format!("{v}") };
    }
    let a = v.abs();
    let (div, unit) = match a {
        a if a >= 1e12 => (1e12, "T"),
        a if a >= 1e9 => (1e9, "G"),
        a if a >= 1e6 => (1e6, "M"),
        a if a >= 1e3 => (1e3, "k"),
        a if a >= 1e-3 => (1.0, ""),
        a if a >= 1e-6 => (1e-6, "µ"),
        _ => (1e-9, "n"),
    };
    let x = v / div;
    let text = if x.fract().abs() < 1e-9 {
        format!("{x:.0}")
    } else if x.abs() < 1.0 {
        format!("{x:.3}")
    } else if x.abs() < 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.1}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{unit}")
}

/// Seconds since the epoch as a UTC time label (date shown when the span exceeds a day).
fn time_label(secs: f64, span: f64) -> String {
    let whole = secs.floor() as i64;
    let Some(dt) = datafusion::common::arrow::temporal_conversions::timestamp_s_to_datetime(whole)
    else {
        return si(secs);
    };
    if span > 86_400.0 {
        dt.format("%m-%d %H:%M").to_string()
    } else if span > 120.0 {
        dt.format("%H:%M").to_string()
    } else {
        dt.format("%H:%M:%S").to_string()
    }
}

fn axis(v: f64, log: bool) -> Option<f64> {
    if log {
        (v > 0.0).then(|| v.log10())
    } else {
        Some(v)
    }
}

fn label_of(v: f64, log: bool) -> String {
    si(if log { 10f64.powf(v) } else { v })
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().unwrap();
        if !last.is_empty() && last.len() + word.len() + 1 > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

fn range_of(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

fn padded((lo, hi): (f64, f64), zero_based: bool) -> (f64, f64) {
    let lo = if zero_based { lo.min(0.0) } else { lo };
    if hi <= lo {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi + (hi - lo) * 0.05)
    }
}

fn panel_height(chart: &Chart, panel: &Panel) -> u32 {
    match chart.kind {
        Kind::Bar => 70 + 24 * panel.categories.len().clamp(3, 40) as u32,
        _ => 320,
    }
}

/// The chart's height in pixels.
pub fn height(chart: &Chart) -> u32 {
    let title = title_height(chart);
    match chart.kind {
        Kind::Box => title + 200,
        _ => {
            title
                + chart
                    .panels
                    .iter()
                    .map(|p| panel_height(chart, p))
                    .sum::<u32>()
                    .max(120)
        }
    }
}

fn title_height(chart: &Chart) -> u32 {
    if chart.title.is_empty() {
        8
    } else {
        22 * wrap(&chart.title, 95).len() as u32 + 16
    }
}

type DrawResult<T> = Result<T>;

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing failed: {e}")
}

fn draw_on<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> DrawResult<()> {
    root.fill(&WHITE).map_err(err)?;
    let title_lines = if chart.title.is_empty() {
        Vec::new()
    } else {
        wrap(&chart.title, 95)
    };
    let (title_area, body) = root.split_vertically(title_height(chart));
    for (i, line) in title_lines.iter().enumerate() {
        title_area
            .draw(&Text::new(
                line.clone(),
                (14, 10 + 22 * i as i32),
                ("sans-serif", 17).into_font().color(&BLACK),
            ))
            .map_err(err)?;
    }
    if chart.kind == Kind::Box {
        return match &chart.boxplot {
            Some(b) => draw_box(&body, chart, b),
            None => no_data(&body),
        };
    }
    if chart
        .panels
        .iter()
        .all(|p| p.series.iter().all(|s| s.points.is_empty()))
    {
        return no_data(&body);
    }
    let mut rest = body;
    for panel in &chart.panels {
        let (area, below) = rest.split_vertically(panel_height(chart, panel));
        match chart.kind {
            Kind::Bar => draw_bars(&area, chart, panel)?,
            Kind::Rank => draw_ranks(&area, chart, panel)?,
            _ => draw_lines(&area, chart, panel)?,
        }
        rest = below;
    }
    Ok(())
}

fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> DrawResult<()> {
    area.draw(&Text::new(
        "no data",
        (30, 30),
        ("sans-serif", 16)
            .into_font()
            .color(&RGBColor(120, 120, 120)),
    ))
    .map_err(err)?;
    Ok(())
}

fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    panel: &Panel,
) -> DrawResult<()> {
    let step = chart.kind == Kind::Cdf;
    let pts = |s: &super::chart::Series| -> Vec<(f64, f64)> {
        s.points
            .iter()
            .filter_map(|&(x, y)| Some((axis(x, chart.log_x)?, axis(y, chart.log_y)?)))
            .collect()
    };
    let all: Vec<(f64, f64)> = panel.series.iter().flat_map(pts).collect();
    let Some(xr) = range_of(all.iter().map(|p| p.0)) else {
        return no_data(area);
    };
    let yr = range_of(all.iter().map(|p| p.1)).unwrap_or((0.0, 1.0));
    let xr = padded(xr, false);
    let yr = if step && !chart.log_y {
        (0.0, 1.0)
    } else {
        padded(yr, !chart.log_y)
    };
    let span = xr.1 - xr.0;
    let mut c = ChartBuilder::on(area)
        .margin(12)
        .caption(&panel.name, ("sans-serif", 14))
        .x_label_area_size(46)
        .y_label_area_size(72)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
        .map_err(err)?;
    let x_fmt = |v: &f64| {
        if chart.x_is_time {
            time_label(*v, span)
        } else {
            label_of(*v, chart.log_x)
        }
    };
    let y_fmt = |v: &f64| label_of(*v, chart.log_y);
    c.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(8)
        .y_labels(6)
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    for (i, s) in panel.series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let mut p = pts(s);
        if step {
            p = p
                .windows(2)
                .flat_map(|w| [w[0], (w[1].0, w[0].1)])
                .chain(p.last().copied())
                .collect();
        }
        let series = c
            .draw_series(LineSeries::new(p, color.stroke_width(2)))
            .map_err(err)?;
        if panel.series.len() > 1 {
            series.label(s.name.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        }
    }
    if panel.series.len() > 1 {
        c.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font(("sans-serif", 12))
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// A ranking: one horizontal bar per category, the first category on top.
fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    panel: &Panel,
) -> DrawResult<()> {
    let Some(series) = panel.series.first() else {
        return no_data(area);
    };
    let n = series.points.len().min(40);
    let values: Vec<f64> = series.points.iter().take(n).map(|p| p.1).collect();
    let shown: Vec<Option<f64>> = values.iter().map(|&v| axis(v, chart.log_y)).collect();
    let Some(vr) = range_of(shown.iter().flatten().copied()) else {
        return no_data(area);
    };
    let base = if chart.log_y { vr.0.floor() - 0.1 } else { 0.0 };
    let (lo, hi) = padded((base.min(vr.0), vr.1), !chart.log_y);
    let label_width = panel
        .categories
        .iter()
        .take(n)
        .map(|c| c.chars().count().min(30))
        .max()
        .unwrap_or(4) as u32;
    let mut c = ChartBuilder::on(area)
        .margin(12)
        .caption(&panel.name, ("sans-serif", 14))
        .x_label_area_size(46)
        .y_label_area_size(20 + 7 * label_width)
        .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))
        .map_err(err)?;
    let cats: Vec<String> = panel
        .categories
        .iter()
        .take(n)
        .map(|s| truncate(s, 30))
        .collect();
    let y_fmt = |v: &f64| {
        let i = n as f64 - 1.0 - v.round();
        if (v - v.round()).abs() < 0.01 && i >= 0.0 && (i as usize) < cats.len() {
            cats[i as usize].clone()
        } else {
            String::new()
        }
    };
    let x_fmt = |v: &f64| label_of(*v, chart.log_y);
    c.configure_mesh()
        .disable_y_mesh()
        .x_desc(panel.y_label.as_str())
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&x_fmt)
        .y_labels(n.max(1))
        .x_labels(6)
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    let color = PALETTE[0];
    c.draw_series(shown.iter().enumerate().filter_map(|(i, v)| {
        let y = n as f64 - 1.0 - i as f64;
        v.map(|v| Rectangle::new([(base, y - 0.35), (v, y + 0.35)], color.filled()))
    }))
    .map_err(err)?;
    // The value at the end of each bar, so small ones can still be read.
    c.draw_series(
        shown
            .iter()
            .zip(&values)
            .enumerate()
            .filter_map(|(i, (shown, value))| {
                let y = n as f64 - 1.0 - i as f64;
                shown.map(|v| {
                    Text::new(
                        format!(" {}", si(*value)),
                        (v, y + 0.2),
                        ("sans-serif", 11).into_font().color(&RGBColor(60, 60, 60)),
                    )
                })
            }),
    )
    .map_err(err)?;
    Ok(())
}

/// Values by rank: vertical bars on a numeric rank axis (linear or log).
fn draw_ranks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    panel: &Panel,
) -> DrawResult<()> {
    let Some(series) = panel.series.first() else {
        return no_data(area);
    };
    let pts: Vec<(f64, f64)> = series
        .points
        .iter()
        .filter_map(|&(x, y)| Some((x, axis(y, chart.log_y)?)))
        .collect();
    let Some(xr) = range_of(pts.iter().map(|p| p.0)) else {
        return no_data(area);
    };
    let yr = range_of(pts.iter().map(|p| p.1)).unwrap_or((0.0, 1.0));
    let base = if chart.log_y { yr.0.floor() - 0.1 } else { 0.0 };
    let (ylo, yhi) = padded((base.min(yr.0), yr.1), !chart.log_y);
    let mut c = ChartBuilder::on(area)
        .margin(12)
        .caption(&panel.name, ("sans-serif", 14))
        .x_label_area_size(46)
        .y_label_area_size(72)
        .build_cartesian_2d((xr.0 - 0.6)..(xr.1 + 0.6), ylo..yhi)
        .map_err(err)?;
    let y_fmt = |v: &f64| label_of(*v, chart.log_y);
    let x_fmt = |v: &f64| si(*v);
    c.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&x_fmt)
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    let color = PALETTE[0];
    c.draw_series(
        pts.iter()
            .map(|&(x, y)| Rectangle::new([(x - 0.4, base), (x + 0.4, y)], color.filled())),
    )
    .map_err(err)?;
    Ok(())
}

fn draw_box<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    b: &BoxStats,
) -> DrawResult<()> {
    let (lo, hi) = padded((b.min, b.max), false);
    let pad = (hi - lo).max(1.0) * 0.02;
    let mut c = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(46)
        .y_label_area_size(20)
        .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..1.0)
        .map_err(err)?;
    let x_fmt = |v: &f64| si(*v);
    c.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(chart.x_label.as_str())
        .x_label_formatter(&x_fmt)
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    let color = PALETTE[0];
    let line = |x0: f64, y0: f64, x1: f64, y1: f64| {
        PathElement::new(vec![(x0, y0), (x1, y1)], color.stroke_width(2))
    };
    c.draw_series([Rectangle::new(
        [(b.q1, 0.3), (b.q3, 0.7)],
        color.mix(0.25).filled(),
    )])
    .map_err(err)?;
    c.draw_series([Rectangle::new(
        [(b.q1, 0.3), (b.q3, 0.7)],
        color.stroke_width(2),
    )])
    .map_err(err)?;
    c.draw_series([
        line(b.median, 0.3, b.median, 0.7),
        line(b.min, 0.5, b.q1, 0.5),
        line(b.q3, 0.5, b.max, 0.5),
        line(b.min, 0.4, b.min, 0.6),
        line(b.max, 0.4, b.max, 0.6),
    ])
    .map_err(err)?;
    if let Some(mean) = b.mean {
        c.draw_series([Cross::new((mean, 0.5), 6, PALETTE[1].stroke_width(2))])
            .map_err(err)?;
    }
    let note = format!(
        "min {}  q1 {}  median {}  q3 {}  max {}{}",
        si(b.min),
        si(b.q1),
        si(b.median),
        si(b.q3),
        si(b.max),
        b.mean
            .map(|m| format!("  mean {} (×)", si(m)))
            .unwrap_or_default()
    );
    c.draw_series([Text::new(note, (lo, 0.88), ("sans-serif", 13).into_font())])
        .map_err(err)?;
    Ok(())
}

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String> {
    fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height(chart))).into_drawing_area();
        draw_on(&root, chart)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// Writes the chart as a PNG file.
pub fn png(chart: &Chart, path: &Path) -> Result<()> {
    fonts();
    let root = BitMapBackend::new(path, (WIDTH, height(chart))).into_drawing_area();
    draw_on(&root, chart)?;
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_prefixes() {
        assert_eq!(si(0.0), "0");
        assert_eq!(si(1500.0), "1.5k");
        assert_eq!(si(2_000_000.0), "2M");
        assert_eq!(si(0.000012), "12µ");
        assert_eq!(si(42.0), "42");
        assert_eq!(si(0.25), "0.25");
        assert_eq!(si(0.8), "0.8");
    }
}
