//! The application layer on captures the tests build: protocols on ports that are not
//! theirs, a ClientHello split across segments that arrive out of order, pipelined HTTP,
//! DNS over TCP with messages split and packed across segments, and hostile input that
//! must cost a note, never a row.

use crate::fixture::{PcapOpts, Rec, Tcp, at, dns, pcap, tcp_bytes, udp_bytes, write_temp};
use crate::support::{Output, convert, convert_with};
use pcapq::track::TrackOptions;

const T0: i64 = 1_700_000_000_000_000_000;
const MS: i64 = 1_000_000;
const CLI: &str = "10.1.0.1";
const SRV: &str = "10.1.0.2";

fn run(frames: Vec<Vec<u8>>) -> Output {
    let recs: Vec<Rec> = at(T0, MS, frames);
    let (_dir, path) = write_temp("app.pcap", &pcap(&recs, PcapOpts::default()));
    convert(&[&path])
}

/// A TCP connection on `port`: handshake, then `(from_client, payload)` segments in the
/// given order with their true sequence numbers (`order` permutes their sending), then
/// both FINs.
fn connection(port: u16, segments: &[(bool, Vec<u8>)], order: &[usize]) -> Vec<Vec<u8>> {
    let (cisn, sisn) = (1000u32, 9000u32);
    let mut seqs = Vec::new();
    let (mut c, mut s) = (cisn + 1, sisn + 1);
    for (from_client, data) in segments {
        if *from_client {
            seqs.push(c);
            c += data.len() as u32;
        } else {
            seqs.push(s);
            s += data.len() as u32;
        }
    }
    let mut out = vec![
        tcp_bytes(CLI, 40000, SRV, port, Tcp::new("S", cisn, 0), &[]),
        tcp_bytes(SRV, port, CLI, 40000, Tcp::new("SA", sisn, cisn + 1), &[]),
        tcp_bytes(
            CLI,
            40000,
            SRV,
            port,
            Tcp::new("A", cisn + 1, sisn + 1),
            &[],
        ),
    ];
    for &i in order {
        let (from_client, data) = &segments[i];
        out.push(if *from_client {
            tcp_bytes(CLI, 40000, SRV, port, Tcp::new("PA", seqs[i], s), data)
        } else {
            tcp_bytes(SRV, port, CLI, 40000, Tcp::new("PA", seqs[i], c), data)
        });
    }
    out.push(tcp_bytes(CLI, 40000, SRV, port, Tcp::new("FA", c, s), &[]));
    out.push(tcp_bytes(
        SRV,
        port,
        CLI,
        40000,
        Tcp::new("FA", s, c + 1),
        &[],
    ));
    out
}

fn ext(t: u16, body: &[u8]) -> Vec<u8> {
    let mut v = t.to_be_bytes().to_vec();
    v.extend((body.len() as u16).to_be_bytes());
    v.extend(body);
    v
}

