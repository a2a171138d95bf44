//! Hand-built messages: names, record types, Zeek's quirks, limits, TCP framing.

use super::super::*;

/// Wire form of a dotted name (no compression).
fn name(s: &str) -> Vec<u8> {
    let mut v = Vec::new();
    for l in s.split('.').filter(|l| !l.is_empty()) {
        v.push(l.len() as u8);
        v.extend_from_slice(l.as_bytes());
    }
    v.push(0);
    v
}

/// A message: header then `body` (questions and RRs already encoded).
fn msg(flags: u16, counts: [u16; 4], body: &[u8]) -> Vec<u8> {
    let mut v = vec![0x12, 0x34];
    v.extend_from_slice(&flags.to_be_bytes());
    for c in counts {
        v.extend_from_slice(&c.to_be_bytes());
    }
    v.extend_from_slice(body);
    v
}

/// One question.
fn question(n: &str, qtype: u16) -> Vec<u8> {
    let mut v = name(n);
    v.extend_from_slice(&qtype.to_be_bytes());
    v.extend_from_slice(&1u16.to_be_bytes());
    v
}

/// One RR with a raw owner.
fn rr(owner: &[u8], rtype: u16, class: u16, ttl: u32, rdata: &[u8]) -> Vec<u8> {
    let mut v = owner.to_vec();
    v.extend_from_slice(&rtype.to_be_bytes());
    v.extend_from_slice(&class.to_be_bytes());
    v.extend_from_slice(&ttl.to_be_bytes());
    v.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    v.extend_from_slice(rdata);
    v
}

const PTR_Q: [u8; 2] = [0xc0, 0x0c];

/// A response to `q` with the given answer RRs.
fn reply(q: &str, qtype: u16, answers: &[Vec<u8>]) -> DnsMessage {
    let mut body = question(q, qtype);
    for a in answers {
        body.extend_from_slice(a);
    }
    parse_message(&msg(0x8180, [1, answers.len() as u16, 0, 0], &body)).expect("parses")
}

#[test]
fn header_flags_and_question() {
    let m =
        parse_message(&msg(0x0170, [1, 0, 0, 0], &question("Example.COM", 28))).expect("parses");
    assert_eq!(
        (m.trans_id, m.is_response, m.opcode, m.rd, m.z),
        (0x1234, false, 0, true, 7)
    );
    assert_eq!(m.query.as_deref(), Some("example.com"));
    assert_eq!((m.qtype, m.qclass), (Some(28), Some(1)));
    assert!(!m.rejected() && m.zeek_confirms());
    let m = parse_message(&msg(0x8783, [1, 0, 0, 0], &question("x", 1))).expect("parses");
    assert!(m.is_response && m.aa && m.tc && m.rd && m.ra && m.rcode == 3);
}

#[test]
fn errors_and_limits() {
    assert_eq!(parse_message(&[0; 11]), Err(DnsError::TooShort));
    assert_eq!(
        parse_message(&msg(0x1000, [0; 4], &[])),
        Err(DnsError::UnsupportedOpcode(2))
    );
    let m = parse_message(&msg(0x0000, [26, 0, 0, 0], &question("a", 1))).expect("parses");
    assert_eq!(
        (m.query.as_deref(), m.note),
        (None, Some("dns_max_queries"))
    );
    assert!(!m.zeek_confirms());
    // Question cut short: no query, truncated.
    let mut q = question("abc.def", 1);
    q.truncate(q.len() - 3);
    let m = parse_message(&msg(0x0100, [1, 0, 0, 0], &q)).expect("parses");
    assert!(m.truncated_rdata && m.query.is_none() && m.note == Some("dns_truncated"));
}

#[test]
fn several_questions_log_the_last() {
    let mut body = question("first.example", 1);
    body.extend_from_slice(&question("second.example", 28));
    let m = parse_message(&msg(0x0100, [2, 0, 0, 0], &body)).expect("parses");
    assert_eq!(
        (m.query.as_deref(), m.qtype),
        (Some("second.example"), Some(28))
    );
}

