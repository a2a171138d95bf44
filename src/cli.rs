//! Command-line arguments: what the user typed (`Cli`), turned into validated settings at
//! the edge by each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Packet captures → a Parquet dataset, and traffic-analysis answers with SQL.
#[derive(Debug, Parser)]
#[command(name = "pcapq", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "Examples:
  pcapq convert trace.pcap -o ds/          # packets, flows, captures as Parquet
  pcapq info trace.pcapng.gz               # what capinfos prints
  pcapq schema                             # every table and column
Run `pcapq <command> --help` for each command's options and examples.")]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// pcapq's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert captures into a dataset directory (packets, flows, captures as Parquet).
    #[command(after_help = "Examples:
  pcapq convert trace.pcap -o ds/
  pcapq convert hourly/*.pcap.gz -o ds/ --force       # several files read as one capture
  tcpdump -i eth0 -w - | pcapq convert - -o ds/       # from stdin
  pcapq convert big.pcapng -o ds/ --max-flows 2000000 --tcp-timeout 600

Inputs may be pcap (any byte order, µs or ns), pcapng, or either compressed with gzip or
zstd (recognised by their first bytes). Several inputs are merged in time order. The
output directory appears complete or not at all.")]
    Convert(ConvertArgs),
    /// Print what capinfos prints about captures, from pcapq's own reader.
    #[command(after_help = "Examples:
  pcapq info trace.pcap
  pcapq info *.pcapng --format tsv       # the columns of `capinfos -T`, one row per file
  pcapq info trace.pcap --format json")]
    Info(InfoArgs),
    /// Print every table and column of the dataset, one sentence each.
    #[command(after_help = "Examples:
  pcapq schema
  pcapq schema --format md > docs/schema.md")]
    Schema(SchemaArgs),
}

/// Arguments of `pcapq convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Capture files (pcap, pcapng, .gz, .zst); `-` reads stdin.
    #[arg(required = true, value_name = "CAPTURE")]
    pub inputs: Vec<String>,
    /// Output dataset directory.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Replace the output directory if it exists.
    #[arg(short, long)]
    pub force: bool,
    /// Fail (exit 2, nothing written) when an input is truncated or corrupt, instead of
    /// keeping the frames before the damage.
    #[arg(long)]
    pub strict: bool,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Flow tracking options.
    #[command(flatten)]
    pub track: TrackArgs,
}

/// Flow-tracking options shared by every command that reads captures.
#[derive(Debug, Args, Clone)]
pub struct TrackArgs {
    /// Skip flow tracking: `flows` stays empty and the flow columns of `packets` are null.
    #[arg(long)]
    pub no_flows: bool,
    /// Idle timeout of TCP flows, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300.0)]
    pub tcp_timeout: f64,
    /// Idle timeout of UDP flows, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub udp_timeout: f64,
    /// Idle timeout of ICMP and other IP flows, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub icmp_timeout: f64,
    /// Most flows tracked at once; beyond it the longest-idle flow is ended early (counted
    /// and reported), so a scan of millions of SYNs cannot exhaust memory.
    #[arg(long, value_name = "N", default_value_t = 500_000)]
    pub max_flows: usize,
}

/// Output formats of `pcapq info`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum InfoFormat {
    /// Aligned `name: value` lines per file.
    Table,
    /// Tab-separated, capinfos -T columns, one row per file.
    Tsv,
    /// JSON array, one object per file.
    Json,
}

/// Arguments of `pcapq info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Capture files; `-` reads stdin.
    #[arg(required = true, value_name = "CAPTURE")]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InfoFormat::Table)]
    pub format: InfoFormat,
}

/// Output formats of `pcapq schema`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SchemaFormat {
    /// Plain text for the terminal.
    Text,
    /// Markdown tables, for docs.
    Md,
}

/// Arguments of `pcapq schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = SchemaFormat::Text)]
    pub format: SchemaFormat,
}