/// A TLS 1.3 ClientHello record for `sni`, offering h2 and http/1.1, padded to `pad` bytes
/// of extension (so that it spans several segments, as post-quantum key shares do).
fn client_hello(sni: &str, pad: usize) -> Vec<u8> {
    let name = sni.as_bytes();
    let mut sn = vec![0u8];
    sn.extend((name.len() as u16).to_be_bytes());
    sn.extend(name);
    let mut sn_ext = (sn.len() as u16).to_be_bytes().to_vec();
    sn_ext.extend(sn);
    let alpn = b"\x02h2\x08http/1.1";
    let mut alpn_ext = (alpn.len() as u16).to_be_bytes().to_vec();
    alpn_ext.extend(alpn);
    let mut exts = ext(0, &sn_ext);
    exts.extend(ext(16, &alpn_ext));
    exts.extend(ext(43, b"\x04\x03\x04\x03\x03"));
    exts.extend(ext(10, b"\x00\x02\x00\x1d"));
    exts.extend(ext(13, b"\x00\x02\x04\x03"));
    exts.extend(ext(21, &vec![0u8; pad]));
    let mut body = vec![3, 3];
    body.extend([7u8; 32]);
    body.push(0);
    body.extend([0, 4, 0x13, 0x01, 0x13, 0x02]);
    body.extend([1, 0]);
    body.extend((exts.len() as u16).to_be_bytes());
    body.extend(exts);
    let mut hs = vec![1];
    hs.extend(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend(body);
    let mut rec = vec![0x16, 3, 1];
    rec.extend((hs.len() as u16).to_be_bytes());
    rec.extend(hs);
    rec
}

fn col(out: &Output, table: &str, name: &str) -> Vec<String> {
    match table {
        "flows" => out.flows.col(name),
        "dns" => out.dns.col(name),
        "http" => out.http.col(name),
        _ => out.packets.col(name),
    }
}

#[test]
fn a_client_hello_split_over_segments_out_of_order_on_any_port() {
    let hello = client_hello("split.example", 3000);
    let whole = run(connection(25, &[(true, hello.clone())], &[0]));
    let pieces: Vec<(bool, Vec<u8>)> = hello.chunks(1200).map(|c| (true, c.to_vec())).collect();
    assert_eq!(pieces.len(), 3);
    let split = run(connection(25, &pieces, &[1, 0, 2]));
    for out in [&whole, &split] {
        assert_eq!(col(out, "flows", "service"), ["ssl"]);
        assert_eq!(col(out, "flows", "server_name"), ["split.example"]);
        assert_eq!(col(out, "flows", "alpn"), ["[h2, http/1.1]"]);
        assert_eq!(col(out, "flows", "tls_version"), ["TLSv13"]);
        assert_eq!(col(out, "flows", "app_note"), [""]);
    }
    assert_eq!(col(&whole, "flows", "ja3"), col(&split, "flows", "ja3"));
    assert_eq!(col(&whole, "flows", "ja4"), col(&split, "flows", "ja4"));
    assert!(col(&split, "flows", "ja4")[0].starts_with("t13d"));
    // The port guess stays beside what the payload said.
    assert_eq!(col(&split, "flows", "port_service"), ["smtp"]);
}

#[test]
fn pipelined_http_pairs_requests_and_responses_in_order() {
    let req = |path: &str| {
        format!("GET {path} HTTP/1.1\r\nHost: pipe.example\r\nUser-Agent: t/1\r\n\r\n")
    };
    let resp = |body: &str| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let requests = [req("/a"), req("/b"), req("/c")].concat();
    let responses = [resp("1"), resp("22"), resp("333")].concat();
    let out = run(connection(
        8000,
        &[
            (true, requests.into_bytes()),
            (false, responses.into_bytes()),
        ],
        &[0, 1],
    ));
    assert_eq!(col(&out, "flows", "service"), ["http"]);
    assert_eq!(col(&out, "flows", "server_name"), ["pipe.example"]);
    assert_eq!(col(&out, "flows", "http_user_agent"), ["t/1"]);
    assert_eq!(col(&out, "http", "uri"), ["/a", "/b", "/c"]);
    assert_eq!(col(&out, "http", "trans_depth"), ["1", "2", "3"]);
    assert_eq!(col(&out, "http", "response_body_len"), ["1", "2", "3"]);
    assert_eq!(col(&out, "http", "status_code"), ["200", "200", "200"]);
}

fn framed(m: &[u8]) -> Vec<u8> {
    let mut v = (m.len() as u16).to_be_bytes().to_vec();
    v.extend(m);
    v
}

#[test]
fn dns_over_tcp_with_messages_packed_and_split_across_segments() {
    let queries = [
        framed(&dns(1, "a.example", None)),
        framed(&dns(2, "b.example", None)),
    ]
    .concat();
    let answers = [
        framed(&dns(1, "a.example", Some([192, 0, 2, 1]))),
        framed(&dns(2, "b.example", Some([192, 0, 2, 2]))),
    ]
    .concat();
    // Both queries in one segment; the answers cut in the middle of the first one.
    let out = run(connection(
        53,
        &[
            (true, queries),
            (false, answers[..7].to_vec()),
            (false, answers[7..].to_vec()),
        ],
        &[0, 1, 2],
    ));
    assert_eq!(col(&out, "flows", "service"), ["dns"]);
    assert_eq!(col(&out, "dns", "transport"), ["tcp"; 4]);
    assert_eq!(col(&out, "dns", "trans_id"), ["1", "2", "1", "2"]);
    assert_eq!(
        col(&out, "dns", "answers"),
        ["[]", "[]", "[192.0.2.1]", "[192.0.2.2]"]
    );
    assert_eq!(col(&out, "dns", "ttls"), ["[]", "[]", "[3600]", "[3600]"]);
}

#[test]
fn dns_on_an_unusual_udp_port_and_ssh_on_an_unusual_tcp_port() {
    let mut frames = vec![
        udp_bytes(CLI, 33333, SRV, 5300, &dns(9, "odd.example", None)),
        udp_bytes(
            SRV,
            5300,
            CLI,
            33333,
            &dns(9, "odd.example", Some([198, 51, 100, 7])),
        ),
    ];
    // An SSH packet (RFC 4253 §6): length, padding length, message code, padding.
    let packet = |code: u8| -> Vec<u8> {
        let mut p = 6u32.to_be_bytes().to_vec();
        p.extend([4, code, 0, 0, 0, 0]);
        p
    };
    let mut client = b"SSH-2.0-Client_1.0\r\n".to_vec();
    client.extend(packet(20)); // KEXINIT
    client.extend(packet(21)); // NEWKEYS
    // The server's version line first, as servers send it: Zeek frames the packets only
    // once both sides' versions are known.
    frames.extend(connection(
        2222,
        &[(false, b"SSH-2.0-Server_2.0\r\n".to_vec()), (true, client)],
        &[0, 1],
    ));
    let out = run(frames.clone());
    assert_eq!(col(&out, "flows", "service"), ["dns", "ssh"]);
    assert_eq!(col(&out, "dns", "query"), ["odd.example", "odd.example"]);
    assert_eq!(col(&out, "flows", "ssh_client"), ["", "SSH-2.0-Client_1.0"]);
    assert_eq!(col(&out, "flows", "ssh_server"), ["", "SSH-2.0-Server_2.0"]);
    // Banners alone are not enough: Zeek's SSH analyzer confirms at NEWKEYS only.
    frames.truncate(2);
    frames.extend(connection(
        2222,
        &[
            (true, b"SSH-2.0-Client_1.0\r\n".to_vec()),
            (false, b"SSH-2.0-Server_2.0\r\n".to_vec()),
        ],
        &[0, 1],
    ));
    let out = run(frames);
    assert_eq!(col(&out, "flows", "service"), ["dns", ""]);
    assert_eq!(col(&out, "flows", "ssh_server"), ["", "SSH-2.0-Server_2.0"]);
}

#[test]
fn hostile_payloads_cost_a_note_never_a_row() {
    // An HTTP request whose header line never ends, a DNS response whose name points at
    // itself, and a TLS record announcing 16 MB.
    let endless = [b"GET / HTTP/1.1\r\nX-Long: ".to_vec(), vec![b'a'; 60_000]].concat();
    let pieces: Vec<(bool, Vec<u8>)> = endless.chunks(1400).map(|c| (true, c.to_vec())).collect();
    let order: Vec<usize> = (0..pieces.len()).collect();
    let mut frames = connection(80, &pieces, &order);
    let mut looping = dns(5, "x.example", None);
    looping[2] = 0x81;
    looping[7] = 1;
    looping.extend([0xc0, 29, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]);
    frames.push(udp_bytes(SRV, 53, CLI, 44444, &looping));
    let mut tls = vec![0x16, 3, 1, 0xff, 0xff, 1, 0xff, 0xff, 0xff];
    tls.extend(vec![0u8; 1000]);
    frames.extend(connection(443, &[(true, tls)], &[0]));
    let n = frames.len();
    let out = run(frames);
    assert_eq!(out.packets.len(), n, "every frame keeps its row");
    let notes = col(&out, "flows", "app_note");
    let services = col(&out, "flows", "service");
    assert_eq!(services[0], "http");
    assert_eq!(notes[0], "http_header_limit");
    // The request line was read: its row stays, with what the headers gave before the bound.
    assert_eq!(col(&out, "http", "method"), ["GET"]);
    assert_eq!(col(&out, "http", "status_code"), [""]);
    assert!(out.dns.len() <= 1);
    assert_eq!(col(&out, "flows", "server_name"), ["", "", ""]);
}

#[test]
fn a_response_without_a_question_is_named_by_its_first_answer_as_zeek_logs_it() {
    // An mDNS announcement: a response with no question and one A record. Sent to a
    // multicast group, it keeps its sender as the originator.
    let mut m = vec![0, 0, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0];
    for label in ["printer", "local"] {
        m.push(label.len() as u8);
        m.extend(label.as_bytes());
    }
    m.extend([0, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 192, 0, 2, 9]);
    let out = run(vec![udp_bytes("10.1.0.5", 5353, "224.0.0.251", 5353, &m)]);
    assert_eq!(col(&out, "dns", "is_response"), ["true"]);
    assert_eq!(col(&out, "dns", "query"), ["printer.local"]);
    assert_eq!(col(&out, "dns", "answers"), ["[192.0.2.9]"]);
    assert_eq!(col(&out, "flows", "service"), ["dns"]);
    assert_eq!(col(&out, "flows", "history"), ["D"]);
}

#[test]
fn a_first_dns_message_that_is_a_response_makes_its_receiver_the_originator() {
    // Zeek's DNS analyzer flips the roles (DNS.cc, ParseMessage): history `D^`. Zeek then
    // counts the packet with the role it arrived with, now its receiver's: S0, one packet
    // from the originator (as its NTP analyzer's flip in Zeek's misordered-ntp baseline).
    // The response to a multicast group above keeps its sender as the originator.
    let response = dns(7, "flip.example", Some([192, 0, 2, 7]));
    let frames = vec![udp_bytes(CLI, 40000, SRV, 53, &response)];
    let recs: Vec<Rec> = at(T0, MS, frames);
    let (_dir, path) = write_temp("flip.pcap", &pcap(&recs, PcapOpts::default()));
    let no_app = TrackOptions {
        app: false,
        ..TrackOptions::default()
    };
    for out in [convert(&[&path]), convert_with(&[&path], Some(no_app))] {
        let f = &out.flows.rows(&[
            "orig_ip",
            "orig_port",
            "history",
            "conn_state",
            "orig_pkts",
            "resp_pkts",
        ])[0];
        assert_eq!(f["orig_ip"], SRV);
        assert_eq!(f["orig_port"], "53");
        assert_eq!(f["history"], "D^");
        assert_eq!(f["conn_state"], "S0");
        assert_eq!((&*f["orig_pkts"], &*f["resp_pkts"]), ("1", "0"));
        assert_eq!(out.packets.col("from_orig"), ["false"]);
    }
    let out = convert(&[&path]);
    assert_eq!(col(&out, "dns", "from_orig"), ["false"]);
    assert_eq!(col(&out, "dns", "query"), ["flip.example"]);
}
