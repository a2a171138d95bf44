//! `pcapq query`: a catalog question, answered by its canned SQL.

use anyhow::Result;

use crate::cli::QueryArgs;
use crate::query::{catalog, output};

/// The catalog as a table: id, question, parameters.
pub fn list() -> String {
    let queries = catalog::all();
    let width = queries.iter().map(|q| q.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for q in &queries {
        out.push_str(&format!("{:width$}  {}\n", q.id, q.question));
        for p in &q.params {
            out.push_str(&format!(
                "{:width$}    --param {}={} ({}): {}\n",
                "",
                p.name,
                p.default,
                p.accepts(),
                p.doc
            ));
        }
    }
    out
}

/// Runs `pcapq query`.
pub fn run(args: &QueryArgs) -> Result<()> {
    if args.list {
        print!("{}", list());
        return Ok(());
    }
    let id = args.id.as_deref().unwrap_or_default();
    let q = catalog::find(id)?;
    if args.show_sql {
        println!("{}", q.sql.trim_end());
        return Ok(());
    }
    let rt = super::data::runtime()?;
    rt.block_on(async {
        let ctx = super::data::open(&args.data).await?;
        let (df, _) = q.dataframe(&ctx, &args.params).await?;
        let stream = df.execute_stream().await?;
        output::write_stream(stream, args.format, args.output.as_deref(), |e| e.into()).await
    })
}
