//! Tests on real captures: every http.log column Zeek wrote for them, and
//! tshark's HTTP fields.

use std::collections::BTreeMap;

use super::test_payloads::{
    HTTP_100_CONTINUE, HTTP_CONCURRENT_RANGE_REQUESTS, HTTP_HTTP_SINGLE_CONN_22,
};
use super::{HttpConn, HttpTx};

/// One TCP frame of a capture.
struct Frame {
    ts: i64,
    conn: String,
    src: String,
    seq: u32,
    flags: u8,
    payload: Vec<u8>,
}

/// Hex string to bytes.
fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Decodes an embedded capture.
fn frames(blob: &str) -> Vec<Frame> {
    let text = miniz_oxide::inflate::decompress_to_vec_zlib(&unhex(blob)).unwrap();
    String::from_utf8(text)
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            Frame {
                ts: f[0].parse().unwrap(),
                conn: f[1].to_owned(),
                src: f[2].to_owned(),
                seq: f[3].parse().unwrap(),
                flags: f[4].parse().unwrap(),
                payload: if f[5] == "-" { Vec::new() } else { unhex(f[5]) },
            }
        })
        .collect()
}

/// In-order delivery of one direction (retransmissions and reordering).
#[derive(Default)]
struct Reassembler {
    next: Option<u32>,
    pending: BTreeMap<u32, Vec<u8>>,
}

impl Reassembler {
    /// Adds a segment and returns the bytes now in order.
    fn push(&mut self, seq: u32, syn: bool, payload: &[u8]) -> Vec<u8> {
        if syn {
            self.next = Some(seq.wrapping_add(1));
            return Vec::new();
        }
        let Some(next) = self.next else {
            return Vec::new();
        };
        if !payload.is_empty() {
            self.pending
                .insert(seq.wrapping_sub(next), payload.to_vec());
        }
        let mut out = Vec::new();
        let mut pos = 0u32;
        let keys: Vec<u32> = self.pending.keys().copied().collect();
        for k in keys {
            // keys are offsets from `next`; huge ones are old (wrapped) data
            if k > pos && k < u32::MAX / 2 {
                break;
            }
            let data = self.pending.remove(&k).unwrap();
            let skip = if k > u32::MAX / 2 {
                (0u32.wrapping_sub(k)).wrapping_add(pos) as usize
            } else {
                (pos - k) as usize
            };
            if skip < data.len() {
                out.extend_from_slice(&data[skip..]);
                pos += (data.len() - skip) as u32;
            }
        }
        let rebased: BTreeMap<u32, Vec<u8>> = std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(k, v)| (k.wrapping_sub(pos), v))
            .collect();
        self.pending = rebased;
        self.next = Some(next.wrapping_add(pos));
        out
    }
}

/// Runs every connection of a capture through the parser; rows per
/// connection key, in the order connections appear.
fn run_capture(blob: &str) -> Vec<(String, Vec<HttpTx>, Option<&'static str>, bool)> {
    let frames = frames(blob);
    let mut order: Vec<String> = Vec::new();
    let mut conns: BTreeMap<String, (String, HttpConn, Reassembler, Reassembler, Vec<HttpTx>)> =
        BTreeMap::new();
    for f in &frames {
        let syn = f.flags & 0x02 != 0;
        let entry = conns.entry(f.conn.clone()).or_insert_with(|| {
            order.push(f.conn.clone());
            (
                f.src.clone(),
                HttpConn::new(),
                Reassembler::default(),
                Reassembler::default(),
                Vec::new(),
            )
        });
        let (client, conn, from_c, from_s, rows) = entry;
        let is_client = f.src == *client;
        let data = if is_client {
            from_c.push(f.seq, syn, &f.payload)
        } else {
            from_s.push(f.seq, syn, &f.payload)
        };
        if !data.is_empty() {
            if is_client {
                conn.request_data(f.ts, &data);
            } else {
                conn.response_data(f.ts, &data);
            }
        }
        rows.extend(conn.take_done());
    }
    order
        .into_iter()
        .map(|k| {
            let (_, mut conn, _, _, mut rows) = conns.remove(&k).unwrap();
            rows.extend(conn.finish());
            let note = conn.note();
            let is_http = conn.is_http();
            (k, rows, note, is_http)
        })
        .collect()
}

