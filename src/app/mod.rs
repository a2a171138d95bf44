//! The `app` stage: what flows carry above the transport. The tracker hands each flow's
//! payload (TCP put back in order, UDP datagram by datagram) to an [`AppFlow`], which
//! recognises the protocol from the bytes, whatever the port, and fills the flow's
//! application columns ([`AppSummary`]) and the rows of the `dns` and `http` tables.
//!
//! One file (or folder) per protocol, behind one face: `conn/` decides and dispatches;
//! `reassembly.rs` orders TCP segments within a fixed bound; the protocol parsers never
//! see packets, only bytes.

mod conn;
pub mod detect;
pub mod dns;
pub mod http;
mod learnt;
pub mod quic;
pub mod reassembly;
mod rows;
pub mod ssh_keys;
pub mod starttls;
pub mod tls;
pub mod websocket;

pub use conn::{AppFlow, AppPacket, TcpSegment};
pub use learnt::Learnt;
pub use rows::{AppRows, AppSink, AppSummary, DnsRow, HttpRow};
