//! Helpers shared by the integration tests: the shared captures and their tool outputs,
//! running the pipeline in memory, reading columns back, and writing capture fixtures.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use datafusion::arrow::array::{Array, RecordBatch};
use datafusion::arrow::util::display::array_value_to_string;
use pcapq::convert::progress::Progress;
use pcapq::convert::{PipelineOptions, PipelineResult, run_pipeline};
use pcapq::dataset::MemorySink;
use pcapq::source::{InputSpec, MergedSource};
use pcapq::track::TrackOptions;

/// Folders of `tests/pcaps` whose captures the comparisons walk.
pub const SHARED_FOLDERS: [&str; 6] = [
    "zeek",
    "tcpdump",
    "malformed",
    "linktypes",
    "app",
    "zeek-baselines",
];

/// `tests/pcaps`: the public test captures carried in the repository (a copy of the
/// project's shared captures, with their manifest and licences). A clone without them is
/// broken, so this panics instead of letting the comparisons skip.
///
/// `PCAPQ_TEST_PCAPS` names another folder laid out the same way instead: the comparisons
/// then run on it (`scripts/zeek_sweep.py --export` writes one from Zeek's test suite).
pub fn shared_pcaps() -> PathBuf {
    let dir = match std::env::var_os("PCAPQ_TEST_PCAPS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pcaps"),
    };
    assert!(
        dir.join("MANIFEST.tsv").is_file(),
        "{} is missing: the comparisons with tshark, Zeek, capinfos and tcptrace need the \
         captures carried in the repository (restore them with `git checkout tests/pcaps`)",
        dir.display()
    );
    dir
}

/// Every shared capture that has a sibling file ending in `suffix`. Panics when there is
/// none, so that a comparison can never pass by comparing nothing.
pub fn shared_with(suffix: &str) -> Vec<PathBuf> {
    shared_with_in(&SHARED_FOLDERS, suffix)
}

/// Like [`shared_with`], over the given folders of `tests/pcaps`.
pub fn shared_with_in(folders: &[&str], suffix: &str) -> Vec<PathBuf> {
    let dir = shared_pcaps();
    let mut out = Vec::new();
    for sub in folders {
        let entries = std::fs::read_dir(dir.join(sub))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(sub).display()));
        for e in entries.flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if (name.ends_with(".pcap") || name.ends_with(".pcapng"))
                && p.with_file_name(format!("{name}{suffix}")).exists()
            {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(
        !out.is_empty(),
        "no capture in tests/pcaps/{{{}}} has a {suffix} file",
        folders.join(",")
    );
    out
}

/// Records how many shared captures (and how many values) a comparison checked, for the
/// summary `make test` prints: one line in `<target>/tmp/compared/<test>.txt`.
pub fn record_compared(test: &str, tool: &str, captures: usize, values: usize) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compared");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(
        dir.join(format!("{test}.txt")),
        format!("{test}: {captures} captures, {values} values compared with {tool}\n"),
    );
}

/// tcptrace's error when it could not read a capture (its output file then ends with a
/// `# exit N: …` line instead of connections: NFLOG, SLL2, PPP in HDLC framing, …).
pub fn tcptrace_error(text: &str) -> Option<&str> {
    text.lines().find(|l| l.starts_with("# exit "))
}

/// The sibling `<capture><suffix>` file.
pub fn sibling(capture: &Path, suffix: &str) -> PathBuf {
    capture.with_file_name(format!(
        "{}{suffix}",
        capture.file_name().unwrap().to_string_lossy()
    ))
}

/// A Zeek log (or a `.cut` of one, whose first row names the columns), as maps from
/// column name to value; `-` is Zeek's unset value, `(empty)` an empty set.
pub fn zeek_log(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut fields: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(f) = line.strip_prefix("#fields\t") {
            fields = f.split('\t').map(str::to_string).collect();
        } else if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if fields.is_empty() && (line.starts_with("uid\t") || line.starts_with("ts\t")) {
            fields = line.split('\t').map(str::to_string).collect();
        } else if !fields.is_empty() {
            out.push(
                fields
                    .iter()
                    .cloned()
                    .zip(line.split('\t').map(str::to_string))
                    .collect(),
            );
        }
    }
    out
}

/// A TSV with a header row, as maps.
pub fn read_tsv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The three tables of a conversion, in memory.
pub struct Output {
    pub packets: Table,
    pub flows: Table,
    pub captures: Table,
    pub dns: Table,
    pub http: Table,
    pub result: PipelineResult,
}

/// Converts captures in memory with default tracking.
pub fn convert(paths: &[&Path]) -> Output {
    convert_with(paths, Some(TrackOptions::default()))
}

/// Converts captures in memory.
pub fn convert_with(paths: &[&Path], track: Option<TrackOptions>) -> Output {
    let specs = paths
        .iter()
        .map(|p| InputSpec::File(p.to_path_buf()))
        .collect();
    let source = MergedSource::open(specs).expect("open captures");
    let mut sink = MemorySink::default();
    let result = run_pipeline(
        source,
        &PipelineOptions {
            track,
            anonymize: None,
            cancel: None,
            threads: 1,
        },
        &mut sink,
        &Progress::new(None, true),
    )
    .expect("pipeline");
    let mut take = |name: &str| Table::new(sink.tables.remove(name).unwrap_or_default());
    Output {
        packets: take("packets"),
        flows: take("flows"),
        captures: take("captures"),
        dns: take("dns"),
        http: take("http"),
        result,
    }
}