#[test]
fn answer_texts_by_type() {
    let mut txt = vec![3];
    txt.extend_from_slice(b"a,b");
    txt.push(0);
    let mut naptr = vec![0, 10, 0, 20, 1, b'U', 7];
    naptr.extend_from_slice(b"E2U+sip");
    naptr.extend_from_slice(b"\x05!^.*$");
    naptr.extend_from_slice(&name("Sip.Example"));
    let mut rrsig = vec![0, 1, 8, 2, 0, 0, 0, 60, 0, 0, 0, 1, 0, 0, 0, 2, 0, 7];
    rrsig.push(0); // root signer
    rrsig.extend_from_slice(&[0xaa; 4]);
    let mut soa = name("NS1.example");
    soa.extend_from_slice(&name("host.example"));
    soa.extend_from_slice(&[0; 20]);
    let mut mx = vec![0, 10];
    mx.extend_from_slice(&name("MAIL.example"));
    let mut srv = vec![0, 1, 0, 2, 0, 80];
    srv.extend_from_slice(&name("www.example"));
    let mut nsec = name("next.example");
    nsec.extend_from_slice(&[0, 1, 0x40]);
    let answers = [
        rr(&PTR_Q, 1, 1, 1, &[10, 0, 0, 1]),
        rr(
            &PTR_Q,
            28,
            1,
            2,
            &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        ),
        rr(
            &PTR_Q,
            28,
            1,
            3,
            &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4],
        ),
        rr(&PTR_Q, 5, 1, 4, &name("Alias.Example")),
        rr(&PTR_Q, 16, 1, 5, &txt),
        rr(&PTR_Q, 99, 1, 6, &txt),
        rr(&PTR_Q, 35, 1, 7, &naptr),
        rr(&PTR_Q, 46, 1, 8, &rrsig),
        rr(&PTR_Q, 6, 1, 9, &soa),
        rr(&PTR_Q, 15, 1, 10, &mx),
        rr(&PTR_Q, 33, 1, 11, &srv),
        rr(&PTR_Q, 44, 1, 12, &[1, 1, 0xde, 0xad]),
        rr(&PTR_Q, 43, 1, 13, &[0, 1, 8, 2, 0xff]),
        rr(&PTR_Q, 48, 1, 14, &[1, 1, 3, 13, 0xff]),
        rr(&PTR_Q, 47, 1, 15, &nsec),
        rr(&PTR_Q, 50, 1, 16, &[1, 0, 0, 1, 0, 1, 0xab]),
        rr(&PTR_Q, 51, 1, 17, &[1, 0, 0, 1, 0]),
        rr(
            &PTR_Q,
            29,
            1,
            18,
            &[0, 0x12, 0x16, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ),
        rr(&PTR_Q, 65534, 1, 19, &[8, 1, 2, 0, 1]),
        rr(&PTR_Q, 1234, 1, 20, &[1, 2, 3]),
        rr(&PTR_Q, 13, 1, 21, &[1, b'x', 1, b'y']), // HINFO: no text in Zeek
        rr(
            &PTR_Q,
            257,
            1,
            22,
            &[0, 5, b'i', b's', b's', b'u', b'e', b'x'],
        ), // CAA: none
        rr(&PTR_Q, 12, 1, 23, &name("PTR.Example")),
        rr(&PTR_Q, 2, 1, 24, &[0]), // NS for the root: empty text, not logged
    ];
    let m = reply("q.example", 255, &answers);
    assert!(!m.truncated_rdata, "{m:?}");
    let want = [
        "10.0.0.1",
        "2001:db8::1",
        "1.2.3.4",
        "alias.example",
        "TXT 3 a,b TXT 0 ",
        "SPF 3 a,b SPF 0 ",
        "NAPTR 10 20 U E2U+sip !^.*$ Sip.Example", // replacement keeps its case
        "RRSIG 1 <Root>",
        "ns1.example",
        "mail.example",
        "www.example",
        "SSHFP: dead",
        "DS 8 2",
        "DNSKEY 13",
        "NSEC q.example next.example",
        "NSEC3",
        "NSEC3PARAM",
        "LOC:  18 22 19",
        "BIND9 signing signal",
        "<unknown type=1234>",
        "ptr.example",
    ];
    assert_eq!(m.answers, want);
    assert_eq!(
        m.ttls,
        [
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 23
        ]
    );
    assert_eq!(m.answer_query.as_deref(), Some("q.example"));
}

