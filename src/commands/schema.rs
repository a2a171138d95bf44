//! `pcapq schema`: every table and column, one sentence each, from the table definitions.

use crate::cli::{SchemaArgs, SchemaFormat};
use crate::dataset::schema::TABLES;

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
    out
}

/// Runs `pcapq schema`.
pub fn run(args: &SchemaArgs) -> anyhow::Result<()> {
    print!("{}", render(args.format));
    Ok(())
}