/// The columns of a Zeek http.log row this parser fills, tab-separated in
/// Zeek's order, with "-" for unset.
fn zeek_columns(t: &HttpTx) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let n = |v: Option<u16>| v.map_or("-".into(), |c| c.to_string());
    [
        s(&t.method),
        s(&t.host),
        s(&t.uri),
        s(&t.version),
        s(&t.user_agent),
        t.request_body_len.to_string(),
        t.response_body_len.to_string(),
        n(t.status_code),
        s(&t.status_msg),
        n(t.info_code),
        s(&t.info_msg),
    ]
    .join("\t")
}

#[test]
fn zeek_100_continue() {
    let out = run_capture(HTTP_100_CONTINUE);
    assert_eq!(out.len(), 1);
    let (_, rows, note, is_http) = &out[0];
    let got: Vec<String> = rows.iter().map(zeek_columns).collect();
    assert_eq!(
        got,
        vec![
            "POST\twww.osu.edu\t/\t1.1\tcurl/7.17.1 (i386-apple-darwin8.11.1) libcurl/7.17.1 zlib/1.2.3\t2001\t60731\t200\tOK\t100\tContinue"
        ]
    );
    assert_eq!(*note, None);
    assert!(is_http);
    // The request line came in the 4th frame.
    assert_eq!(rows[0].ts, 1_237_440_095_634_312_000);
}

#[test]
fn zeek_concurrent_range_requests() {
    let out = run_capture(HTTP_CONCURRENT_RANGE_REQUESTS);
    assert_eq!(out.len(), 3);
    for (key, rows, note, _) in &out {
        let got: Vec<String> = rows.iter().map(zeek_columns).collect();
        assert_eq!(
            got,
            vec![
                "GET\tspeed.hetzner.de\t/100MB.bin\t1.1\tcurl/7.74.0\t0\t10001\t206\tPartial Content\t-\t-"
            ],
            "{key}"
        );
        assert_eq!(*note, None, "{key}");
    }
}

#[test]
fn zeek_single_conn_port_22() {
    let out = run_capture(HTTP_HTTP_SINGLE_CONN_22);
    assert_eq!(out.len(), 1);
    let (_, rows, note, is_http) = &out[0];
    let got: Vec<String> = rows.iter().map(zeek_columns).collect();
    // No Host header: host unset. The body is read line by line until the
    // close, and Zeek counts the flushed last line with 2 bytes of CRLF.
    assert_eq!(got, vec!["GET\t-\t/\t1.1\t-\t0\t12632\t200\tOK\t-\t-"]);
    assert_eq!(*note, None);
    assert!(is_http);
}

#[test]
fn tshark_fields() {
    // tshark-app.tsv: http.request.method/host/uri/user_agent per request,
    // http.response.code per reply it dissected.
    let out = run_capture(HTTP_100_CONTINUE);
    let t = &out[0].1[0];
    assert_eq!(t.method.as_deref(), Some("POST"));
    assert_eq!(t.host.as_deref(), Some("www.osu.edu"));
    assert_eq!(t.uri.as_deref(), Some("/"));
    assert_eq!(
        t.user_agent.as_deref(),
        Some("curl/7.17.1 (i386-apple-darwin8.11.1) libcurl/7.17.1 zlib/1.2.3")
    );
    assert_eq!((t.info_code, t.status_code), (Some(100), Some(200)));
    let out = run_capture(HTTP_CONCURRENT_RANGE_REQUESTS);
    for (_, rows, _, _) in &out {
        let t = &rows[0];
        assert_eq!(t.method.as_deref(), Some("GET"));
        assert_eq!(t.host.as_deref(), Some("speed.hetzner.de"));
        assert_eq!(t.uri.as_deref(), Some("/100MB.bin"));
        assert_eq!(t.user_agent.as_deref(), Some("curl/7.74.0"));
        assert_eq!(t.status_code, Some(206));
    }
}