#[test]
fn names_with_odd_bytes_are_escaped_like_zeek() {
    let mut n = vec![
        5, b'A', 0, b'.', b'\\', 0x7f, 2, 0xc3, 0xa9, 2, 0xc3, 0xff, 0,
    ];
    let m = reply("q", 1, &[rr(&PTR_Q, 5, 1, 0, &n)]);
    // Pieces are cut at backslashes; a bad byte escapes all non-ASCII of its piece.
    assert_eq!(m.answers, ["a\\x00.\\\\\\x7f.\\xc3\\xa9.\\xc3\\xff"]);
    n = vec![2, 0xc3, 0xa9, 1, b'\\', 0];
    let m = reply("q", 1, &[rr(&PTR_Q, 5, 1, 0, &n)]);
    assert_eq!(m.answers, ["\u{e9}.\\\\"]);
    n = vec![1, b'\t', 0];
    let m = reply("q", 1, &[rr(&PTR_Q, 5, 1, 0, &n)]);
    assert_eq!(m.answers, ["\\x09"]);
}

#[test]
fn escape_matches_zeek_vectors() {
    assert_eq!(zeek_escape(b"a"), "a");
    assert_eq!(
        zeek_escape(b"\x0c\n\r\t\x00\x15"),
        "\\x0c\\x0a\\x0d\\x09\\x00\\x15"
    );
    assert_eq!(zeek_escape(b"\xc3\xb1"), "\u{f1}");
    assert_eq!(zeek_escape(b"\xc3\x28"), "\\xc3(");
    assert_eq!(zeek_escape(b"\xc0\x81"), "\\xc0\\x81");
    assert_eq!(zeek_escape(b"\xa0\xa1"), "\\xa0\\xa1");
    assert_eq!(zeek_escape(b"\xe2\x82\xa1"), "\u{20a1}");
    assert_eq!(zeek_escape(b"\xe2\x28\xa1"), "\\xe2(\\xa1");
    assert_eq!(zeek_escape(b"\xed\xa0\xa1"), "\\xed\\xa0\\xa1");
    assert_eq!(zeek_escape(b"\xc3\xb1\\\xff"), "\u{f1}\\\\\\xff");
    assert_eq!(zeek_escape(b"\xc3\xb1\xff"), "\\xc3\\xb1\\xff");
    assert_eq!(zeek_escape(b"\xee\x80\x80"), "\\xee\\x80\\x80"); // private use
}

#[test]
fn owned_and_appended_escapes_equal_the_plain_one() {
    use super::super::escape::{zeek_escape_into, zeek_escape_owned};
    let inputs: [&[u8]; 6] = [
        b"",
        b"www.example.com",
        b"a\\b",
        b"\x0c\n",
        b"\xc3\xb1\\\xff",
        b"\xee\x80\x80",
    ];
    for bytes in inputs {
        let plain = zeek_escape(bytes);
        assert_eq!(zeek_escape_owned(bytes.to_vec()), plain, "{bytes:?}");
        let mut appended = String::from("add: ");
        zeek_escape_into(bytes, &mut appended);
        assert_eq!(appended, format!("add: {plain}"), "{bytes:?}");
    }
}

#[test]
fn compression_loops_and_forward_pointers_fail() {
    // Owner pointing at itself (offset of the pointer).
    let q = question("q", 1);
    let at = (12 + q.len()) as u8;
    let m = reply("q", 1, &[rr(&[0xc0, at], 1, 1, 0, &[1, 2, 3, 4])]);
    assert!(m.truncated_rdata && m.answers.is_empty());
    // A forward pointer.
    let m = reply("q", 1, &[rr(&[0xc0, at + 2], 1, 1, 0, &[1, 2, 3, 4])]);
    assert!(m.truncated_rdata && m.answers.is_empty());
    // Two names pointing at each other: the later one may point back, the earlier
    // one cannot point forward.
    let mut body = vec![0xc0, 0x10, 0, 1, 0, 1]; // question name at 12 points to 16
    body.extend_from_slice(&[1, b'a', 0xc0, 0x0c]);
    let m = parse_message(&msg(0x0100, [1, 0, 0, 0], &body)).expect("parses");
    assert!(m.truncated_rdata && m.query.is_none());
}

