//! Text range files of AS numbers, one inclusive range per line:
//!
//! - ip-location-db (`@ip-location-db/asn`, `asn-ipv4.csv`, `asn-ipv6.csv`): CSV
//!   `start_ip,end_ip,asn,org`, no header, the organisation quoted when it holds a comma
//!   or a quote (`"LLC ""SPUTNIK"""`); the `-num` files give addresses as decimal numbers.
//! - iptoasn (`ip2asn-v4.tsv`, `ip2asn-v6.tsv`, `ip2asn-combined.tsv`): tab-separated
//!   `start end asn country description`; AS 0 ("Not routed") lines are skipped.
//!
//! Blank lines and `#` comments are skipped, as is a header line at the top. Anything else
//! that does not parse is an error naming the file and line.

use std::io::{BufRead, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use super::GeoError;
use super::ranges::RangeBuilder;

/// Longest line accepted (real lines are under 250 bytes).
const MAX_LINE: usize = 4096;

/// Most ranges one database may hold (the real files have about 515,000).
const MAX_RANGES: usize = 16 << 20;

/// Most bytes of distinct organisation names (the real files have about 2 MB).
const MAX_ORG_BYTES: usize = 64 << 20;

/// Reads every range of one file into `into`.
pub(super) fn read_ranges(
    path: &Path,
    mut input: impl BufRead,
    into: &mut RangeBuilder,
) -> Result<(), GeoError> {
    let shown = path.display().to_string();
    let fail = |line: u64, reason: String| GeoError::Line {
        path: shown.clone(),
        line,
        reason,
    };
    let mut buf = Vec::with_capacity(256);
    let mut line_no = 0u64;
    let mut found = 0usize;
    loop {
        buf.clear();
        let read = Read::by_ref(&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|source| GeoError::Io {
                path: shown.clone(),
                source,
            })?;
        if read == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > MAX_LINE {
            return Err(fail(line_no, format!("line longer than {MAX_LINE} bytes")));
        }
        let text = std::str::from_utf8(&buf)
            .map_err(|_| fail(line_no, "not UTF-8 text".into()))?
            .trim_end_matches(['\n', '\r']);
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() || text.starts_with('#') {
            continue;
        }
        match parse_line(text) {
            Ok(Some((start, end, asn, org))) => {
                if into.len() >= MAX_RANGES {
                    return Err(fail(line_no, format!("more than {MAX_RANGES} ranges")));
                }
                if into.org_bytes() > MAX_ORG_BYTES {
                    return Err(fail(
                        line_no,
                        format!("organisation names add up to more than {MAX_ORG_BYTES} bytes"),
                    ));
                }
                into.add(start, end, asn, &org);
                found += 1;
            }
            Ok(None) => {}
            Err(_) if found == 0 && looks_like_header(text) => {}
            Err(reason) => return Err(fail(line_no, reason)),
        }
    }
    if found == 0 {
        return Err(GeoError::Empty { path: shown });
    }
    Ok(())
}

/// One line: `Some` range, `None` for a line to skip (AS 0), or what is wrong.
fn parse_line(text: &str) -> Result<Option<(IpAddr, IpAddr, u32, String)>, String> {
    let tsv = text.contains('\t');
    let fields = if tsv {
        text.split('\t').map(str::to_string).collect()
    } else {
        split_csv(text)?
    };
    let (start, end, asn, org) = match (tsv, fields.as_slice()) {
        (false, [s, e, a]) => (s, e, a, ""),
        (false, [s, e, a, o]) => (s, e, a, o.as_str()),
        (true, [s, e, a, _country, o]) => (s, e, a, o.as_str()),
        (false, f) => {
            return Err(format!(
                "expected 4 comma-separated fields start_ip,end_ip,asn,org, found {}",
                f.len()
            ));
        }
        (true, f) => {
            return Err(format!(
                "expected 5 tab-separated fields start end asn country description, found {}",
                f.len()
            ));
        }
    };
    let (start, end) = parse_pair(start.trim(), end.trim())?;
    let asn = parse_asn(asn.trim())?;
    if asn == 0 {
        return Ok(None);
    }
    Ok(Some((start, end, asn, org.trim().to_string())))
}

/// Start and end of a range: addresses, or decimal numbers (IPv4 when both fit in 32 bits).
fn parse_pair(start: &str, end: &str) -> Result<(IpAddr, IpAddr), String> {
    let (s, e) = match (start.parse::<u128>(), end.parse::<u128>()) {
        (Ok(s), Ok(e)) => match (u32::try_from(s), u32::try_from(e)) {
            (Ok(s4), Ok(e4)) => (
                IpAddr::V4(Ipv4Addr::from(s4)),
                IpAddr::V4(Ipv4Addr::from(e4)),
            ),
            _ => (IpAddr::V6(Ipv6Addr::from(s)), IpAddr::V6(Ipv6Addr::from(e))),
        },
        _ => (parse_ip(start, "start")?, parse_ip(end, "end")?),
    };
    let ordered = match (s, e) {
        (IpAddr::V4(a), IpAddr::V4(b)) => a <= b,
        (IpAddr::V6(a), IpAddr::V6(b)) => a <= b,
        _ => return Err(format!("range {start} - {end} mixes IPv4 and IPv6")),
    };
    if !ordered {
        return Err(format!("range {start} - {end} ends before it starts"));
    }
    Ok((s, e))
}

fn parse_ip(text: &str, which: &str) -> Result<IpAddr, String> {
    text.parse()
        .map_err(|_| format!("{which} address {:?} is not an IP address", clip(text)))
}

/// `13335` or `AS13335`.
fn parse_asn(text: &str) -> Result<u32, String> {
    let digits = text
        .strip_prefix("AS")
        .or_else(|| text.strip_prefix("as"))
        .unwrap_or(text);
    digits
        .parse()
        .map_err(|_| format!("AS number {:?} is not a number below 2^32", clip(text)))
}

/// Splits a CSV line (RFC 4180 quoting within one line).
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => {
                quoted = true;
                at_start = false;
            }
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => {
                quoted = false;
                if chars.peek().is_some_and(|&n| n != ',') {
                    return Err("text after a closing quote".into());
                }
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
            }
            (_, c) => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(field);
    Ok(fields)
}

