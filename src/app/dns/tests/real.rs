//! The real captures: every dns.log column of Zeek's baselines and tshark's DNS fields.

use super::super::*;
use super::unhex;

/// dns-sshfp-trunc frame 1 (udp 128.3.121.180:54109 > 192.188.22.52:53).
const SSHFP_TRUNC_1: &str =
    "9fd400100001000000000001036d6f6e036c626c03676f7600002c00010000291000000080000000";
/// dns-sshfp-trunc frame 2 (udp 192.188.22.52:53 > 128.3.121.180:54109).
const SSHFP_TRUNC_2: &str = concat!(
    "9fd484100001000900000001036d6f6e036c626c03676f7600002c0001c00c002c00010000a8c000160201a6",
    "b95f9eba1104a7272a362e8bfbcbebd5726dcfc00c002c00010000a8c000220202520711b47c300b819cfb69",
    "6a845007c420de4df30ae3953004b6cfb2bd2c6a46c00c002c00010000a8c0001603015b72c59cceaea2c210",
    "f14156e20e6aff829b3e3bc00c002c00010000a8c000160101c052721a978470b36fe5b9222f234400f36917",
    "2bc00c002c00010000a8c0001604010b24d970aa05b708804d35eea3a8c1a6c355e545c00c002c00010000a8",
    "c0002204022870056915073c1e189fc7bf04bbce4512be09a0104f64ae3cfa072b8e06dd2bc00c002c000100",
    "00a8c000220102562cb91a82129b62ee4fd92ca202a72b844b7e84ac29dec75654453550201e82c00c002c00",
    "010000a8c000220302c692deb7667ceee670d3e6863b5de7b140fe0ba0183a52f6ccbb4247f7b0ab29c00c00",
    "2e00010000a8c0009b002c07030000a8c05ff1822a5f7ad99abc27036c626c03676f76004578d609c9e85755",
    "2f17c8fb118797dd5d07b9d71494e38cc5c466f6af5d987056120f0e4fb68e024918fff159f876594b1e5da3",
    "e189ec2f10a47c63f944854c86558340ea7315ef9076a3e3c10e68c0a850f6af9db676f76ebd8979513ca349",
    "9eb10bf0134bb185b9dc4670a4d236e00048f35e7a6e7df6b9be20342e1fe83c0000291000000080000000",
);
/// dns-sshfp-trunc frame 3 (udp 128.3.121.180:54109 > 192.188.22.52:53).
const SSHFP_TRUNC_3: &str = concat!(
    "561c00000001000000000001056e3030313906736176696f31036c626c03676f760000010001000029100000",
    "0080000000",
);
/// dns-sshfp-trunc frame 4 (udp 192.188.22.52:53 > 128.3.121.180:54109).
const SSHFP_TRUNC_4: &str = concat!(
    "561c84030001000000060001056e3030313906736176696f31036c626c03676f760000010001036c626c0367",
    "6f7600000600010000012c0027036e7378c0260a686f73746d6173746572c0397858bf880000384000000708",
    "0024ea000000012cc026002e00010000012c009b000607020000a8c0601c35495fa58039bc27036c626c0367",
    "6f7600082062c50add2a485baadd268feea58260b11b3c55a478efb8a3341c217875a135a8f8adce53af5db9",
    "777e7c86f30ec00c1e509a9895f44c9a6f60842273ac6fa282d1129dafff982263c09d77c52b9212afae2829",
    "006342e1218ad8006c90cb05e75ab24f3b08ac67a54f0cb610f56782ed4d2914e5f1ed76333ed4781a46ddc0",
    "7e002f00010000012c004a0862696f6c6f67696305737032303006303030313430036c626c03676f76000007",
    "62018000000380ff200000000000000000000000000000000000000000000000000000000000000002c07e00",
    "2e00010000012c009b002f07020000012c5fe0feca5f6a52f5bc27036c626c03676f760002ee65aa3b71d053",
    "f1ddb9fe3b2df2f5a26dbadbeca7f2aa86123d4f30bbec6530379c2be08854669a5488d63200e13900119d3c",
    "3eafdf1ef4aae8ebf67fa84d9821a8ee85183a8be031492011ea31dbb4aabfc28cb24efe1a2f643476afd449",
    "e6e80a3eb70a02c01464d40161e4cbd524f64a3017ff251fab4a2a9926010a21037777770973617665706f77",
    "6572036c626c03676f7600002f00010000012c0017057361766f79036c626c03676f76000006040000000003",
    "c204002e00010000012c009b002f07040000012c5fb975a85f42c55fbc27036c626c03676f760002249c2537",
    "d92ffcb8786faf6fc09ee3e4a2bdf784999274bb06c8c4a61f6c068e029faa34aa58d3bd627dda74792f2275",
    "6e38b6e747d20d8965611a5019a33909d425a27692d5f97fdd6c9c54d8a2007883322359c906cbf2ddff45cb",
    "424c6ea6ec2262b26997dacf70e44e40742e6438aeed3b4e0ec8e7366cb658f689ff25000029100000008000",
    "0000",
);
/// dns-two-responses frame 1 (udp 55.247.223.174:27285 > 222.195.43.124:53).
const TWO_RESPONSES_1: &str =
    "5294001000010000000000010377777703636d750365647500000100010000291000000080000000";
