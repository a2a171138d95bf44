//! `pcapq query`: a catalog question, answered by its canned SQL.

use anyhow::Result;

use crate::cli::QueryArgs;
use crate::query::session::VIEWS;
use crate::query::{catalog, output};

/// The catalog as a table: id, question, parameters.
pub fn list() -> String {
    let queries = catalog::all();
    let width = queries.iter().map(|q| q.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for q in &queries {
        let needs: String = q
            .needs
            .iter()
            .map(|f| match f.as_str() {
                "geo_country" => " [needs --geoip]",
                _ => " [needs --asn]",
            })
            .collect();
        out.push_str(&format!("{:width$}  {}{needs}\n", q.id, q.question));
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

/// Whether `sql` reads the table or view `name` (`FROM name` or `JOIN name`).
fn reads(sql: &str, name: &str) -> bool {
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).any(|w| {
        (w[0].eq_ignore_ascii_case("from") || w[0].eq_ignore_ascii_case("join")) && w[1] == name
    })
}

/// The session views a query reads, directly or through another view, in definition
/// order, so that `--show-sql` shows everything the answer comes from.
fn views_used(sql: &str) -> Vec<(&'static str, &'static str)> {
    let mut needed = vec![false; VIEWS.len()];
    // VIEWS is in dependency order: a view reads only views defined before it.
    for i in (0..VIEWS.len()).rev() {
        let (name, _) = VIEWS[i];
        needed[i] =
            reads(sql, name) || (i + 1..VIEWS.len()).any(|j| needed[j] && reads(VIEWS[j].1, name));
    }
    VIEWS
        .iter()
        .zip(needed)
        .filter(|(_, n)| *n)
        .map(|(v, _)| *v)
        .collect()
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
        for (name, sql) in views_used(q.sql) {
            println!(
                "\n-- The view {name}, defined in every session:\n{}",
                sql.trim_end()
            );
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_sql_includes_the_views_a_query_reads() {
        let names = |id: &str| -> Vec<&str> {
            views_used(catalog::find(id).unwrap().sql)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        assert_eq!(names("tcp-general"), vec!["uvic_flows", "uvic_connections"]);
        // The RTT samples are summarised per flow by the tracker: no `uvic_rtt_samples`.
        assert_eq!(
            names("tcp-complete-stats"),
            vec!["uvic_flows", "uvic_connections"]
        );
        assert_eq!(names("rtt"), vec!["connections"]);
        assert!(names("summary").is_empty());
    }
}
