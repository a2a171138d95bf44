//! `pcapq sql`: any SQL over the tables.

use anyhow::Result;
use datafusion::error::DataFusionError;

use crate::cli::SqlArgs;
use crate::error::user_error;
use crate::query::output;

/// A DataFusion error caused by the statement itself (syntax, unknown table or column,
/// type mismatch) becomes a user error (exit code 2) with DataFusion's message.
pub fn user_facing(err: DataFusionError) -> anyhow::Error {
    match err.find_root() {
        DataFusionError::SQL(..) | DataFusionError::Plan(_) | DataFusionError::SchemaError(..) => {
            let message = err.find_root().to_string().replace('\n', " ");
            let database = crate::query::udf::missing_database_hint(&message);
            let hint = if let Some(hint) = database {
                format!(" ({hint})")
            } else if message.contains("table '") && message.contains("not found") {
                " (the tables are packets, flows, dns, http, captures and the view connections; \
                 `pcapq schema` lists their columns)"
                    .to_string()
            } else {
                String::new()
            };
            user_error(format!("SQL: {message}{hint}"))
        }
        _ => err.into(),
    }
}

/// Runs `pcapq sql`.
pub fn run(args: &SqlArgs) -> Result<()> {
    let rt = super::data::runtime()?;
    rt.block_on(async {
        let ctx = super::data::open(&args.data).await?;
        let df = ctx.sql(&args.sql).await.map_err(user_facing)?;
        let stream = df.execute_stream().await.map_err(user_facing)?;
        output::write_stream(stream, args.format, args.output.as_deref(), user_facing).await
    })
}