/// dns-two-responses frame 2 (udp 222.195.43.124:53 > 55.247.223.174:27285).
const TWO_RESPONSES_2: &str = concat!(
    "5294841000010004000200040377777703636d75036564750000010001c00c00050001000151800011075757",
    "572d434d5506414e44524557c010c00c002e000100015180009b0005070300015180515cb25b5135187a1b23",
    "03636d7503656475006b741ab2616a3f33b02d97c41edb5fc04bde32780687bdcf24b8208dae7550e35b1644",
    "28fba91d0c72e757a70dcb38924d702d04a5919b673d05065e2406b93b99cb4ad945c46d550a28edbcc1cbe6",
    "db31c7b8650a6428acfab46fc5987db561a714893a1003e464f1550d3e3c344c093a3475efddd7d5d2176c62",
    "03350a2eaac0290005000100000005000c095757572d434d552d32c031c0ed0001000100005460000480020a",
    "a3c0310002000100015180000e074e534155544831034e4554c058c0310002000100015180000a074e534155",
    "544832c11dc1150001000100015180000480020108c115001c00010001518000102607fb2800000000000000",
    "0000000004c12f0001000100015180000480ed94a80000291000000080000000",
);
/// dns-two-responses frame 3 (udp 222.195.43.124:53 > 55.247.223.174:27285).
const TWO_RESPONSES_3: &str = concat!(
    "5294841000010004000200040377777703636d75036564750000010001c00c00050001000151800011075757",
    "572d434d5506414e44524557c010c00c002e000100015180009b0005070300015180515cb25b5135187a1b23",
    "03636d7503656475006b741ab2616a3f33b02d97c41edb5fc04bde32780687bdcf24b8208dae7550e35b1644",
    "28fba91d0c72e757a70dcb38924d702d04a5919b673d05065e2406b93b99cb4ad945c46d550a28edbcc1cbe6",
    "db31c7b8650a6428acfab46fc5987db561a714893a1003e464f1550d3e3c344c093a3475efddd7d5d2176c62",
    "03350a2eaac0290005000100000005000c095757572d434d552d32c031c0ed0001000100005460000480020a",
    "a3c0310002000100015180000e074e534155544831034e4554c058c0310002000100015180000a074e534155",
    "544832c11dc1150001000100015180000480020108c115001c00010001518000102607fb2800000000000000",
    "0000000004c12f0001000100015180000480ed94a80000291000000080000000",
);
/// dns-txt-multiple frame 1 (udp 192.150.187.50:51946 > 68.142.255.16:53).
const TXT_MULTIPLE_1: &str =
    "6daf0100000100000000000004666c6b720a5f646f6d61696e6b657906666c69636b7203636f6d0000100001";
