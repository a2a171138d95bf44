//! Command-line arguments: what the user typed (`Cli`), turned into validated settings at
//! the edge by each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::track;

/// Packet captures → a Parquet dataset, and traffic-analysis answers with SQL.
#[derive(Debug, Parser)]
#[command(name = "pcapq", version, about, long_about = None, propagate_version = true)]
#[command(after_help = "Examples:
  pcapq convert trace.pcap -o ds/          # packets, flows, dns, http, captures as Parquet
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
    /// Convert captures into a dataset directory (packets, flows, dns, http, captures as Parquet).
    #[command(after_help = "Examples:
  pcapq convert trace.pcap -o ds/
  pcapq convert hourly/*.pcap.gz -o ds/ --force       # several files read as one capture
  tcpdump -i eth0 -w - | pcapq convert - -o ds/       # from stdin
  pcapq convert big.pcapng -o ds/ --max-flows 2000000 --tcp-timeout 600
  pcapq convert scan.pcap -o ds/ --no-app             # headers and flows only, no payload parsing
  head -c 32 /dev/urandom > key; pcapq convert trace.pcap -o shared/ --anonymize key   # to share
  pcapq convert week/*.pcap -o ds/ --partition-by hour   # ds/packets/date=…/hour=…/part-….parquet
  pcapq convert --append -o ds/ rotated-0800.pcap      # add a batch; flows going on stay one flow
  pcapq convert flood.pcap -o ds/ --threads 4          # flows split across 4 tracker threads

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
    /// Run SQL over a dataset (or over captures converted in memory).
    #[command(after_help = "Examples:
  pcapq sql -d ds \"SELECT proto, count(*) AS flows FROM flows GROUP BY proto\"
  pcapq sql -i trace.pcap \"SELECT src_ip, sum(wire_len) AS bytes FROM packets GROUP BY 1 ORDER BY 2 DESC LIMIT 10\"
  pcapq sql -d ds \"SELECT ip_prefix(src_ip, 24) AS net, count(*) FROM packets GROUP BY 1\" --format csv -o nets.csv

Tables: packets, flows, dns, http, captures, and the view connections (TCP flows). Functions beyond
DataFusion's: ip_prefix(ip, len), is_private(ip), port_service(port, proto),
hash_slot(text, slots); with --geoip FILE.mmdb geo_country(ip), with --asn FILE asn(ip)
and as_org(ip). `pcapq schema` describes every column.")]
    Sql(SqlArgs),
    /// Answer a coursework question with its canned SQL from the catalog.
    #[command(after_help = "Examples:
  pcapq query --list
  pcapq query -d ds top-hosts-by-bytes --param n=20
  pcapq query -d ds traffic-over-time --param bucket=hour --format csv -o traffic.csv
  pcapq query -i trace.pcap tcp-general
  pcapq query -d ds top-server-names                # sites by SNI / HTTP Host
  pcapq query -d ds top-countries --geoip country.mmdb   # `make geoip` installs one
  PCAPQ_ASN=asn-ipv4.csv:asn-ipv6.csv pcapq query -d ds top-asns
  pcapq query top-hosts-by-bytes --show-sql        # the SQL, to read or adapt")]
    Query(QueryArgs),
    /// Print the UVic P2 TCP report (sections A-D) for a capture or a dataset.
    #[command(
        name = "tcp-summary",
        after_help = "Examples:
  pcapq tcp-summary trace.pcap
  pcapq tcp-summary -d ds > summary.txt

Layout and rules follow the UVic CSc 361 P2 assignment; docs/tcp-summary.md lists the
choices made where it is ambiguous (RTT, receive window, start/end times)."
    )]
    TcpSummary(TcpSummaryArgs),
    /// Draw a catalog answer as a chart (SVG or PNG, chosen by the file name).
    #[command(after_help = "Examples:
  pcapq plot -d ds packet-size-cdf -o size.svg
  pcapq plot -d ds pair-flow-ranks --log-y -o pairs.png
  pcapq plot -i trace.pcap traffic-over-time --param bucket=second -o traffic.svg

Plot-worthy questions: CDFs (packet-size-cdf, interarrival-cdf, flow-size-cdf), time
series (traffic-over-time, rate-over-time), rankings (top-*, protocols, pair-*,
failed-connections, fastest-connections, rtt, retransmissions), and the packet-size box
plot (packet-size-stats).")]
    Plot(PlotArgs),
    /// Write every answer, with charts, into one self-contained HTML (or Markdown) report.
    #[command(after_help = "Examples:
  pcapq report -d ds -o report.html
  pcapq report trace.pcap -o report.html
  pcapq report -d ds --format md -o report.md      # charts as PNG files in report_files/")]
    Report(ReportArgs),
    /// Write the frames a dataset selects back to a capture file, bytes unchanged.
    #[command(after_help = "Examples:
  pcapq export -d ds --flow 42 -o flow42.pcap
  pcapq export -d ds --community-id '1:LQU9qZlK+B5F3KDmev6m5PMibrg=' -o conn.pcapng
  pcapq export -d ds --where \"dst_port = 53 AND ts >= '2026-11-22T17:54:40Z'\" -o dns.pcap

The frames are read again from the original captures, which must still be where and what
they were at conversion (captures.file_path, file_bytes, file_hash). A name ending in
.pcapng gives pcapng (every input interface kept, nanosecond timestamps); otherwise legacy
pcap with nanosecond timestamps, for frames of one link type.")]
    Export(ExportArgs),
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
    #[arg(short, long, conflicts_with = "append")]
    pub force: bool,
    /// Add the captures to the dataset as a new batch (creating it if missing): nothing
    /// there is rewritten, an interrupted append changes nothing, and a flow that goes on
    /// from the previous batch's captures stays one flow. Every batch must use the same
    /// options (partitioning, tracking, anonymization); batches run one at a time.
    #[arg(long)]
    pub append: bool,
    /// Split packets, flows (by start time), dns and http into hive-style directories
    /// per UTC hour or day (`packets/date=2026-11-23/hour=07/part-00000.parquet`), so that
    /// engines skip the times a query does not ask for; captures stays one file
    /// [default: none; with --append, as the dataset is].
    #[arg(long, value_enum, value_name = "UNIT")]
    pub partition_by: Option<crate::dataset::Partitioning>,
    /// How the captures are read, tracked and anonymized.
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// Conversion settings shared by `pcapq convert` and the Python package's table loaders.
#[derive(Debug, Args, Clone, Default)]
pub struct PipelineArgs {
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
    /// Anonymize every address with Crypto-PAn (prefix-preserving) before anything is
    /// written, keyed by FILE: 32 raw bytes (16 for AES-128, 16 for the pad), e.g. from
    /// `head -c 32 /dev/urandom > key`. The same key gives the same mapping in every run.
    /// DNS names, SNI, HTTP host, URI and user agent are dropped unless --keep-names.
    #[arg(long, value_name = "KEYFILE")]
    pub anonymize: Option<PathBuf>,
    /// With --anonymize: keep the names (DNS, SNI, HTTP host, URI, user agent).
    #[arg(long, requires = "anonymize")]
    pub keep_names: bool,
    /// Threads that track flows, each owning the flows of its share of address pairs;
    /// every table holds the same rows for any number (the order of flows rows differs),
    /// unless --max-flows, which each applies to its share, ends flows early
    /// [default: the cores available; with --append: 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
}

/// Flow-tracking options shared by every command that reads captures.
#[derive(Debug, Args, Clone)]
pub struct TrackArgs {
    /// Skip flow tracking: `flows` stays empty and the flow columns of `packets` are null.
    #[arg(long)]
    pub no_flows: bool,
    /// Idle timeout of TCP flows, in seconds (a SYN nobody answers ends its flow after 5 s,
    /// as Zeek's connection-attempt timer does).
    #[arg(long, value_name = "SECS", default_value_t = f64::from(track::DEFAULT_TCP_TIMEOUT_SECS))]
    pub tcp_timeout: f64,
    /// Idle timeout of UDP flows, in seconds (UDP on DNS's ports 53, 137, 5353 and 5355 ends
    /// sooner, after 9-20 quiet seconds, as Zeek's DNS analyzer ends it).
    #[arg(long, value_name = "SECS", default_value_t = f64::from(track::DEFAULT_UDP_TIMEOUT_SECS))]
    pub udp_timeout: f64,
    /// Idle timeout of ICMP and other IP flows, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = f64::from(track::DEFAULT_ICMP_TIMEOUT_SECS))]
    pub icmp_timeout: f64,
    /// Most flows tracked at once; beyond it the flow nearest its idle timeout is ended early (counted
    /// and reported), so a scan of millions of SYNs cannot exhaust memory.
    #[arg(long, value_name = "N", default_value_t = track::DEFAULT_MAX_FLOWS)]
    pub max_flows: usize,
    /// Skip the application layer: no payload-based `service`, names or fingerprints in
    /// `flows`, and empty `dns` and `http` tables (faster on payload-heavy captures).
    #[arg(long)]
    pub no_app: bool,
}

impl Default for TrackArgs {
    /// What the command line gives when no tracking option is passed.
    fn default() -> Self {
        TrackArgs {
            no_flows: false,
            tcp_timeout: f64::from(track::DEFAULT_TCP_TIMEOUT_SECS),
            udp_timeout: f64::from(track::DEFAULT_UDP_TIMEOUT_SECS),
            icmp_timeout: f64::from(track::DEFAULT_ICMP_TIMEOUT_SECS),
            max_flows: track::DEFAULT_MAX_FLOWS,
            no_app: false,
        }
    }
}

/// Where a query reads its tables from.
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// Dataset directory made by `pcapq convert` (default: ./ds when it exists).
    #[arg(
        short = 'd',
        long = "dataset",
        value_name = "DIR",
        conflicts_with = "inputs"
    )]
    pub dataset: Option<PathBuf>,
    /// Capture files to convert in memory instead of reading a dataset.
    #[arg(short = 'i', long = "input", value_name = "CAPTURE")]
    pub inputs: Vec<String>,
    /// Flow tracking options (with -i).
    #[command(flatten)]
    pub track: TrackArgs,
    /// Address databases for geo_country(), asn() and as_org().
    #[command(flatten)]
    pub lookups: LookupArgs,
}

impl DataArgs {
    /// A dataset directory or capture files, tracked with the default settings (for
    /// commands that take their sources positionally and have no tracking options).
    pub fn with_default_tracking(
        dataset: Option<PathBuf>,
        inputs: Vec<String>,
        lookups: LookupArgs,
    ) -> Self {
        DataArgs {
            dataset,
            inputs,
            track: TrackArgs::default(),
            lookups,
        }
    }
}

/// Address databases: where hosts are (country, autonomous system).
#[derive(Debug, Clone, Default, Args)]
pub struct LookupArgs {
    /// Country database (.mmdb: MaxMind's GeoLite2/GeoIP2 Country or ip-location-db's
    /// geo-whois-asn-country) for geo_country() and `top-countries`. `make geoip` installs
    /// a free one.
    #[arg(long, value_name = "FILE.mmdb", env = "PCAPQ_GEOIP")]
    pub geoip: Option<PathBuf>,
    /// ASN database for asn(), as_org() and `top-asns`: an .mmdb (GeoLite2-ASN layout) or
    /// ip-location-db / iptoasn range files (CSV/TSV). Repeat it, or separate files with
    /// ':' in PCAPQ_ASN, to give the IPv4 and the IPv6 file.
    #[arg(long, value_name = "FILE", env = "PCAPQ_ASN", value_delimiter = ':')]
    pub asn: Vec<PathBuf>,
}

/// Arguments of `pcapq sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Where the tables come from.
    #[command(flatten)]
    pub data: DataArgs,
    /// The SQL statement.
    #[arg(value_name = "SQL")]
    pub sql: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::query::output::OutputFormat::Table)]
    pub format: crate::query::output::OutputFormat,
    /// Write the result to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `pcapq query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Where the tables come from.
    #[command(flatten)]
    pub data: DataArgs,
    /// The question's id (see --list).
    #[arg(value_name = "ID", required_unless_present = "list")]
    pub id: Option<String>,
    /// List the catalog: id, question, parameters.
    #[arg(long)]
    pub list: bool,
    /// Print the query's SQL instead of running it.
    #[arg(long)]
    pub show_sql: bool,
    /// A parameter value, NAME=VALUE (repeatable).
    #[arg(short, long = "param", value_name = "NAME=VALUE", value_parser = crate::query::params::parse_assignment)]
    pub params: Vec<(String, String)>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::query::output::OutputFormat::Table)]
    pub format: crate::query::output::OutputFormat,
    /// Write the result to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `pcapq plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Where the tables come from.
    #[command(flatten)]
    pub data: DataArgs,
    /// The question's id (see `pcapq query --list`).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Output file: `.svg` or `.png`.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// A parameter value, NAME=VALUE (repeatable).
    #[arg(short, long = "param", value_name = "NAME=VALUE", value_parser = crate::query::params::parse_assignment)]
    pub params: Vec<(String, String)>,
    /// Logarithmic x axis.
    #[arg(long)]
    pub log_x: bool,
    /// Logarithmic y axis (values axis of rankings).
    #[arg(long)]
    pub log_y: bool,
}

/// Report formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML file, charts as inline SVG.
    Html,
    /// Markdown, charts as PNG files in a directory beside it.
    Md,
}

/// Arguments of `pcapq report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Capture files to report on (converted in memory); or use -d for a dataset.
    #[arg(value_name = "CAPTURE", conflicts_with = "dataset")]
    pub inputs: Vec<String>,
    /// Dataset directory made by `pcapq convert` (default: ./ds when it exists).
    #[arg(short = 'd', long = "dataset", value_name = "DIR")]
    pub dataset: Option<PathBuf>,
    /// Output file.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Title of the report.
    #[arg(long, default_value = "Traffic report")]
    pub title: String,
    /// Address databases (adds `top-countries` and `top-asns` to the report).
    #[command(flatten)]
    pub lookups: LookupArgs,
}

/// Arguments of `pcapq export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Dataset directory made by `pcapq convert` (default: ./ds when it exists).
    #[arg(short = 'd', long = "dataset", value_name = "DIR")]
    pub dataset: Option<PathBuf>,
    /// Export the packets this SQL predicate over `packets` selects.
    #[arg(long = "where", value_name = "PREDICATE", conflicts_with_all = ["flow", "community_id"])]
    pub filter: Option<String>,
    /// Export the packets of this flow (`flows.flow_id`).
    #[arg(long, value_name = "ID", conflicts_with = "community_id")]
    pub flow: Option<u64>,
    /// Export the packets of the flows with this Community ID.
    #[arg(long, value_name = "ID")]
    pub community_id: Option<String>,
    /// Output capture file (.pcapng for pcapng, anything else for pcap).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// Arguments of `pcapq tcp-summary`.
#[derive(Debug, Args)]
pub struct TcpSummaryArgs {
    /// A capture file (or several, read as one); or use -d for a dataset.
    #[arg(value_name = "CAPTURE", conflicts_with = "dataset")]
    pub inputs: Vec<String>,
    /// Dataset directory made by `pcapq convert`.
    #[arg(short = 'd', long = "dataset", value_name = "DIR")]
    pub dataset: Option<PathBuf>,
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