/// A first line such as `start_ip,end_ip,asn,org` or `ip_range_start,...`.
fn looks_like_header(text: &str) -> bool {
    let first = text.split([',', '\t']).next().unwrap_or("").trim();
    !first.is_empty()
        && first
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b' ')
}

/// At most 40 characters of a bad field, for the message.
fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (IpAddr, IpAddr, u32, String) {
        parse_line(text).unwrap().unwrap()
    }

    #[test]
    fn the_real_line_shapes() {
        let (s, e, asn, org) = parse("1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"");
        assert_eq!(
            (s.to_string(), e.to_string(), asn, org.as_str()),
            (
                "1.0.0.0".into(),
                "1.0.0.255".into(),
                13335,
                "Cloudflare, Inc."
            )
        );
        assert_eq!(
            parse("2.26.200.0,2.26.215.255,201907,\"LLC \"\"SPUTNIK\"\"\"").3,
            "LLC \"SPUTNIK\""
        );
        let (s, e, ..) = parse("16777216,16777471,13335,\"Cloudflare, Inc.\"");
        assert_eq!(
            (s.to_string(), e.to_string()),
            ("1.0.0.0".into(), "1.0.0.255".into())
        );
        let (s, e, asn, _) = parse(
            "42540488161975842760550356425300246528,42540488241204005274814694018844196863,6939,Hurricane Electric LLC",
        );
        assert_eq!(
            (s.to_string(), e.to_string(), asn),
            (
                "2001::".into(),
                "2001:0:ffff:ffff:ffff:ffff:ffff:ffff".into(),
                6939
            )
        );
        let (s, _, asn, org) =
            parse("2001:200::,2001:200:1b9:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project");
        assert_eq!(
            (s.to_string(), asn, org.as_str()),
            ("2001:200::".into(), 2500, "WIDE Project")
        );
        // iptoasn
        let (s, e, asn, org) = parse("1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET");
        assert_eq!(
            (s.to_string(), e.to_string(), asn, org.as_str()),
            ("1.0.0.0".into(), "1.0.0.255".into(), 13335, "CLOUDFLARENET")
        );
        assert_eq!(
            parse_line("0.0.0.0\t0.255.255.255\t0\tNone\tNot routed"),
            Ok(None)
        );
        assert_eq!(parse("8.8.8.0,8.8.8.255,AS15169,Google LLC").2, 15169);
        assert_eq!(parse("8.8.8.0,8.8.8.255,15169").3, "");
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        for (line, words) in [
            ("1.0.0.0,1.0.0.255", "found 2"),
            ("1.0.0.0,1.0.0.255,1,a,b", "found 5"),
            ("1.0.0.0\t1.0.0.255\t1", "found 3"),
            ("1.0.0.300,1.0.0.255,1,x", "start address \"1.0.0.300\""),
            ("1.0.0.0,zzz,1,x", "end address \"zzz\""),
            ("1.0.0.9,1.0.0.1,1,x", "ends before it starts"),
            ("1.0.0.0,::1,1,x", "mixes IPv4 and IPv6"),
            ("1.0.0.0,1.0.0.1,4294967296,x", "not a number below 2^32"),
            ("1.0.0.0,1.0.0.1,-1,x", "not a number"),
            ("1.0.0.0,1.0.0.1,1,\"open", "not closed"),
            ("1.0.0.0,1.0.0.1,1,\"a\"b", "after a closing quote"),
            (
                "99999999999999999999999999999999999999999,1,1,x",
                "not an IP address",
            ),
        ] {
            let err = parse_line(line).unwrap_err();
            assert!(err.contains(words), "{line}: {err}");
        }
    }

    #[test]
    fn headers_only_when_they_look_like_one() {
        assert!(looks_like_header("start_ip,end_ip,asn,org"));
        assert!(looks_like_header("ip_range_start\tip_range_end\tAS_number"));
        assert!(!looks_like_header("1.0.0.0,x"));
        assert!(!looks_like_header("fe80::,x"));
        assert!(!looks_like_header(",x"));
    }
}