/// dns-txt-multiple frame 2 (udp 68.142.255.16:53 > 192.150.187.50:51946).
const TXT_MULTIPLE_2: &str = concat!(
    "6daf8500000100030005000504666c6b720a5f646f6d61696e6b657906666c69636b7203636f6d0000100001",
    "c00c000500010000038400070466613134c011c0380005000100000384001804666131340a5f646f6d61696e",
    "6b6579057961686f6fc023c04b0010000100001c2000e37f6b3d7273613b20703d4d4947664d413047435371",
    "475349623344514542415155414134474e4144434269514b4267514450645066794a4d32523247714d795a4d",
    "31666c547a46654449552b65374b6d694b527735797a335868742b6367454969486d6d356c49474275574363",
    "357274697930436378655070716363504b6a6e624853724449323350552b484f75714a366572674531494f73",
    "4c364c4f4567473659543533764d62385a36556942537359506c724445432b384355496b544c4d4c584a6175",
    "524b35624e524b56314154477a4746706633546a5a745777494441514142c050000200010002a3000006036e",
    "7335c05bc050000200010002a3000006036e7334c05bc050000200010002a3000006036e7333c05bc0500002",
    "00010002a3000006036e7332c05bc050000200010002a3000006036e7331c05bc1a600010001001275000004",
    "44b48310c19400010001001275000004448eff10c18200010001001275000004cb54dd35c170000100010012",
    "75000004628a0b9dc15e0001000100127500000477a0f77c",
);
/// dns-edns-cookie frame 4 (tcp 192.168.0.9:56974 > 208.80.154.238:53).
const EDNS_COOKIE_4: &str = concat!(
    "003c8076012000010000000000010977696b697065646961036f726700000100010000291000000000000012",
    "000a0008c814985a928a6342000b0002000a",
);
/// dns-edns-cookie frame 6 (tcp 208.80.154.238:53 > 192.168.0.9:56974).
const EDNS_COOKIE_6: &str = concat!(
    "00548076850000010001000000010977696b697065646961036f72670000010001c00c000100010000025800",
    "04d0509ae0000029040000000000001a000a0010c814985a928a63423dcd3e4f7ba9247a000b00020172",
);
/// dns-edns-cookie frame 14 (tcp 192.168.0.9:56977 > 208.80.154.238:53).
const EDNS_COOKIE_14: &str = concat!(
    "003a607f012000010000000000010977696b697065646961036f726700000100010000291000000000000010",
    "000a0008313b506c0bdd0473000b0000",
);
/// dns-edns-cookie frame 16 (tcp 208.80.154.238:53 > 192.168.0.9:56977).
const EDNS_COOKIE_16: &str = concat!(
    "0054607f850000010001000000010977696b697065646961036f72670000010001c00c000100010000025800",
    "04d0509ae0000029040000000000001a000a0010313b506c0bdd0473b0b12e45ba68596c000b00020172",
);

/// Zeek's columns trans_id, query..opcode_name (without rtt) of one row, tab-separated.
fn zeek_columns(r: &DnsLogRow) -> String {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let b = |v: bool| if v { "T" } else { "F" }.to_string();
    let vec = |v: Vec<String>| {
        if v.is_empty() {
            "-".into()
        } else {
            v.join(",")
        }
    };
    [
        r.trans_id.to_string(),
        opt(r
            .query
            .clone()
            .map(|q| if q.is_empty() { "(empty)".into() } else { q })),
        opt(r.qclass.map(|c| c.to_string())),
        opt(r.qclass.map(|c| qclass_name(c).into_owned())),
        opt(r.qtype.map(|t| t.to_string())),
        opt(r.qtype.map(|t| qtype_name(t).into_owned())),
        opt(r.rcode.map(|c| c.to_string())),
        opt(r.rcode.map(|c| rcode_name(c.into()).into_owned())),
        b(r.aa),
        b(r.tc),
        b(r.rd),
        b(r.ra),
        r.z.to_string(),
        vec(r.answers.clone()),
        vec(r.ttls.iter().map(|t| format!("{t}.000000")).collect()),
        b(r.rejected),
        r.opcode.to_string(),
        opcode_name(r.opcode).into_owned(),
    ]
    .join("\t")
}

