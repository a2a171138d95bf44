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
    /// Sent in a UDP flow to or from a NetBIOS name service responder (port 137): its query
    /// is the decoded name, and type 33 is NBSTAT, as Zeek logs them.
    pub netbios: bool,
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
/// Serialized with the tracker's state between `convert --append` batches.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
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

impl AppSummary {
    /// Adds what the stage learnt after a flow was resumed (`convert --append`) to what it
    /// had learnt before: the earlier value of a column stands, a column still empty takes
    /// the later one, and services found later are added after the earlier ones.
    pub fn continue_with(&mut self, later: AppSummary) {
        for s in later.services {
            if !self.services.contains(&s) {
                self.services.push(s);
            }
        }
        fn fill(a: &mut Option<String>, b: Option<String>) {
            if a.is_none() {
                *a = b;
            }
        }
        fill(&mut self.server_name, later.server_name);
        if self.alpn.is_empty() {
            self.alpn = later.alpn;
        }
        // The server's choice beats the client's offer.
        let server_chose_later = later.tls_version_from_server && !self.tls_version_from_server;
        if later.tls_version.is_some() && (self.tls_version.is_none() || server_chose_later) {
            self.tls_version = later.tls_version;
            self.tls_version_from_server = later.tls_version_from_server;
        }
        fill(&mut self.ja3, later.ja3);
        fill(&mut self.ja4, later.ja4);
        fill(&mut self.quic_version, later.quic_version);
        fill(&mut self.ssh_client, later.ssh_client);
        fill(&mut self.ssh_server, later.ssh_server);
        fill(&mut self.http_user_agent, later.http_user_agent);
        if self.note.is_none() {
            self.note = later.note;
        }
    }
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

/// Reading back the `&'static str` columns (service names, notes) of a saved summary: each
/// distinct text is stored once for the life of the process.
mod interned {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};

    use serde::Deserialize;

    use super::AppSummary;

    /// An [`AppSummary`] as saved, its names owned.
    #[derive(Deserialize)]
    struct Saved {
        services: Vec<String>,
        server_name: Option<String>,
        alpn: Vec<String>,
        tls_version: Option<String>,
        tls_version_from_server: bool,
        ja3: Option<String>,
        ja4: Option<String>,
        quic_version: Option<String>,
        ssh_client: Option<String>,
        ssh_server: Option<String>,
        http_user_agent: Option<String>,
        note: Option<String>,
    }

    impl<'de> serde::Deserialize<'de> for AppSummary {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Saved::deserialize(d).map(AppSummary::from)
        }
    }

    impl From<Saved> for AppSummary {
        fn from(s: Saved) -> Self {
            AppSummary {
                services: s.services.into_iter().map(intern).collect(),
                server_name: s.server_name,
                alpn: s.alpn,
                tls_version: s.tls_version,
                tls_version_from_server: s.tls_version_from_server,
                ja3: s.ja3,
                ja4: s.ja4,
                quic_version: s.quic_version,
                ssh_client: s.ssh_client,
                ssh_server: s.ssh_server,
                http_user_agent: s.http_user_agent,
                note: s.note.map(intern),
            }
        }
    }

    fn intern(text: String) -> &'static str {
        static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
        let mut names = NAMES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(&name) = names.get(text.as_str()) {
            return name;
        }
        let name: &'static str = Box::leak(text.into_boxed_str());
        names.insert(name);
        name
    }
}
