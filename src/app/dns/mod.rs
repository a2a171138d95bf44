//! DNS: one message to the values of Zeek's dns.log, and DNS-over-TCP framing.
//!
//! The parser follows Zeek's DNS analyzer (`src/analyzer/protocol/dns/DNS.cc`) and
//! `scripts/base/protocols/dns/main.zeek` record by record, including where Zeek
//! stops or misreads, so that the answers and flags equal Zeek's on the same bytes.

mod addresses;
mod answers;
mod consts;
mod cursor;
mod escape;
mod log_row;
mod message;
mod name;
mod netbios;
mod rdata;
mod rdata_types;
mod roles;
mod sniff;
mod tcp;

#[cfg(test)]
mod tests;

pub use addresses::all_addresses;
pub use consts::{opcode_name, qclass_name, qtype_name, rcode_name};
pub use escape::zeek_escape;
pub use log_row::{DnsLogRow, log_row};
pub use message::{DnsError, DnsMessage, MAX_ANSWERS, parse_message};
pub use netbios::{NETBIOS_NS_PORT, decode_netbios_name};
pub use roles::{UDP_PORTS, first_message_flips_roles};
pub use sniff::looks_like_dns;
pub use tcp::{DnsTcpStream, MAX_TCP_MESSAGE};
