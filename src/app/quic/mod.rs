//! QUIC: long-header parsing, Initial packet decryption (v1, v2 and the drafts Zeek knows)
//! and reassembly of each direction's Initial CRYPTO stream, for SNI/ALPN/JA4 extraction
//! by the TLS parser.

mod cursor;
mod flow;
mod frames;
mod header;
mod keys;
mod protect;
mod reassembly;
mod version;

#[cfg(test)]
mod tests_build;
#[cfg(test)]
mod tests_flow;
#[cfg(test)]
mod tests_real;
#[cfg(test)]
mod tests_real_data;
#[cfg(test)]
mod tests_rfc;
#[cfg(test)]
mod tests_robust;

pub use flow::QuicFlow;
pub use header::looks_like_quic;
pub use version::version_name;
