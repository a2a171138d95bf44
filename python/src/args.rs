//! The command line's own argument definitions, parsed from the arguments the Python
//! layer builds out of keyword arguments (`max_flows=10` → `--max-flows 10`), so that the
//! package accepts exactly what the command line accepts and checks it the same way.

use clap::Parser;
use pyo3::PyErr;

use pcapq::cli::{ConvertArgs, DataArgs, PipelineArgs};

use crate::PcapqError;

/// `pcapq.convert`: the arguments of `pcapq convert`.
#[derive(Parser)]
#[command(name = "pcapq.convert", no_binary_name = true)]
pub struct ConvertCli {
    /// As on the command line.
    #[command(flatten)]
    pub args: ConvertArgs,
}

/// `pcapq.packets`, `flows` and `tables`: the captures and every option of `pcapq
/// convert` but the output directory.
#[derive(Parser)]
#[command(name = "pcapq.tables", no_binary_name = true)]
pub struct TablesCli {
    /// Capture files.
    #[arg(required = true, value_name = "CAPTURE")]
    pub inputs: Vec<String>,
    /// How they are read, tracked and anonymized.
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// `pcapq.sql` and `pcapq.query`: where the tables come from, as for `pcapq sql`.
#[derive(Parser)]
#[command(name = "pcapq.sql", no_binary_name = true)]
pub struct DataCli {
    /// A dataset or captures, tracking options and address databases.
    #[command(flatten)]
    pub data: DataArgs,
}

/// Parses `argv`; a mistake becomes a `PcapqError` whose one line names the keyword
/// argument the way Python spelled it.
pub fn parse<P: Parser>(argv: Vec<String>) -> Result<P, PyErr> {
    P::try_parse_from(argv).map_err(|e| PcapqError::new_err(one_line(&e.to_string())))
}

/// clap's message on one line, without its `error: ` prefix and usage: the lines before
/// the first blank one, joined, with each `--flag-name <VALUE>` written `flag_name`.
fn one_line(message: &str) -> String {
    let text: Vec<&str> = message
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let text = text.join(" ");
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("--") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(after.len());
        if name_len == 0 || !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push_str("--");
            rest = after;
            continue;
        }
        out.push_str(&after[..name_len].replace('-', "_"));
        rest = &after[name_len..];
        // The value placeholder (` <N>`) means nothing to a keyword argument.
        if let Some(value) = rest.strip_prefix(" <")
            && let Some(end) = value.find('>')
        {
            rest = &value[end + 1..];
        }
    }
    out.push_str(rest);
    out
}
