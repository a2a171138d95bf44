//! TCP connection analysis: Zeek's state machine (`machine`, `endpoint`) and tshark's
//! per-packet flags (`analysis`).

pub mod analysis;
pub mod endpoint;
pub mod machine;
