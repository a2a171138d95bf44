//! Prefix-preserving IP address anonymization: Crypto-PAn (Xu, Fan, Ammar, Moon 2002) for
//! IPv4 and its 128-bit extension for IPv6.
//!
//! Two addresses that share their first k bits are mapped to two addresses that share
//! exactly their first k bits, so networks keep their structure (`ip_prefix` answers
//! stay meaningful) while the addresses themselves are hidden. The same 32-byte key gives
//! the same mapping in every run, and the same mapping as the reference implementation
//! and the Go and Python `cryptopan` packages.
//!
//! [`CryptoPan`] is the algorithm (immutable, `Send + Sync`); [`AnonCache`] remembers
//! recent answers for a caller that sees the same addresses over and over, as a packet
//! stream does.

mod cache;
mod cryptopan;
mod key;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

pub use cache::AnonCache;
pub use cryptopan::CryptoPan;
pub use key::{KEY_LEN, KeyError};
