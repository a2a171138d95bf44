//! A cheap "is this DNS?" test for payloads on unexpected ports.

use super::cursor::Cur;
use super::name::read_name;

/// Whether `payload` has a plausible DNS header and a parsable first question:
/// opcode 0/4/5, 1..=25 questions (Zeek's `dns_max_queries`), at most 256 RRs per
/// section, RCODE 0 in a standard query, and a first question whose name
/// decompresses and whose class is IN/CH/HS/NONE/ANY (the mDNS unicast bit allowed).
pub fn looks_like_dns(payload: &[u8]) -> bool {
    let mut cur = Cur::new(payload, 0, payload.len());
    if cur.len() < 12 {
        return false;
    }
    cur.u16();
    let flags = cur.u16();
    let (qd, an, ns, ar) = (cur.u16(), cur.u16(), cur.u16(), cur.u16());
    let opcode = (flags >> 11) & 0x0f;
    let is_response = flags & 0x8000 != 0;
    if !matches!(opcode, 0 | 4 | 5) || !(1..=25).contains(&qd) {
        return false;
    }
    if an > 256 || ns > 256 || ar > 256 {
        return false;
    }
    if !is_response && opcode == 0 && flags & 0x000f != 0 {
        return false;
    }
    if read_name(&mut cur, true).is_none() || cur.len() < 4 {
        return false;
    }
    let qtype = cur.u16();
    let qclass = cur.u16() & 0x7fff;
    qtype != 0 && matches!(qclass, 1 | 3 | 4 | 254 | 255)
}
