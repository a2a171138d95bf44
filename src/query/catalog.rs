//! The catalog of canned queries: one SQL file per coursework question in `queries/`,
//! embedded in the binary. Each file opens with a header of `-- key: value` lines:
//! `question`, `source`, any number of `param`, and `chart` (how `pcapq plot` draws it).

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::execution::FunctionRegistry;
use datafusion::prelude::{DataFrame, SessionContext};

use super::params::{self, ParamDef};
use crate::error::user_error;

macro_rules! catalog {
    ($($id:literal),* $(,)?) => {
        /// Every query of the catalog: (id, SQL text with its header).
        pub const QUERY_FILES: &[(&str, &str)] = &[
            $(($id, include_str!(concat!("../../queries/", $id, ".sql")))),*
        ];
    };
}

catalog!(
    "summary",
    "packet-size-stats",
    "packet-size-cdf",
    "interarrival-cdf",
    "traffic-over-time",
    "rate-over-time",
    "protocols",
    "host-count",
    "top-hosts-by-bytes",
    "top-hosts-by-packets",
    "top-prefixes",
    "top-countries",
    "top-asns",
    "top-ports",
    "top-src-ports",
    "top-dst-ports",
    "flow-stats",
    "flow-size-cdf",
    "top-pairs-by-flows",
    "top-pairs-by-bytes",
    "pair-flow-ranks",
    "pair-slots",
    "fastest-connections",
    "failed-connections",
    "tcp-connections",
    "tcp-general",
    "tcp-complete-stats",
    "rtt",
    "retransmissions",
    "top-server-names",
    "tls-versions",
    "dns-queries",
    "http-requests",
);

/// One canned query.
#[derive(Debug, Clone)]
pub struct Query {
    /// Its id (file stem), e.g. `top-hosts-by-bytes`.
    pub id: &'static str,
    /// The question it answers.
    pub question: String,
    /// Where the question comes from.
    pub source: String,
    /// The section of QUESTIONS.md (and of the report) it belongs to.
    pub section: String,
    /// Its parameters.
    pub params: Vec<ParamDef>,
    /// How `pcapq plot` draws its answer (`kind; key=value; …`), if it is plot-worthy.
    pub chart: Option<String>,
    /// SQL functions it needs that exist only when their database is given (`geo_country`,
    /// `asn`): the report leaves the query out without them.
    pub needs: Vec<String>,
    /// The SQL, header included.
    pub sql: &'static str,
}

impl Query {
    fn parse(id: &'static str, sql: &'static str) -> Query {
        let mut q = Query {
            id,
            question: String::new(),
            source: String::new(),
            section: String::new(),
            params: Vec::new(),
            chart: None,
            needs: Vec::new(),
            sql,
        };
        for line in sql.lines().take_while(|l| l.starts_with("--")) {
            let Some((key, value)) = line.trim_start_matches('-').trim().split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "question" => q.question = value.to_string(),
                "source" => q.source = value.to_string(),
                "section" => q.section = value.to_string(),
                "param" => q.params.extend(ParamDef::parse(value)),
                "chart" => q.chart = Some(value.to_string()),
                "needs" => q.needs.extend(value.split_whitespace().map(str::to_string)),
                _ => {}
            }
        }
        q
    }

    /// Runs the query with `given` parameter values over `ctx`. Returns the schema, the
    /// rows, and the parameter values used.
    pub async fn run(
        &self,
        ctx: &SessionContext,
        given: &[(String, String)],
    ) -> anyhow::Result<(SchemaRef, Vec<RecordBatch>, Vec<(String, String)>)> {
        let (df, used) = self.dataframe(ctx, given).await?;
        let schema = df.schema().inner().clone();
        let batches = df.collect().await?;
        Ok((schema, batches, used))
    }

    /// The query with its parameters bound, ready to run or stream, and the parameter
    /// values used.
    pub async fn dataframe(
        &self,
        ctx: &SessionContext,
        given: &[(String, String)],
    ) -> anyhow::Result<(DataFrame, Vec<(String, String)>)> {
        for f in &self.needs {
            if ctx.udf(f).is_err() {
                let hint = super::udf::database_needed(f).unwrap_or("a database is missing");
                return Err(user_error(format!("{}: {hint}", self.id)));
            }
        }
        let (values, used) = params::bind(&self.params, given)?;
        let df = ctx.sql(self.sql).await?.with_param_values(values)?;
        Ok((df, used))
    }
}

/// Every query, in catalog order.
pub fn all() -> Vec<Query> {
    QUERY_FILES
        .iter()
        .map(|(id, sql)| Query::parse(id, sql))
        .collect()
}

/// The query with this id.
pub fn find(id: &str) -> anyhow::Result<Query> {
    all().into_iter().find(|q| q.id == id).ok_or_else(|| {
        let close: Vec<&str> = QUERY_FILES
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| i.contains(id) || id.contains(*i))
            .collect();
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", close.join(", "))
        };
        user_error(format!(
            "no query {id:?} in the catalog{hint}; `pcapq query --list` shows them all"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_has_a_question_and_a_source() {
        for q in all() {
            assert!(!q.question.is_empty(), "{}: no question", q.id);
            assert!(!q.source.is_empty(), "{}: no source", q.id);
            assert!(!q.section.is_empty(), "{}: no section", q.id);
            for p in &q.params {
                assert!(
                    p.value(&p.default).is_ok(),
                    "{}: default of {} is invalid",
                    q.id,
                    p.name
                );
                assert!(
                    q.sql.contains(&format!("${}", p.name)),
                    "{}: parameter {} unused",
                    q.id,
                    p.name
                );
            }
        }
    }

    #[test]
    fn every_sql_file_is_in_the_catalog() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Some(id) = name.strip_suffix(".sql") {
                assert!(
                    QUERY_FILES.iter().any(|(i, _)| *i == id),
                    "{name} is not listed in catalog!()"
                );
            }
        }
    }
}
