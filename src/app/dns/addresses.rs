//! Every A/AAAA address of a message, all sections (what tshark's `dns.a`/`dns.aaaa` list).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::cursor::Cur;
use super::name::read_name;

/// Most addresses returned.
const MAX_ADDRESSES: usize = 64;

/// A and AAAA RDATA of the answer, authority and additional sections in order, read
/// by the RFC (each RR skips `rdlength`), stopping at the first malformed RR.
pub fn all_addresses(msg: &[u8]) -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut cur = Cur::new(msg, 4, msg.len());
    if cur.len() < 8 {
        return out;
    }
    let qd = cur.u16();
    let rrs = u32::from(cur.u16()) + u32::from(cur.u16()) + u32::from(cur.u16());
    for _ in 0..qd {
        if read_name(&mut cur, true).is_none() || cur.len() < 4 {
            return out;
        }
        cur.skip(4);
    }
    for _ in 0..rrs {
        if read_name(&mut cur, true).is_none() || cur.len() < 10 {
            break;
        }
        let rtype = cur.u16();
        cur.skip(6);
        let rdlength = usize::from(cur.u16());
        if rdlength > cur.len() {
            break;
        }
        let rdata = cur.take(rdlength);
        let addr = match (rtype, rdata.len()) {
            (1, 4) => <[u8; 4]>::try_from(rdata)
                .ok()
                .map(|b| IpAddr::V4(Ipv4Addr::from(b))),
            (28, 16) => <[u8; 16]>::try_from(rdata)
                .ok()
                .map(|b| IpAddr::V6(Ipv6Addr::from(b))),
            _ => None,
        };
        if let Some(a) = addr {
            if out.len() >= MAX_ADDRESSES {
                break;
            }
            out.push(a);
        }
    }
    out
}