#[test]
fn deep_pointer_chains_stop_at_depth_20() {
    // An unknown-type RR carries a chain of names, each "a" + pointer to the previous.
    let q = question("q", 1);
    let rdata_at = 12 + q.len() + 2 + 10;
    let mut chain = vec![1, b'z', 0];
    let mut last = rdata_at;
    for _ in 0..40 {
        let here = rdata_at + chain.len();
        chain.extend_from_slice(&[1, b'a', 0xc0 | (last >> 8) as u8, last as u8]);
        last = here;
    }
    let cname = [0xc0 | (last >> 8) as u8, last as u8];
    let m = reply(
        "q",
        1,
        &[rr(&PTR_Q, 999, 1, 0, &chain), rr(&PTR_Q, 5, 1, 0, &cname)],
    );
    assert!(!m.truncated_rdata);
    // Depth 1..=20 each add one label, deeper parts are dropped without an error.
    assert_eq!(m.answers[1], vec!["a"; 20].join("."));
}

#[test]
fn long_names() {
    let l = "x".repeat(63);
    let n300 = [l.as_str(); 5].join(".");
    let m = reply("q", 1, &[rr(&PTR_Q, 5, 1, 0, &name(&n300))]);
    assert_eq!(m.answers, [n300]); // over 255 is only a weird in Zeek
    let n576 = [l.as_str(); 9].join(".");
    let m = reply("q", 1, &[rr(&PTR_Q, 5, 1, 0, &name(&n576))]);
    assert!(m.truncated_rdata && m.answers.is_empty()); // over Zeek's 512-byte buffer
    let mut bad = vec![64];
    bad.extend_from_slice(&[b'x'; 64]);
    bad.push(0);
    let m = reply("q", 1, &[rr(&PTR_Q, 5, 1, 0, &bad)]);
    assert!(m.truncated_rdata);
}

#[test]
fn zeek_record_quirks() {
    // A TXT string running past RDLENGTH: the strings before it are logged, then stop.
    let t = rr(
        &PTR_Q,
        16,
        1,
        9,
        &[3, b'a', b'b', b'c', 9, b'x', b'y', b'z'],
    );
    let m = reply("q", 16, &[t, rr(&PTR_Q, 1, 1, 0, &[1, 2, 3, 4])]);
    assert_eq!(
        (m.answers.as_slice(), m.truncated_rdata),
        (&["TXT 3 abc".to_string()][..], true)
    );
    // WKS consumes nothing: Zeek reads the next RR from inside its RDATA.
    let inner = rr(&PTR_Q, 1, 1, 77, &[9, 9, 9, 9]);
    let m = reply("q", 11, &[rr(&PTR_Q, 11, 1, 5, &inner)]);
    let mut body = question("q", 11);
    body.extend_from_slice(&rr(&PTR_Q, 11, 1, 5, &inner));
    let m2 = parse_message(&msg(0x8180, [1, 2, 0, 0], &body)).expect("parses");
    assert!(m.answers.is_empty() && m.answer_query.as_deref() == Some("q"));
    assert_eq!(
        (m2.answers.as_slice(), m2.ttls.as_slice()),
        (&["9.9.9.9".to_string()][..], &[77][..])
    );
    // A with RDLENGTH 5 stops the message; zero RDLENGTH before the end too.
    let m = reply("q", 1, &[rr(&PTR_Q, 1, 1, 0, &[1, 2, 3, 4, 5])]);
    assert!(m.truncated_rdata && m.answers.is_empty());
    let m = reply(
        "q",
        1,
        &[rr(&PTR_Q, 5, 1, 0, &[]), rr(&PTR_Q, 1, 1, 0, &[1, 2, 3, 4])],
    );
    assert!(m.truncated_rdata);
    // Answers in a request are parsed but not logged.
    let mut body = question("q", 1);
    body.extend_from_slice(&rr(&PTR_Q, 1, 1, 0, &[1, 2, 3, 4]));
    let m = parse_message(&msg(0x0100, [1, 1, 0, 0], &body)).expect("parses");
    assert!(m.answers.is_empty() && m.answer_query.is_none() && !m.truncated_rdata);
}

#[test]
fn answer_limit() {
    let many: Vec<Vec<u8>> = (0..70)
        .map(|i| rr(&PTR_Q, 1, 1, i, &[10, 0, 0, i as u8]))
        .collect();
    let m = reply("q", 1, &many);
    assert_eq!(
        (m.answers.len(), m.ttls.len(), m.note),
        (MAX_ANSWERS, MAX_ANSWERS, Some("dns_answer_limit"))
    );
    assert!(m.zeek_confirms());
}

