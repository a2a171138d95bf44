//! The rows the application stage adds to the dataset: one per DNS message, one per HTTP
//! request/response pair, and the application columns of a flow.

use super::dns::DnsMessage;
use super::http::HttpTx;

/// One DNS message (query or response), as the `dns` table stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct DnsRow {
    /// Time of the packet (or the last segment of a DNS-over-TCP message).
    pub ts: i64,
    /// Flow that carried it.
    pub flow_id: u64,
    /// Whether it travelled from the flow's originator.
    pub from_orig: bool,
    /// `udp` or `tcp`.
    pub transport: &'static str,
    /// The message's fields.
    pub msg: DnsMessage,
}

/// One HTTP request/response pair, as the `http` table stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRow {
    /// Flow that carried it.
    pub flow_id: u64,
    /// Position of the pair in its connection, from 1 (Zeek's trans_depth).
    pub trans_depth: u32,
    /// The transaction's fields.
    pub tx: HttpTx,
}

/// What the application stage learnt about one flow: the flow's application columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppSummary {
    /// Services detected from the payload, in the order found (Zeek's names).
    pub services: Vec<&'static str>,
    /// TLS or QUIC SNI, else the Host of the first HTTP request.
    pub server_name: Option<String>,
    /// Protocols offered by the client (TLS/QUIC ALPN).
    pub alpn: Vec<String>,
    /// TLS version: the server's choice, else the highest the client offered.
    pub tls_version: Option<String>,
    /// Whether `tls_version` is the server's choice (false: the client's offer).
    pub tls_version_from_server: bool,
    /// JA3 (MD5 hex) of the ClientHello.
    pub ja3: Option<String>,
    /// JA4 of the ClientHello.
    pub ja4: Option<String>,
    /// QUIC version, as Zeek's quic.log writes it.
    pub quic_version: Option<String>,
    /// SSH banners.
    pub ssh_client: Option<String>,
    pub ssh_server: Option<String>,
    /// User-Agent of the first HTTP request.
    pub http_user_agent: Option<String>,
    /// Why parsing stopped early, when it did (a bound hit, damage).
    pub note: Option<&'static str>,
}

/// Where the application stage puts its rows.
pub trait AppSink {
    /// Receives one DNS message.
    fn dns(&mut self, row: DnsRow);
    /// Receives one HTTP transaction.
    fn http(&mut self, row: HttpRow);
}

/// The application rows of a run, kept in memory until they are written.
#[derive(Debug, Default)]
pub struct AppRows {
    /// DNS messages.
    pub dns: Vec<DnsRow>,
    /// HTTP transactions.
    pub http: Vec<HttpRow>,
}

impl AppSink for AppRows {
    fn dns(&mut self, row: DnsRow) {
        self.dns.push(row);
    }
    fn http(&mut self, row: HttpRow) {
        self.http.push(row);
    }
}
