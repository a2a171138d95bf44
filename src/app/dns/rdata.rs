//! One resource record, parsed and turned into Zeek's answer text.
//!
//! Each type consumes exactly the bytes Zeek's `ParseRR_*` consumes (sometimes not
//! `rdlength`: WKS consumes nothing, names may run past `rdlength`), because that
//! decides where Zeek reads the next record, and fails where Zeek fails.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::ip_text::{push_ipv4, push_ipv6};

use super::answers::{Answers, Section};
use super::consts::qtype_name;
use super::cursor::Cur;
use super::name::read_name;
use super::rdata_types::{char_strings, edns, naptr, nsec, nsec3, rrsig, svcb, tsig};

const CLASS_NONE: u16 = 254;
const CLASS_ANY: u16 = 255;
const TYPE_ANY: u16 = 255;

/// The common part of an RR.
struct Rr<'a> {
    owner: &'a [u8],
    rtype: u16,
    ttl: u32,
    rdlength: usize,
    section: Section,
}

/// Parses one RR of `section` (Zeek's `ParseAnswer`); `false` stops the message.
/// `zclass` is the zone class of a dynamic update.
pub(super) fn parse_rr(
    cur: &mut Cur<'_>,
    section: Section,
    zclass: u16,
    out: &mut Answers,
) -> bool {
    let Some(owner) = read_name(cur, true) else {
        return false;
    };
    if cur.len() < 4 {
        return false;
    }
    let rtype = cur.u16();
    let class = cur.u16();
    let ttl = cur.u32();
    let rdlength = usize::from(cur.u16());
    if rdlength > cur.len() {
        return false;
    }
    let rr = Rr {
        owner: &owner,
        rtype,
        ttl,
        rdlength,
        section,
    };
    if out.update {
        match section {
            Section::Update => {
                if class == CLASS_ANY && ttl == 0 && rdlength == 0 {
                    let text = if rtype == TYPE_ANY {
                        cat(&[b"del: RRSet * ", &owner])
                    } else {
                        format!("del: RRSet {}", qtype_name(rtype)).into_bytes()
                    };
                    out.reply(section, &owner, ttl, &text);
                    return true;
                }
                if !((class == CLASS_NONE && ttl == 0) || class == zclass) {
                    return true; // Zeek: weird, nothing consumed
                }
            }
            Section::Prerequisite => {
                let plain = (class == CLASS_ANY || class == CLASS_NONE) && rdlength == 0;
                if ttl == 0 && (plain || class == zclass) {
                    let what = match (class, rtype) {
                        (CLASS_NONE, TYPE_ANY) => cat(&[b"NameNotInUse ", &owner]),
                        (CLASS_ANY, TYPE_ANY) => cat(&[b"NameInUse ", &owner]),
                        (CLASS_NONE, _) => {
                            cat(&[b"NoRRSet ", qtype_name(rtype).as_bytes(), b" ", &owner])
                        }
                        _ => cat(&[b"RRSetExists ", qtype_name(rtype).as_bytes(), b" ", &owner]),
                    };
                    out.reply(section, &owner, ttl, &cat(&[b"pre: ", &what]));
                }
                return true; // prerequisites never consume their RDATA in Zeek
            }
            Section::Answer => {}
        }
    }
    if rdlength == 0 && cur.len() > 0 {
        return out.update;
    }
    parse_rdata(cur, &rr, out)
}