/// The same columns cut from a line of Zeek's dns.log (fields 7 and 9..=25).
fn zeek_line_columns(line: &str) -> String {
    let f: Vec<&str> = line.split('\t').collect();
    let mut cols = vec![f[7]];
    cols.extend_from_slice(&f[9..26]);
    cols.join("\t")
}

/// Zeek's pairing in one connection: replies take the oldest request of their id.
fn zeek_rows(frames: &[&str]) -> Vec<DnsLogRow> {
    let msgs: Vec<DnsMessage> = frames
        .iter()
        .map(|h| parse_message(&unhex(h)).expect("parses"))
        .collect();
    let mut pending: Vec<&DnsMessage> = Vec::new();
    let mut rows = Vec::new();
    for m in &msgs {
        if !m.is_response {
            pending.push(m);
            continue;
        }
        let req = pending
            .iter()
            .position(|q| q.trans_id == m.trans_id)
            .map(|i| pending.remove(i));
        rows.push(log_row(req, Some(m)));
    }
    rows.extend(pending.into_iter().map(|q| log_row(Some(q), None)));
    rows
}

#[test]
fn sshfp_trunc_equals_zeek_dns_log() {
    let zeek = [
        "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t128.3.121.180\t54109\t192.188.22.52\t53\tudp\t40916\t0.000200\tmon.lbl.gov\t1\tC_INTERNET\t44\tSSHFP\t0\tNOERROR\tT\tF\tF\tF\t1\tSSHFP: a6b95f9eba1104a7272a362e8bfbcbebd5726dcf,SSHFP: 520711b47c300b819cfb696a845007c420de4df30ae3953004b6cfb2bd2c6a46,SSHFP: 5b72c59cceaea2c210f14156e20e6aff829b3e3b,SSHFP: c052721a978470b36fe5b9222f234400f369172b,SSHFP: 0b24d970aa05b708804d35eea3a8c1a6c355e545,SSHFP: 2870056915073c1e189fc7bf04bbce4512be09a0104f64ae3cfa072b8e06dd2b,SSHFP: 562cb91a82129b62ee4fd92ca202a72b844b7e84ac29dec75654453550201e82,SSHFP: c692deb7667ceee670d3e6863b5de7b140fe0ba0183a52f6ccbb4247f7b0ab29,RRSIG 44 lbl.gov\t43200.000000,43200.000000,43200.000000,43200.000000,43200.000000,43200.000000,43200.000000,43200.000000,43200.000000\tF\t0\tquery",
        "XXXXXXXXXX.XXXXXX\tClEkJM2Vm5giqnMf4h\t128.3.121.180\t54109\t192.188.22.52\t53\tudp\t22044\t-\tn0019.savio1.lbl.gov\t1\tC_INTERNET\t1\tA\t3\tNXDOMAIN\tF\tF\tF\tF\t0\t-\t-\tF\t0\tquery",
    ];
    let rows = zeek_rows(&[SSHFP_TRUNC_1, SSHFP_TRUNC_2, SSHFP_TRUNC_3, SSHFP_TRUNC_4]);
    let ours: Vec<String> = rows.iter().map(zeek_columns).collect();
    let theirs: Vec<String> = zeek.iter().map(|l| zeek_line_columns(l)).collect();
    assert_eq!(ours, theirs);
    // The NXDOMAIN reply has AA set, but Zeek logs AA only from replies with answers.
    let nx = parse_message(&unhex(SSHFP_TRUNC_4)).expect("parses");
    assert!(nx.aa && nx.answer_query.is_none() && !nx.rejected() && nx.nscount == 6);
    for h in [SSHFP_TRUNC_1, SSHFP_TRUNC_2, SSHFP_TRUNC_3, SSHFP_TRUNC_4] {
        let m = parse_message(&unhex(h)).expect("parses");
        assert!(!m.truncated_rdata && m.note.is_none() && m.zeek_confirms());
    }
}