/// Record batches with row access by column name, values as display strings ("" = null).
pub struct Table {
    batches: Vec<RecordBatch>,
}

impl Table {
    pub fn new(batches: Vec<RecordBatch>) -> Self {
        Table { batches }
    }

    pub fn len(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// Every value of a column, as strings ("" for null).
    pub fn col(&self, name: &str) -> Vec<String> {
        let mut out = Vec::with_capacity(self.len());
        for b in &self.batches {
            let a = b
                .column_by_name(name)
                .unwrap_or_else(|| panic!("no column {name}"));
            for i in 0..a.len() {
                out.push(if a.is_null(i) {
                    String::new()
                } else {
                    array_value_to_string(a, i).unwrap()
                });
            }
        }
        out
    }

    /// A timestamp (or any integer) column as i64 values.
    pub fn ints(&self, name: &str) -> Vec<Option<i64>> {
        use datafusion::arrow::array::Int64Array;
        use datafusion::arrow::compute::cast;
        use datafusion::arrow::datatypes::DataType;
        let mut out = Vec::with_capacity(self.len());
        for b in &self.batches {
            let a = b
                .column_by_name(name)
                .unwrap_or_else(|| panic!("no column {name}"));
            let a = cast(a, &DataType::Int64).unwrap();
            let a = a.as_any().downcast_ref::<Int64Array>().unwrap();
            out.extend((0..a.len()).map(|i| if a.is_null(i) { None } else { Some(a.value(i)) }));
        }
        out
    }

    /// Rows as maps of the given columns.
    pub fn rows(&self, names: &[&str]) -> Vec<HashMap<String, String>> {
        let cols: Vec<Vec<String>> = names.iter().map(|n| self.col(n)).collect();
        (0..self.len())
            .map(|i| {
                names
                    .iter()
                    .zip(&cols)
                    .map(|(n, c)| (n.to_string(), c[i].clone()))
                    .collect()
            })
            .collect()
    }
}

/// A folder holding the project's own tiny GeoIP and ASN databases (`pcapq::geo::testdb`),
/// written once per test run: `country.mmdb`, `asn.mmdb`, `asn.csv`.
pub fn geo_dbs() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("geodb-{}", std::process::id()));
        pcapq::geo::testdb::write_all(&dir).unwrap();
        dir
    })
}

/// Registers the lookups of [`geo_dbs`] in a session, so that every catalog query runs.
pub fn with_geo_dbs(ctx: &datafusion::prelude::SessionContext) {
    let dir = geo_dbs();
    pcapq::query::udf::Lookups::open(Some(&dir.join("country.mmdb")), &[dir.join("asn.csv")])
        .unwrap()
        .register(ctx);
}

/// Runs the pcapq binary, asserting it succeeds; its standard output.
pub fn pcapq_ok(args: &[&str]) -> String {
    pcapq_env(args, &[]).0
}

/// Runs the pcapq binary with more environment variables, asserting it succeeds; its
/// standard output and standard error.
pub fn pcapq_env(args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pcapq {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr))
}

/// A statement's rows (`pcapq sql -d ds`) as the fields of JSON objects, sorted: tables
/// without ORDER BY may list rows in any order, and CSV cannot hold the list columns.
pub fn sql_rows(ds: &Path, sql: &str) -> Vec<String> {
    let text = pcapq_ok(&["sql", "-d", ds.to_str().unwrap(), "--format", "json", sql]);
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    let mut rows: Vec<String> = inner
        .split("},{")
        .map(|r| r.trim_start_matches('{').trim_end_matches('}').to_string())
        .collect();
    rows.sort();
    rows
}

/// Asserts that `sql` gives the same rows (in any order) on the datasets `got` and `want`,
/// naming `what` and the first difference when it does not. Returns the rows.
pub fn assert_same_rows(got: &Path, want: &Path, sql: &str, what: &str) -> Vec<String> {
    let (g, w) = (sql_rows(got, sql), sql_rows(want, sql));
    let differ = g.iter().zip(&w).find(|(a, b)| a != b);
    assert!(
        g.len() == w.len() && differ.is_none(),
        "{what}: {} rows against {}; first difference {differ:?}",
        g.len(),
        w.len()
    );
    w
}

/// Two CSV lines with the same fields, numbers equal to 1e-9 relative: sums of floats
/// depend on the order files are read in.
pub fn same_csv_line(a: &str, b: &str) -> bool {
    let (fa, fb): (Vec<&str>, Vec<&str>) = (a.split(',').collect(), b.split(',').collect());
    fa.len() == fb.len()
        && fa.iter().zip(&fb).all(|(x, y)| {
            x == y
                || matches!((x.parse::<f64>(), y.parse::<f64>()),
                    (Ok(p), Ok(q)) if (p - q).abs() <= 1e-9 * p.abs().max(q.abs()))
        })
}

/// Every catalog answer of `ds` (those that need no lookup database) as sorted CSV lines,
/// by question.
pub fn catalog_answers(ds: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let list = pcapq_ok(&["query", "--list"]);
    let ids: Vec<String> = list
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.contains("[needs"))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(ids.len() > 25);
    ids.into_iter()
        .map(|id| {
            let text = pcapq_ok(&["query", "-d", ds.to_str().unwrap(), &id, "--format", "csv"]);
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines.sort();
            (id, lines)
        })
        .collect()
}
