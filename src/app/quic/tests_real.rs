//! Tests on real captures: the fields must equal Zeek's quic.log, the client CRYPTO stream
//! must hold a complete ClientHello carrying the SNI of Zeek's `server_name`.

use super::QuicFlow;
use super::tests_build::{hex, to_hex};
use super::tests_real_data::{CHROMIUM, CURL, QUICV2};
use super::version_name;

/// What a flow yielded after all datagrams.
struct Outcome {
    flow: QuicFlow,
    client: Vec<u8>,
    server: Vec<u8>,
    /// 1-based index of the datagram after which `done()` first held.
    done_at: Option<usize>,
}

/// Feeds all datagrams, taking CRYPTO bytes after each one as the caller would.
fn run(datagrams: &[(bool, &str)]) -> Outcome {
    let mut flow = QuicFlow::new();
    let (mut client, mut server) = (Vec::new(), Vec::new());
    let mut done_at = None;
    for (i, (from_client, h)) in datagrams.iter().enumerate() {
        flow.datagram(*from_client, &hex(h));
        client.extend(flow.take_crypto(true));
        server.extend(flow.take_crypto(false));
        if flow.done() && done_at.is_none() {
            done_at = Some(i + 1);
        }
    }
    Outcome {
        flow,
        client,
        server,
        done_at,
    }
}

/// Length of a complete first handshake message of type `msg_type` at the start of `s`.
fn hello_len(s: &[u8], msg_type: u8) -> usize {
    assert!(s.len() >= 4, "stream too short: {}", s.len());
    assert_eq!(s[0], msg_type);
    let len = 4 + ((s[1] as usize) << 16 | (s[2] as usize) << 8 | s[3] as usize);
    assert!(s.len() >= len, "hello incomplete: {} < {len}", s.len());
    len
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Checks a capture against its quic.log line.
fn check(
    datagrams: &[(bool, &str)],
    version: &str,
    dcid: &str,
    client_scid: &str,
    server_scid: &str,
    sni: &str,
) -> Outcome {
    let o = run(datagrams);
    let f = &o.flow;
    assert_eq!(f.version().map(version_name).as_deref(), Some(version));
    assert_eq!(f.client_initial_dcid().map(to_hex).as_deref(), Some(dcid));
    assert_eq!(f.client_scid().map(to_hex).as_deref(), Some(client_scid));
    assert_eq!(f.server_scid().map(to_hex).as_deref(), Some(server_scid));
    let ch = hello_len(&o.client, 1);
    assert!(
        contains(&o.client[..ch], sni.as_bytes()),
        "SNI {sni} missing"
    );
    hello_len(&o.server, 2);
    assert!(f.done());
    assert_eq!(f.note(), None);
    o
}

#[test]
fn chromium_115_api_cirrus_com() {
    let o = check(
        CHROMIUM,
        "1",
        "95412c47018cdfe8",
        "",
        "d5412c47018cdfe8",
        "api.cirrus-ci.com",
    );
    // tshark: ClientHello in frame 1, ServerHello in frame 2.
    assert_eq!(o.done_at, Some(2));
    assert!(contains(&o.client, b"\x02h3"));
}

#[test]
fn curl_8_1_2_www_google_de() {
    let o = check(
        CURL,
        "1",
        "815d62c70884f4b51e8ccadd5beed372",
        "e5ec6b26584229be98a164349ae910351c40d10b",
        "c15d62c70884f4b5",
        "www.google.de",
    );
    assert_eq!(o.done_at, Some(2));
    assert!(contains(&o.client, b"\x02h3\x05h3-29\x05h3-28\x05h3-27"));
}

#[test]
fn quicv2_echo_443() {
    let o = check(
        QUICV2,
        "quicv2",
        "fa603212c8688817af3d3238735bc7",
        "",
        "b168b5cc",
        "localhost",
    );
    assert!(contains(&o.client, b"quic-echo-example"));
    // tshark: ClientHello in frame 1 (retransmitted in 2 and 3), ServerHello in frame 4.
    assert_eq!(o.done_at, Some(4));
}
