//! The report: every catalog answer on one page, grouped by the sections of
//! QUESTIONS.md, each with its chart (inline SVG), its table, and the SQL that produced
//! it. Self-contained HTML (no fetches: works offline and prints well), or Markdown with
//! PNG charts beside it.

use std::fmt::Write;
use std::path::Path;

use anyhow::Result;
use datafusion::arrow::array::{Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::execution::FunctionRegistry;
use datafusion::prelude::SessionContext;

use super::chart::{self, Spec};
use super::draw;
use crate::query::catalog::{self, Query};

/// Rows shown per table; longer answers say how many rows they have.
const MAX_ROWS: usize = 25;

/// One answered question.
pub struct Answer {
    /// The query.
    pub query: Query,
    /// Its result, or the error that stopped it.
    pub result: Result<(SchemaRef, Vec<RecordBatch>)>,
}

impl Answer {
    /// Its chart, when the query has one and the answer has rows.
    pub fn chart(&self) -> Option<Result<chart::Chart>> {
        let spec = self.query.chart.as_ref()?;
        let (_, batches) = self.result.as_ref().ok()?;
        if batches.iter().all(|b| b.num_rows() == 0) {
            return None;
        }
        Some(Spec::parse(spec).and_then(|s| chart::build(&self.query.question, &s, batches)))
    }
}

/// Runs every catalog query (default parameters) over `ctx`, except those that need a
/// database the session was not given (`--geoip`, `--asn`).
pub async fn answer_all(ctx: &SessionContext) -> Vec<Answer> {
    let mut out = Vec::new();
    for query in catalog::all() {
        if query.needs.iter().any(|f| ctx.udf(f).is_err()) {
            continue;
        }
        let result = query
            .run(ctx, &[])
            .await
            .map(|(schema, batches, _)| (schema, batches));
        out.push(Answer { query, result });
    }
    out
}

/// The sections, in catalog order.
fn sections(answers: &[Answer]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for a in answers {
        if !out.contains(&a.query.section.as_str()) {
            out.push(&a.query.section);
        }
    }
    out
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A cell as text: floats rounded to 6 significant digits, nulls empty.
fn cell(array: &dyn Array, row: usize) -> String {
    if array.is_null(row) {
        return String::new();
    }
    match array.data_type() {
        DataType::Float64 | DataType::Float32 => {
            let v: f64 = array_value_to_string(array, row)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(f64::NAN);
            if v == 0.0 || !v.is_finite() {
                format!("{v}")
            } else {
                let digits = (6 - 1 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
                let s = format!("{v:.digits$}");
                if s.contains('.') {
                    s.trim_end_matches('0').trim_end_matches('.').to_string()
                } else {
                    s
                }
            }
        }
        _ => array_value_to_string(array, row).unwrap_or_default(),
    }
}

fn table_rows(
    schema: &SchemaRef,
    batches: &[RecordBatch],
    limit: usize,
) -> (Vec<String>, Vec<Vec<String>>, usize) {
    let header: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut rows = Vec::new();
    'outer: for b in batches {
        for r in 0..b.num_rows() {
            if rows.len() == limit {
                break 'outer;
            }
            rows.push(
                (0..b.num_columns())
                    .map(|c| cell(b.column(c).as_ref(), r))
                    .collect(),
            );
        }
    }
    (header, rows, total)
}

const STYLE: &str = r#"
:root { --ink: #1d2330; --muted: #5b6474; --rule: #dde1e8; --accent: #0072b2; --bg: #ffffff; --code: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1020px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
header h1 { font-size: 2rem; margin: 0 0 .25rem; letter-spacing: -.01em; }
.sub { color: var(--muted); margin: 0 0 1.5rem; }
nav { border: 1px solid var(--rule); border-radius: 8px; padding: .75rem 1rem; margin-bottom: 2rem; }
nav ol { margin: .25rem 0 0; padding-left: 1.25rem; columns: 2; }
nav a { color: var(--accent); text-decoration: none; }
h2 { font-size: 1.5rem; border-bottom: 2px solid var(--ink); padding-bottom: .25rem; margin: 2.5rem 0 1rem; }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
article { margin: 0 0 2.25rem; padding-bottom: 1.25rem; border-bottom: 1px solid var(--rule); }
.meta { color: var(--muted); font-size: .9rem; margin: 0 0 .75rem; }
.meta code { font-size: .85rem; }
figure { margin: .5rem 0 1rem; }
figure svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; font-variant-numeric: tabular-nums; margin: .5rem 0; }
th, td { text-align: left; padding: .3rem .55rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { background: var(--code); font-weight: 600; }
td.num { text-align: right; }
.wide { overflow-x: auto; }
.more, .empty { color: var(--muted); font-size: .9rem; }
.error { color: #b00020; }
.damage { background: #fff4e5; border: 1px solid #f0b35b; padding: .5rem .75rem; border-radius: 6px; }
details { margin-top: .5rem; }
summary { cursor: pointer; color: var(--accent); font-size: .9rem; }
pre { background: var(--code); padding: .75rem 1rem; border-radius: 6px; overflow-x: auto; font-size: .82rem; line-height: 1.45; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  article { break-inside: avoid-page; }
  h2 { break-before: page; }
  h2:first-of-type { break-before: auto; }
  summary { display: none; }
  details > pre { display: block; }
  a { color: inherit; }
}
"#;

const SCRIPT: &str = r#"window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});"#;

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric()
}

fn html_table(out: &mut String, schema: &SchemaRef, batches: &[RecordBatch]) {
    let (header, rows, total) = table_rows(schema, batches, MAX_ROWS);
    if total == 0 {
        out.push_str("<p class=\"empty\">No rows: nothing in this capture answers it.</p>\n");
        return;
    }
    let numeric: Vec<bool> = schema
        .fields()
        .iter()
        .map(|f| is_numeric(f.data_type()))
        .collect();
    out.push_str("<div class=\"wide\"><table>\n<thead><tr>");
    for h in &header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for (i, v) in r.iter().enumerate() {
            let class = if numeric.get(i).copied().unwrap_or(false) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(v));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    if total > MAX_ROWS {
        let _ = writeln!(
            out,
            "<p class=\"more\">Showing {MAX_ROWS} of {total} rows.</p>"
        );
    }
}

/// Makes plotters' SVG scale with the page.
fn responsive(svg: &str, chart: &chart::Chart) -> String {
    let h = draw::height(chart);
    svg.replacen(
        "<svg ",
        &format!(
            "<svg viewBox=\"0 0 900 {h}\" role=\"img\" aria-label=\"{}\" ",
            esc(&chart.title)
        ),
        1,
    )
}

/// The report as one self-contained HTML page.
pub async fn html(ctx: &SessionContext, title: &str) -> Result<String> {
    let answers = answer_all(ctx).await;
    let captures = captures_table(ctx).await?;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    );
    let _ = writeln!(
        out,
        "<header><h1>{}</h1><p class=\"sub\">Every question of the pcapq catalog, answered by its SQL. Made by pcapq {}.</p></header>",
        esc(title),
        env!("CARGO_PKG_VERSION")
    );
    out.push_str(
        "<nav><strong>Contents</strong><ol>\n<li><a href=\"#captures\">Captures</a></li>\n",
    );
    for s in sections(&answers) {
        let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", slug(s), esc(s));
    }
    out.push_str("</ol></nav>\n");
    out.push_str("<section id=\"captures\">\n<h2>Captures</h2>\n");
    if let Some((schema, batches)) = &captures.0 {
        html_table(&mut out, schema, batches);
    }
    for d in &captures.1 {
        let _ = writeln!(out, "<p class=\"damage\">Damage: {}</p>", esc(d));
    }
    out.push_str("</section>\n");
    for s in sections(&answers) {
        let _ = writeln!(out, "<section id=\"{}\">\n<h2>{}</h2>", slug(s), esc(s));
        for a in answers.iter().filter(|a| a.query.section == s) {
            article(&mut out, a);
        }
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "<footer>Reproduce any answer with <code>pcapq query ID</code>; its SQL is under each answer.</footer>\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>"
    );
    Ok(out)
}

fn article(out: &mut String, a: &Answer) {
    let q = &a.query;
    let _ = writeln!(
        out,
        "<article id=\"q-{}\">\n<h3>{}</h3>",
        q.id,
        esc(&q.question)
    );
    let params: Vec<String> = q
        .params
        .iter()
        .map(|p| format!("{}={}", p.name, p.default))
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"meta\"><code>pcapq query {}{}</code> · source: {}</p>",
        q.id,
        if params.is_empty() {
            String::new()
        } else {
            format!(" --param {}", params.join(" --param "))
        },
        esc(&q.source)
    );
    match &a.result {
        Err(e) => {
            let _ = writeln!(
                out,
                "<p class=\"error\">This query failed: {}</p>",
                esc(&format!("{e:#}"))
            );
        }
        Ok((schema, batches)) => {
            // The question is the article's heading already: the chart goes without a title.
            let untitled = a.chart().map(|c| {
                c.map(|c| chart::Chart {
                    title: String::new(),
                    ..c
                })
            });
            match untitled.map(|c| c.and_then(|c| draw::svg(&c).map(|svg| responsive(&svg, &c)))) {
                Some(Ok(svg)) => {
                    let _ = writeln!(out, "<figure>{svg}</figure>");
                }
                Some(Err(e)) => {
                    let _ = writeln!(
                        out,
                        "<p class=\"error\">The chart failed: {}</p>",
                        esc(&e.to_string())
                    );
                }
                None => {}
            }
            html_table(out, schema, batches);
        }
    }
    let _ = writeln!(
        out,
        "<details><summary>SQL</summary><pre><code>{}</code></pre></details>\n</article>",
        esc(q.sql.trim_end())
    );
}

/// The `captures` table (shown columns) and the damage messages.
async fn captures_table(
    ctx: &SessionContext,
) -> Result<(Option<(SchemaRef, Vec<RecordBatch>)>, Vec<String>)> {
    let df = ctx
        .sql(
            "SELECT path, format, compression, link_types, frames, wire_bytes, first_ts, last_ts, \
             decode_errors, damage_offset, damage FROM captures ORDER BY capture_id",
        )
        .await?;
    let schema = df.schema().inner().clone();
    let batches = df.collect().await?;
    let mut damage = Vec::new();
    for b in &batches {
        let (paths, offsets, msgs) = (b.column(0), b.column(9), b.column(10));
        for r in 0..b.num_rows() {
            if !msgs.is_null(r) {
                damage.push(format!(
                    "{}: byte {}: {}",
                    cell(paths.as_ref(), r),
                    cell(offsets.as_ref(), r),
                    cell(msgs.as_ref(), r)
                ));
            }
        }
    }
    Ok((Some((schema, batches)), damage))
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn md_table(out: &mut String, schema: &SchemaRef, batches: &[RecordBatch]) {
    let (header, rows, total) = table_rows(schema, batches, MAX_ROWS);
    if total == 0 {
        out.push_str("_No rows: nothing in this capture answers it._\n\n");
        return;
    }
    let _ = writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| md_escape(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}|", vec!["---"; header.len()].join("|"));
    for r in rows {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter()
                .map(|v| md_escape(v))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    if total > MAX_ROWS {
        let _ = writeln!(out, "\n_Showing {MAX_ROWS} of {total} rows._");
    }
    out.push('\n');
}

/// The report as Markdown; charts are written as PNG files into `images` (a directory
/// relative to the Markdown file's directory `base`).
pub async fn markdown(
    ctx: &SessionContext,
    title: &str,
    base: &Path,
    images: &str,
) -> Result<String> {
    let answers = answer_all(ctx).await;
    let captures = captures_table(ctx).await?;
    std::fs::create_dir_all(base.join(images))?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {title}\n\nEvery question of the pcapq catalog, answered by its SQL (pcapq {}).\n",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("## Captures\n\n");
    if let Some((schema, batches)) = &captures.0 {
        md_table(&mut out, schema, batches);
    }
    for d in &captures.1 {
        let _ = writeln!(out, "> **Damage:** {}\n", md_escape(d));
    }
    for s in sections(&answers) {
        let _ = writeln!(out, "## {s}\n");
        for a in answers.iter().filter(|a| a.query.section == s) {
            let q = &a.query;
            let _ = writeln!(
                out,
                "### {}\n\n`pcapq query {}` · source: {}\n",
                q.question, q.id, q.source
            );
            match &a.result {
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "_This query failed: {}_\n",
                        md_escape(&format!("{e:#}"))
                    );
                }
                Ok((schema, batches)) => {
                    if let Some(Ok(c)) = a.chart() {
                        let rel = format!("{images}/{}.png", q.id);
                        draw::png(&c, &base.join(&rel))?;
                        let _ = writeln!(out, "![{}]({rel})\n", md_escape(&q.question));
                    }
                    md_table(&mut out, schema, batches);
                }
            }
            let _ = writeln!(
                out,
                "<details><summary>SQL</summary>\n\n```sql\n{}\n```\n\n</details>\n",
                q.sql.trim_end()
            );
        }
    }
    Ok(out)
}