/// The type-specific part of `parse_rr`.
fn parse_rdata(cur: &mut Cur<'_>, rr: &Rr<'_>, out: &mut Answers) -> bool {
    let rd = rr.rdlength;
    let text: Vec<u8> = match rr.rtype {
        1 => {
            if rd != 4 {
                return false;
            }
            let mut a = String::with_capacity(15);
            push_ipv4(&mut a, &Ipv4Addr::from(cur.u32()));
            addr_text(out.update, "A", rr.owner, &a)
        }
        28 | 38 => {
            let mut b = [0u8; 16];
            for chunk in b.chunks_mut(4) {
                chunk.copy_from_slice(&cur.u32().to_be_bytes());
            }
            let label = if rr.rtype == 28 { "AAAA" } else { "A6" };
            addr_text(out.update, label, rr.owner, &ipv6_text(&b))
        }
        2 | 5 | 12 => match read_name(cur, true) {
            Some(n) => n,
            None => return false,
        },
        6 => {
            let (Some(mname), Some(_rname)) = (read_name(cur, true), read_name(cur, true)) else {
                return false;
            };
            if cur.len() < 20 {
                return false;
            }
            cur.skip(20);
            mname
        }
        11 => Vec::new(), // WKS: Zeek consumes nothing and logs nothing
        15 => {
            cur.u16();
            match read_name(cur, true) {
                Some(n) => n,
                None => return false,
            }
        }
        16 | 99 => {
            let tag: &[u8] = if rr.rtype == 16 { b"TXT" } else { b"SPF" };
            let (text, ok) = char_strings(cur, rd, tag);
            out.reply(rr.section, rr.owner, rr.ttl, &text);
            return ok;
        }
        33 => {
            cur.u16();
            cur.u16();
            cur.u16();
            match read_name(cur, true) {
                Some(n) => n,
                None => return false,
            }
        }
        35 => match naptr(cur, rd) {
            Some(t) => t,
            None => return false,
        },
        41 => return edns(cur, rd),
        43 => {
            if cur.len() < 4 {
                return false;
            }
            cur.u16();
            let (algo, dtype) = (cur.u8(), cur.u8());
            cur.skip(rd.saturating_sub(4));
            format!("DS {algo} {dtype}").into_bytes()
        }
        44 => {
            if cur.len() < 2 {
                return false;
            }
            cur.u16();
            let fp = cur.take(rd.saturating_sub(2));
            let mut t = b"SSHFP: ".to_vec();
            for b in fp {
                t.extend_from_slice(format!("{b:02x}").as_bytes());
            }
            t
        }
        29 => {
            if rd != 16 {
                return false;
            }
            let (_ver, size, horiz, vert) = (cur.u8(), cur.u8(), cur.u8(), cur.u8());
            cur.skip(12);
            format!("LOC:  {size} {horiz} {vert}").into_bytes()
        }
        46 => match rrsig(cur, rd) {
            Some(t) => t,
            None => return false,
        },
        47 => match nsec(cur, rd, rr.owner) {
            Some(t) => t,
            None => return false,
        },
        48 => {
            if cur.len() < 4 {
                return false;
            }
            cur.u16();
            let (_proto, algo) = (cur.u8(), cur.u8());
            cur.skip(rd.saturating_sub(4));
            format!("DNSKEY {algo}").into_bytes()
        }
        50 => {
            if !nsec3(cur, rd) {
                return false;
            }
            b"NSEC3".to_vec()
        }
        51 => {
            if cur.len() < 5 {
                return false;
            }
            cur.skip(4);
            let salt = cur.u8();
            cur.skip(usize::from(salt));
            b"NSEC3PARAM".to_vec()
        }
        64 | 65 => return svcb(cur, rd),
        65534 => {
            if cur.len() < 5 {
                return false;
            }
            cur.skip(5);
            b"BIND9 signing signal".to_vec()
        }
        250 => return tsig(cur),
        // No handler in Zeek's scripts (HINFO, NB, CAA, TKEY): RDATA skipped, no reply.
        13 | 32 | 257 | 249 => {
            cur.skip(rd);
            return true;
        }
        t => {
            cur.skip(rd);
            format!("<unknown type={t}>").into_bytes()
        }
    };
    out.reply(rr.section, rr.owner, rr.ttl, &text);
    true
}

/// Concatenates byte strings.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// An address reply; dynamic updates prefix the type and owner as Zeek's scripts do.
fn addr_text(update: bool, label: &str, owner: &[u8], addr: &str) -> Vec<u8> {
    if update {
        cat(&[label.as_bytes(), b" ", owner, b" ", addr.as_bytes()])
    } else {
        addr.as_bytes().to_vec()
    }
}

/// Zeek's text of a 16-byte address: a v4-mapped address is an IPv4 address to Zeek;
/// otherwise inet_ntop's form (which writes `::a.b.c.d` for v4-compatible ones).
pub(super) fn ipv6_text(b: &[u8; 16]) -> String {
    let a = Ipv6Addr::from(*b);
    let mut text = String::with_capacity(39);
    if let Some(v4) = a.to_ipv4_mapped() {
        push_ipv4(&mut text, &v4);
        return text;
    }
    let seg = a.segments();
    if seg[..6].iter().all(|&s| s == 0) && seg[6] != 0 {
        text.push_str("::");
        push_ipv4(&mut text, &Ipv4Addr::new(b[12], b[13], b[14], b[15]));
        return text;
    }
    push_ipv6(&mut text, &a);
    text
}