#[test]
fn rejected_rule() {
    // A reply without any RR whose question parsed: Zeek's dns_rejected.
    let m = parse_message(&msg(0x8185, [1, 0, 0, 0], &question("q", 1))).expect("parses");
    assert!(m.rejected());
    let m = parse_message(&msg(0x8180, [1, 0, 0, 0], &question("q", 1))).expect("parses");
    assert!(m.rejected());
    // An OPT RR in the additional section is enough to not be rejected.
    let mut body = question("q", 1);
    body.extend_from_slice(&rr(&[0], 41, 4096, 0, &[]));
    let m = parse_message(&msg(0x8185, [1, 0, 0, 1], &body)).expect("parses");
    assert!(!m.rejected());
    // A non-zero RCODE and no question at all.
    let m = parse_message(&msg(0x8182, [0, 0, 0, 0], &[])).expect("parses");
    assert!(m.rejected());
    let m = parse_message(&msg(0x8180, [0, 0, 0, 0], &[])).expect("parses");
    assert!(!m.rejected());
    // Never for a request.
    let m = parse_message(&msg(0x0105, [0, 0, 0, 0], &[])).expect("parses");
    assert!(!m.rejected());
}

#[test]
fn dynamic_update_like_zeek_baseline() {
    // Shape of Zeek's dynamic-update test: zone, one prerequisite, three updates.
    let mut body = name("stratolab.org");
    body.extend_from_slice(&[0, 6, 0, 1]);
    let owner = name("nwin2.stratolab.org");
    body.extend_from_slice(&rr(&owner, 5, 254, 0, &[]));
    body.extend_from_slice(&rr(&owner, 28, 255, 0, &[]));
    body.extend_from_slice(&rr(&owner, 1, 255, 0, &[]));
    body.extend_from_slice(&rr(&owner, 1, 1, 1200, &[192, 168, 1, 106]));
    let reply = parse_message(&msg(0xa805, [1, 1, 3, 0], &body)).expect("parses");
    let row = log_row(None, Some(&reply));
    assert_eq!(row.query.as_deref(), Some("nwin2.stratolab.org"));
    assert_eq!(
        row.answers,
        [
            "pre: NoRRSet CNAME nwin2.stratolab.org",
            "del: RRSet AAAA",
            "del: RRSet A",
            "add: A nwin2.stratolab.org 192.168.1.106"
        ]
    );
    assert_eq!(row.ttls, [0, 0, 0, 1200]);
    assert_eq!(
        (row.rcode, row.rejected, row.opcode, row.qtype),
        (Some(5), false, 5, None)
    );
    // The request (QR=0) logs nothing of its own.
    let req = parse_message(&msg(0x2800, [1, 1, 3, 0], &body)).expect("parses");
    assert!(req.query.is_none() && req.answers.is_empty());
}

#[test]
fn log_row_merge_rules() {
    let req = parse_message(&msg(0x0110, [1, 0, 0, 0], &question("q", 1))).expect("parses");
    let nx = parse_message(&msg(0x8583, [1, 0, 1, 0], &{
        let mut b = question("q", 1);
        b.extend_from_slice(&rr(&PTR_Q, 1234, 1, 0, &[0]));
        b
    }))
    .expect("parses");
    // NXDOMAIN with only an authority RR: AA/RA stay F in Zeek's row.
    let row = log_row(Some(&req), Some(&nx));
    assert_eq!(
        (row.aa, row.ra, row.rd, row.z, row.rcode),
        (false, false, true, 1, Some(3))
    );
    assert_eq!(
        (row.query.as_deref(), row.qtype, row.qclass),
        (Some("q"), Some(1), Some(1))
    );
    // Only the request.
    let row = log_row(Some(&req), None);
    assert_eq!(
        (row.rcode, row.answers.len(), row.rejected),
        (None, 0, false)
    );
}

#[test]
fn names_of_codes() {
    assert_eq!(qtype_name(1), "A");
    assert_eq!(qtype_name(255), "*");
    assert_eq!(qtype_name(65534), "query-65534");
    assert_eq!(rcode_name(3), "NXDOMAIN");
    assert_eq!(rcode_name(8), "NXRRSet");
    assert_eq!(rcode_name(12), "unassigned-12");
    assert_eq!(rcode_name(3842), "BADSIG");
    assert_eq!(rcode_name(99), "rcode-99");
    assert_eq!(qclass_name(1), "C_INTERNET");
    assert_eq!(qclass_name(0x8001), "qclass-32769");
    assert_eq!(opcode_name(5), "dynamic-update");
    assert_eq!(opcode_name(3), "opcode-3");
}

