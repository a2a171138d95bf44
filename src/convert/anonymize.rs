//! `convert --anonymize KEYFILE`: every address goes through Crypto-PAn (prefix-preserving,
//! [`crate::anon`]) before anything is tracked or written, so flows, their Community IDs
//! and every answer are computed on the anonymized addresses; names that identify people
//! (DNS queries and answers, TLS/QUIC SNI, HTTP host, URI and user agent) are dropped
//! unless `--keep-names`. The same key gives the same mapping in every run.
//!
//! The application parsers still read the real payload (they need it to find the names);
//! what they learn is scrubbed before it reaches the builder.

use std::net::IpAddr;

use crate::anon::{AnonCache, CryptoPan};
use crate::app::{DnsRow, HttpRow};
use crate::dissect::{IpInfo, Packet};
use crate::ip_text::push_ip;
use crate::track::FlowRecord;

/// What `--anonymize` and `--keep-names` ask for.
#[derive(Debug, Clone)]
pub struct AnonymizeOptions {
    /// The key's mapping.
    pub pan: CryptoPan,
    /// Keep DNS names, SNI, HTTP host, URI and user agent.
    pub keep_names: bool,
}

/// Anonymizes the addresses of packets as they are dissected (with a cache: a capture
/// repeats its addresses).
pub struct PacketAnonymizer {
    cache: AnonCache,
}

impl PacketAnonymizer {
    /// An anonymizer for `opts`' key.
    pub fn new(opts: &AnonymizeOptions) -> Self {
        PacketAnonymizer {
            cache: AnonCache::with_default_size(opts.pan.clone()),
        }
    }

    /// Replaces every address of `p`: the IP header's and those of a packet an ICMP
    /// error quotes (so that the error still finds its flow).
    /// Anonymizes the addresses of an IP header (a packet's, or a tunnel's around it).
    pub fn ip(&mut self, ip: &mut IpInfo) {
        ip.src = self.cache.anonymize(ip.src);
        if let Some(dst) = ip.dst.as_mut() {
            *dst = self.cache.anonymize(*dst);
        }
    }

    pub fn packet(&mut self, p: &mut Packet) {
        if let Some(ip) = p.ip.as_mut() {
            self.ip(ip);
        }
        if let Some(q) = p.icmp.as_mut().and_then(|i| i.quoted.as_mut()) {
            q.src = self.cache.anonymize(q.src);
            q.dst = self.cache.anonymize(q.dst);
        }
    }
}

/// Scrubs what the application stage learnt: addresses in DNS answers anonymized, names
/// dropped unless `keep_names`.
pub fn scrub(
    opts: &AnonymizeOptions,
    flows: &mut [FlowRecord],
    dns: &mut [DnsRow],
    http: &mut [HttpRow],
) {
    let keep = opts.keep_names;
    for f in flows.iter_mut() {
        if let Some(app) = f.app.as_mut().filter(|_| !keep) {
            app.server_name = None;
            app.http_user_agent = None;
        }
    }
    for row in dns.iter_mut() {
        let m = &mut row.msg;
        if !keep {
            m.query = None;
            m.answer_query = None;
        }
        let (mut answers, mut ttls) = (Vec::new(), Vec::new());
        for (i, text) in m.answers.drain(..).enumerate() {
            let ttl = m.ttls.get(i).copied();
            let text = match text.parse::<IpAddr>() {
                Ok(ip) => {
                    let mut s = String::with_capacity(text.len());
                    push_ip(&mut s, &opts.pan.anonymize(ip));
                    s
                }
                Err(_) if keep => text,
                Err(_) => continue,
            };
            answers.push(text);
            ttls.extend(ttl);
        }
        m.answers = answers;
        m.ttls = ttls;
    }
    if !keep {
        for row in http.iter_mut() {
            row.tx.host = None;
            row.tx.uri = None;
            row.tx.user_agent = None;
        }
    }
}
