//! `pcapq schema`: every table and column, one sentence each, from the table definitions,
//! then the views every SQL session defines, each with its own opening comment.

use crate::cli::{SchemaArgs, SchemaFormat};
use crate::dataset::schema::TABLES;
use crate::query::session::VIEWS;

/// What a view is: its SQL's opening comment lines (after a `-- view: name` line), or
/// its SQL when it has none.
fn view_doc(sql: &str) -> String {
    let lines: Vec<&str> = sql
        .lines()
        .take_while(|l| l.starts_with("--"))
        .map(|l| l.trim_start_matches('-').trim())
        .filter(|l| !l.starts_with("view:"))
        .collect();
    if lines.is_empty() {
        format!("`{}`", sql.trim())
    } else {
        lines.join(" ")
    }
}

/// The schema as text or Markdown.
pub fn render(format: SchemaFormat) -> String {
    let mut out = String::new();
    for table in TABLES {
        match format {
            SchemaFormat::Text => {
                out.push_str(&format!("{} — {}\n", table.name, table.doc));
                let width = table
                    .columns
                    .iter()
                    .map(|c| c.name.len())
                    .max()
                    .unwrap_or(0);
                let twidth = table
                    .columns
                    .iter()
                    .map(|c| c.ty.name().len())
                    .max()
                    .unwrap_or(0);
                for c in table.columns {
                    out.push_str(&format!(
                        "  {:width$}  {:twidth$}  {}\n",
                        c.name,
                        c.ty.name(),
                        c.doc
                    ));
                }
                out.push('\n');
            }
            SchemaFormat::Md => {
                out.push_str(&format!(
                    "### `{}`\n\n{}\n\n| column | type | meaning |\n|---|---|---|\n",
                    table.name, table.doc
                ));
                for c in table.columns {
                    let null = if c.nullable { "" } else { ", not null" };
                    out.push_str(&format!(
                        "| `{}` | {}{} | {} |\n",
                        c.name,
                        c.ty.name(),
                        null,
                        c.doc.replace('|', "\\|")
                    ));
                }
                out.push('\n');
            }
        }
    }
    match format {
        SchemaFormat::Text => out.push_str("Views (defined in every `pcapq sql` / `query` session)\n"),
        SchemaFormat::Md => out.push_str(
            "### Views\n\nDefined in every `pcapq sql` and `pcapq query` session over the tables above.\n\n| view | what |\n|---|---|\n",
        ),
    }
    for (name, sql) in VIEWS {
        match format {
            SchemaFormat::Text => out.push_str(&format!("  {name} — {}\n", view_doc(sql))),
            SchemaFormat::Md => out.push_str(&format!(
                "| `{name}` | {} |\n",
                view_doc(sql).replace('|', "\\|")
            )),
        }
    }
    out
}

/// Runs `pcapq schema`.
pub fn run(args: &SchemaArgs) -> anyhow::Result<()> {
    print!("{}", render(args.format));
    Ok(())
}
