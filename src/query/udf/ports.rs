//! `port_service(port, proto)`: the IANA service name of a port.

/// The service name of `port` over `proto` (`tcp`, `udp`, `sctp`, `dccp`, or the protocol
/// number as text), or None when it has none.
pub fn service(port: i64, proto: &str) -> Option<String> {
    let port = u16::try_from(port).ok()?;
    crate::services::service_name(port, proto).map(str::to_string)
}
