//! IP addresses as text, formatted without allocating (IPv4 by hand: it is on the hot path
//! of every packet row; IPv6 through the standard library into a reused buffer).

use std::fmt::Write;
use std::net::IpAddr;

/// Formats addresses into an internal buffer and hands out `&str`s.
#[derive(Default)]
pub struct IpFormatter {
    buf: String,
}

impl IpFormatter {
    /// The text form of `ip`, valid until the next call.
    pub fn format(&mut self, ip: &IpAddr) -> &str {
        self.buf.clear();
        match ip {
            IpAddr::V4(v4) => {
                for (i, octet) in v4.octets().iter().enumerate() {
                    if i > 0 {
                        self.buf.push('.');
                    }
                    push_u8(&mut self.buf, *octet);
                }
            }
            IpAddr::V6(v6) => {
                let _ = write!(self.buf, "{v6}");
            }
        }
        &self.buf
    }
}

fn push_u8(buf: &mut String, n: u8) {
    if n >= 100 {
        buf.push((b'0' + n / 100) as char);
    }
    if n >= 10 {
        buf.push((b'0' + (n / 10) % 10) as char);
    }
    buf.push((b'0' + n % 10) as char);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_standard_library() {
        let mut f = IpFormatter::default();
        for s in [
            "0.0.0.0",
            "10.0.0.1",
            "192.168.100.255",
            "255.255.255.255",
            "2001:db8::1",
            "::",
            "fe80::1:2",
        ] {
            let ip: IpAddr = s.parse().unwrap();
            assert_eq!(f.format(&ip), ip.to_string());
        }
    }
}