#[test]
fn two_responses_equals_zeek_dns_log() {
    let zeek = [
        "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t55.247.223.174\t27285\t222.195.43.124\t53\tudp\t21140\t0.000214\twww.cmu.edu\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tT\tF\tF\tF\t1\twww-cmu.andrew.cmu.edu,RRSIG 5 cmu.edu,www-cmu-2.andrew.cmu.edu,128.2.10.163\t86400.000000,86400.000000,5.000000,21600.000000\tF\t0\tquery",
        "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t55.247.223.174\t27285\t222.195.43.124\t53\tudp\t21140\t-\twww.cmu.edu\t-\t-\t-\t-\t0\tNOERROR\tT\tF\tF\tF\t0\twww-cmu.andrew.cmu.edu,RRSIG 5 cmu.edu,www-cmu-2.andrew.cmu.edu,128.2.10.163\t86400.000000,86400.000000,5.000000,21600.000000\tF\t0\tquery",
    ];
    let rows = zeek_rows(&[TWO_RESPONSES_1, TWO_RESPONSES_2, TWO_RESPONSES_3]);
    let ours: Vec<String> = rows.iter().map(zeek_columns).collect();
    let theirs: Vec<String> = zeek.iter().map(|l| zeek_line_columns(l)).collect();
    assert_eq!(ours, theirs);
    // The CNAME target is upper case on the wire; Zeek lower-cases names.
    assert!(unhex(TWO_RESPONSES_2).windows(7).any(|w| w == b"WWW-CMU"));
}

#[test]
fn txt_multiple_equals_zeek_dns_log() {
    let zeek = "XXXXXXXXXX.XXXXXX\tCHhAvVGS1DHFjwGM9\t192.150.187.50\t51946\t68.142.255.16\t53\tudp\t28079\t-\tflkr._domainkey.flickr.com\t-\t-\t-\t-\t0\tNOERROR\tT\tF\tF\tF\t0\tfa14._domainkey.flickr.com,fa14._domainkey.yahoo.com,TXT 127 k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDPdPfyJM2R2GqMyZM1flTzFeDIU+e7KmiKRw5yz3Xht+cgEIiHmm5lIGBuWCc5rtiy0CcxePpqccPKjn TXT 98 HSrDI23PU+HOuqJ6ergE1IOsL6LOEgG6YT53vMb8Z6UiBSsYPlrDEC+8CUIkTLMLXJauRK5bNRKV1ATGzGFpf3TjZtWwIDAQAB\t900.000000,900.000000,7200.000000\tF\t0\tquery";
    // Zeek ran without -C and the request's IP checksum is bad, so Zeek never saw
    // it: the row holds only the reply (qclass/qtype unset, RD=F although the reply
    // has RD set).
    let rows = zeek_rows(&[TXT_MULTIPLE_2]);
    assert_eq!(
        rows.iter().map(zeek_columns).collect::<Vec<_>>(),
        vec![zeek_line_columns(zeek)]
    );
    let reply = parse_message(&unhex(TXT_MULTIPLE_2)).expect("parses");
    assert!(reply.rd);
    // With the request the row gets the request's columns.
    let both = zeek_rows(&[TXT_MULTIPLE_1, TXT_MULTIPLE_2]);
    assert_eq!(
        (both[0].qtype, both[0].qclass, both[0].rd),
        (Some(16), Some(1), true)
    );
}