#[test]
fn ipv6_texts() {
    let m = |b: [u8; 16]| reply("q", 28, &[rr(&PTR_Q, 28, 1, 0, &b)]).answers;
    assert_eq!(
        m([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]),
        ["::1.2.3.4"]
    );
    assert_eq!(m([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), ["::1"]);
    assert_eq!(
        m([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        ["fe80::1"]
    );
}

#[test]
fn tcp_framing() {
    let a = msg(0x0100, [1, 0, 0, 0], &question("a.example", 1));
    let b = msg(0x8180, [1, 0, 0, 0], &question("b.example", 1));
    let mut bytes = Vec::new();
    for m in [&a, &b] {
        bytes.extend_from_slice(&(m.len() as u16).to_be_bytes());
        bytes.extend_from_slice(m);
    }
    bytes.extend_from_slice(&[0, 0]); // zero-length message
    let mut s = DnsTcpStream::new();
    let out = s.feed(&bytes);
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[0].as_ref().map(|m| m.query.clone()),
        Ok(Some("a.example".into()))
    );
    assert_eq!(
        out[1].as_ref().map(|m| m.query.clone()),
        Ok(Some("b.example".into()))
    );
    assert_eq!(out[2], Err(DnsError::TooShort));
    // Split inside the length prefix and inside the body.
    let mut s = DnsTcpStream::new();
    assert!(s.feed(&bytes[..1]).is_empty());
    assert!(s.feed(&bytes[1..7]).is_empty());
    assert_eq!(s.feed(&bytes[7..]).len(), 3);
    // A message cut by the end of the stream is parsed by finish().
    let mut s = DnsTcpStream::new();
    assert!(s.feed(&bytes[..a.len()]).is_empty());
    let last = s.finish().expect("partial message");
    assert_eq!(last.map(|m| m.truncated_rdata), Ok(true));
}

#[test]
fn tcp_message_over_limit() {
    let mut body = question("big.example", 16);
    let txt: Vec<u8> = std::iter::repeat_n([255u8].iter().chain([b'x'; 255].iter()).copied(), 100)
        .flatten()
        .collect();
    body.extend_from_slice(&rr(&PTR_Q, 16, 1, 0, &txt[..25_000]));
    let big = msg(0x8180, [1, 1, 0, 0], &body);
    let small = msg(0x0100, [1, 0, 0, 0], &question("next.example", 1));
    let mut bytes = Vec::new();
    for m in [&big, &small] {
        bytes.extend_from_slice(&(m.len() as u16).to_be_bytes());
        bytes.extend_from_slice(m);
    }
    let mut s = DnsTcpStream::new();
    let out: Vec<_> = bytes.chunks(1000).flat_map(|c| s.feed(c)).collect();
    assert_eq!(out.len(), 2);
    let first = out[0].as_ref().expect("parses");
    assert!(first.truncated_rdata && first.note == Some("dns_tcp_msg_over_limit"));
    assert_eq!(
        out[1].as_ref().map(|m| m.query.clone()),
        Ok(Some("next.example".into()))
    );
    assert_eq!(s.note(), Some("dns_tcp_msg_over_limit"));
}

#[test]
fn looks_like_dns_rejects_other_payloads() {
    assert!(looks_like_dns(&msg(
        0x0100,
        [1, 0, 0, 0],
        &question("a.example", 1)
    )));
    assert!(!looks_like_dns(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert!(!looks_like_dns(b"SSH-2.0-OpenSSH_7.4\r\n"));
    assert!(!looks_like_dns(&msg(0x0100, [0, 0, 0, 0], &[])));
    assert!(!looks_like_dns(&msg(
        0x0100,
        [1, 0, 0, 0],
        &[1, b'a', 0, 0, 1, 0, 9]
    )));
    let mut mdns = question("printer.local", 12);
    let at = mdns.len() - 2;
    mdns[at] = 0x80; // unicast-response bit
    assert!(looks_like_dns(&msg(0x0000, [1, 0, 0, 0], &mdns)));
}