/// tshark's dns.qry.name, dns.qry.type, dns.flags.rcode, dns.a, dns.aaaa of a frame.
fn tshark_fields(payload: &[u8]) -> [String; 5] {
    let m = parse_message(payload).expect("parses");
    let addrs = all_addresses(payload);
    let join = |v4: bool| {
        addrs
            .iter()
            .filter(|a| a.is_ipv4() == v4)
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    [
        m.query.unwrap_or_default(),
        m.qtype.map(|t| t.to_string()).unwrap_or_default(),
        if m.is_response {
            m.rcode.to_string()
        } else {
            String::new()
        },
        join(true),
        join(false),
    ]
}

#[test]
fn frames_equal_tshark() {
    let cases: [(&str, [&str; 5]); 9] = [
        (SSHFP_TRUNC_1, ["mon.lbl.gov", "44", "", "", ""]),
        (SSHFP_TRUNC_2, ["mon.lbl.gov", "44", "0", "", ""]),
        (SSHFP_TRUNC_3, ["n0019.savio1.lbl.gov", "1", "", "", ""]),
        (SSHFP_TRUNC_4, ["n0019.savio1.lbl.gov", "1", "3", "", ""]),
        (TWO_RESPONSES_1, ["www.cmu.edu", "1", "", "", ""]),
        (
            TWO_RESPONSES_2,
            [
                "www.cmu.edu",
                "1",
                "0",
                "128.2.10.163,128.2.1.8,128.237.148.168",
                "2607:fb28::4",
            ],
        ),
        (
            TWO_RESPONSES_3,
            [
                "www.cmu.edu",
                "1",
                "0",
                "128.2.10.163,128.2.1.8,128.237.148.168",
                "2607:fb28::4",
            ],
        ),
        (
            TXT_MULTIPLE_1,
            ["flkr._domainkey.flickr.com", "16", "", "", ""],
        ),
        (
            TXT_MULTIPLE_2,
            [
                "flkr._domainkey.flickr.com",
                "16",
                "0",
                "68.180.131.16,68.142.255.16,203.84.221.53,98.138.11.157,119.160.247.124",
                "",
            ],
        ),
    ];
    for (hex, want) in cases {
        assert_eq!(tshark_fields(&unhex(hex)), want.map(String::from), "{hex}");
    }
}

#[test]
fn edns_cookie_over_tcp_equals_tshark() {
    // Two TCP connections, one query and one reply each; tshark frames 4, 6, 14, 16.
    let want = [
        ["wikipedia.org", "1", "", "", ""],
        ["wikipedia.org", "1", "0", "208.80.154.224", ""],
        ["wikipedia.org", "1", "", "", ""],
        ["wikipedia.org", "1", "0", "208.80.154.224", ""],
    ];
    for (i, hex) in [EDNS_COOKIE_4, EDNS_COOKIE_6, EDNS_COOKIE_14, EDNS_COOKIE_16]
        .into_iter()
        .enumerate()
    {
        let bytes = unhex(hex);
        let mut s = DnsTcpStream::new();
        let got = s.feed(&bytes);
        assert_eq!(got.len(), 1);
        let m = got[0].clone().expect("parses");
        let framed = bytes.get(2..).expect("framed");
        assert_eq!(tshark_fields(framed), want[i].map(String::from));
        assert!(!m.truncated_rdata && s.note().is_none() && s.finish().is_none());
        if m.is_response {
            assert_eq!(m.answers, ["208.80.154.224"]);
            assert_eq!(m.ttls, [600]);
            assert_eq!((m.z, m.rcode, m.rejected()), (0, 0, false));
        }
        // The same bytes one at a time give the same message.
        let mut s = DnsTcpStream::new();
        let one: Vec<_> = bytes
            .iter()
            .flat_map(|b| s.feed(std::slice::from_ref(b)))
            .collect();
        assert_eq!(one, got);
    }
}

#[test]
fn looks_like_dns_on_real_messages() {
    for hex in [
        SSHFP_TRUNC_1,
        SSHFP_TRUNC_2,
        SSHFP_TRUNC_4,
        TWO_RESPONSES_2,
        TXT_MULTIPLE_1,
        TXT_MULTIPLE_2,
    ] {
        assert!(looks_like_dns(&unhex(hex)));
    }
    // The TCP length prefix makes it not DNS at offset 0; without it, it is.
    let tcp = unhex(EDNS_COOKIE_4);
    assert!(looks_like_dns(tcp.get(2..).expect("framed")));
}

/// Re-exported for the robustness test.
pub(super) const SSHFP_TRUNC_4_HEX: &str = SSHFP_TRUNC_4;

/// Re-exported for the robustness test.
pub(super) const TWO_RESPONSES_2_HEX: &str = TWO_RESPONSES_2;

/// Re-exported for the robustness test.
pub(super) const TXT_MULTIPLE_2_HEX: &str = TXT_MULTIPLE_2;
