//! Fragments built byte by byte: in and out of order, duplicated, cut by the snap length,
//! hostile offsets, timeouts and the memory budget, IPv4 and IPv6, tunnels inside and
//! around them.

use std::net::{IpAddr, Ipv4Addr};

use super::super::test_frames::{ethernet, udp};
use super::super::{Fragment, Packet, TunnelKind, Tunnels, dissect_frame};
use super::{Defragmenter, MAX_DATAGRAMS, MAX_HELD_BYTES};
use crate::source::Frame;
use std::net::Ipv4Addr as V4;

/// An IPv4 packet of protocol `proto` from 10.0.0.1 to 10.0.0.2, identification `ident`.
fn ipv4(proto: u8, ident: u16, payload: &[u8]) -> Vec<u8> {
    let len = (20 + payload.len()) as u16;
    let mut p = vec![
        0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    p[2..4].copy_from_slice(&len.to_be_bytes());
    p[4..6].copy_from_slice(&ident.to_be_bytes());
    p.extend(payload);
    p
}

/// A recognisable payload of `n` bytes.
fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// `body` in pieces of `size` bytes: (offset in 8-byte units, more fragments, bytes).
fn split(body: &[u8], size: usize) -> Vec<(u16, bool, &[u8])> {
    let n = body.len().div_ceil(size);
    body.chunks(size)
        .enumerate()
        .map(|(i, chunk)| ((i * size / 8) as u16, i + 1 < n, chunk))
        .collect()
}

/// The IPv4 fragments of `packet` (20-byte header), `size` data bytes each.
fn fragments_v4(packet: &[u8], size: usize) -> Vec<Vec<u8>> {
    let (header, body) = packet.split_at(20);
    split(body, size)
        .into_iter()
        .map(|(offset, more, chunk)| {
            let mut f = header.to_vec();
            f[2..4].copy_from_slice(&((20 + chunk.len()) as u16).to_be_bytes());
            f[6..8].copy_from_slice(&(offset | if more { 0x2000 } else { 0 }).to_be_bytes());
            f.extend(chunk);
            f
        })
        .collect()
}

/// The IPv6 fragments of an IPv6 packet (40-byte header, no extension headers).
fn fragments_v6(packet: &[u8], size: usize, ident: u32) -> Vec<Vec<u8>> {
    let (header, body) = packet.split_at(40);
    let next = header[6];
    split(body, size)
        .into_iter()
        .map(|(offset, more, chunk)| {
            let mut f = header.to_vec();
            f[4..6].copy_from_slice(&((8 + chunk.len()) as u16).to_be_bytes());
            f[6] = 44;
            f.extend([next, 0]);
            f.extend((offset << 3 | u16::from(more)).to_be_bytes());
            f.extend(ident.to_be_bytes());
            f.extend(chunk);
            f
        })
        .collect()
}

fn ipv6_udp(payload: &[u8]) -> Vec<u8> {
    let body = udp(53, 40000, payload);
    let mut p = vec![0x60, 0, 0, 0, 0, 0, 17, 64];
    p[4..6].copy_from_slice(&(body.len() as u16).to_be_bytes());
    p.extend(
        [0x20, 0x01, 0x0d, 0xb8]
            .iter()
            .chain([0u8; 11].iter())
            .chain([1].iter()),
    );
    p.extend(
        [0x20, 0x01, 0x0d, 0xb8]
            .iter()
            .chain([0u8; 11].iter())
            .chain([2].iter()),
    );
    p.extend(body);
    p
}

/// Dissects an Ethernet frame at `ts` seconds, cut to `caplen` bytes when given.
fn run(
    defrag: &mut Defragmenter,
    eth: &[u8],
    ts: i64,
    caplen: Option<usize>,
) -> (Packet, Vec<u8>, Vec<TunnelKind>) {
    let data = &eth[..caplen.unwrap_or(eth.len()).min(eth.len())];
    let f = Frame {
        capture_id: 0,
        number: 1,
        ts_ns: ts * 1_000_000_000,
        caplen: data.len() as u32,
        wire_len: eth.len() as u32,
        link_type: 1,
        interface_id: 0,
        data,
    };
    let mut tunnels = Tunnels::default();
    let (p, payload) = dissect_frame(&f, &mut tunnels, defrag);
    let kinds = tunnels.iter().map(|l| l.kind).collect();
    (p, payload.to_vec(), kinds)
}

fn held(p: &Packet) -> bool {
    p.ip.is_some_and(|ip| ip.held)
}

#[test]
fn a_udp_datagram_in_three_fragments_is_one_packet_on_the_last() {
    let body = data(2992);
    let packet = ipv4(17, 7, &udp(53, 40000, &body));
    let frags = fragments_v4(&packet, 1480);
    assert_eq!(frags.len(), 3);
    let mut d = Defragmenter::default();
    for f in &frags[..2] {
        let (p, payload, _) = run(&mut d, &ethernet(0x0800, f), 0, None);
        assert!(held(&p), "held until the datagram is whole");
        assert!(payload.is_empty());
    }
    let (p, payload, _) = run(&mut d, &ethernet(0x0800, &frags[2]), 0, None);
    let ip = p.ip.unwrap();
    assert!(!ip.held);
    assert_eq!(ip.fragment, Fragment::Reassembled);
    assert_eq!(ip.total_len, Some(20 + 40), "the frame's own IP length");
    assert_eq!(ip.whole_len, 3020);
    assert_eq!(ip.ident, 7);
    assert_eq!(ip.src, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    assert_eq!((p.src_port, p.dst_port), (Some(53), Some(40000)));
    assert_eq!(p.payload_len, Some(2992));
    assert_eq!(p.payload_captured, 2992);
    assert_eq!(payload, body);
    assert_eq!(p.error, None);
    let s = d.stats();
    assert_eq!((s.fragments, s.reassembled, s.incomplete), (3, 1, 0));
}

#[test]
fn out_of_order_and_duplicated_fragments_complete_once() {
    let body = data(4000);
    let packet = ipv4(17, 9, &udp(1234, 5678, &body));
    let frags = fragments_v4(&packet, 1024);
    assert_eq!(frags.len(), 4);
    let mut d = Defragmenter::default();
    for i in [3, 0, 0, 2] {
        let (p, _, _) = run(&mut d, &ethernet(0x0800, &frags[i]), 1, None);
        assert!(held(&p), "fragment {i}");
    }
    let (p, payload, _) = run(&mut d, &ethernet(0x0800, &frags[1]), 1, None);
    assert_eq!(p.ip.unwrap().fragment, Fragment::Reassembled);
    assert_eq!(payload, body);
    // The same fragment again begins a datagram that never completes.
    let (p, _, _) = run(&mut d, &ethernet(0x0800, &frags[1]), 2, None);
    assert!(held(&p));
    d.finish();
    let s = d.stats();
    assert_eq!((s.fragments, s.reassembled, s.incomplete), (6, 1, 1));
}

#[test]
fn ipv6_fragments_are_reassembled() {
    let body = data(3000);
    let packet = ipv6_udp(&body);
    let frags = fragments_v6(&packet, 1232, 0xdead_beef);
    let mut d = Defragmenter::default();
    let n = frags.len();
    for f in &frags[..n - 1] {
        let (p, _, _) = run(&mut d, &ethernet(0x86dd, f), 0, None);
        assert!(held(&p));
        assert_ne!(p.ip.unwrap().fragment, Fragment::None);
    }
    let (p, payload, _) = run(&mut d, &ethernet(0x86dd, &frags[n - 1]), 0, None);
    let ip = p.ip.unwrap();
    assert_eq!(ip.fragment, Fragment::Reassembled);
    assert_eq!(ip.ident, 0xdead_beef);
    assert_eq!(ip.proto, Some(17));
    assert_eq!(ip.whole_len, 40 + 8 + 3000);
    assert_eq!((p.src_port, p.dst_port), (Some(53), Some(40000)));
    assert_eq!(payload, body);
}

#[test]
fn fragments_cut_by_the_snap_length_are_not_reassembled() {
    let packet = ipv4(17, 3, &udp(53, 40000, &data(2992)));
    let frags = fragments_v4(&packet, 1480);
    let mut d = Defragmenter::default();
    // A first fragment cut at 96 bytes is the packet it seems, ports and all (as in Zeek).
    let (p, _, _) = run(&mut d, &ethernet(0x0800, &frags[0]), 0, Some(96));
    let ip = p.ip.unwrap();
    assert!(!ip.held);
    assert_eq!(ip.fragment, Fragment::First);
    assert_eq!((p.src_port, p.dst_port), (Some(53), Some(40000)));
    // Later ones cut short belong to no packet.
    for f in &frags[1..] {
        let (p, _, _) = run(&mut d, &ethernet(0x0800, f), 0, Some(60));
        assert!(held(&p));
        assert_eq!(p.ip.unwrap().fragment, Fragment::Later);
    }
    let s = d.stats();
    assert_eq!((s.fragments, s.reassembled, s.incomplete), (3, 0, 2));
}

#[test]
fn a_fragment_beyond_64_kib_gives_its_datagram_up() {
    let packet = ipv4(17, 5, &udp(53, 40000, &data(1472)));
    let mut frags = fragments_v4(&packet, 1480);
    let mut d = Defragmenter::default();
    let mut first = frags.remove(0);
    first[6..8].copy_from_slice(&0x2000u16.to_be_bytes());
    let (p, _, _) = run(&mut d, &ethernet(0x0800, &first), 0, None);
    assert!(held(&p));
    // Offset 8189 × 8 plus 1480 bytes ends past 65,535.
    let mut far = first.clone();
    far[6..8].copy_from_slice(&8189u16.to_be_bytes());
    let (p, _, _) = run(&mut d, &ethernet(0x0800, &far), 0, None);
    assert!(held(&p));
    assert_eq!(p.src_port, None);
    let s = d.stats();
    assert_eq!((s.reassembled, s.incomplete), (0, 2));
    assert!(d.waiting.is_empty());
}

#[test]
fn fragments_wait_five_minutes_at_most() {
    let packet = ipv4(17, 11, &udp(53, 40000, &data(2992)));
    let frags = fragments_v4(&packet, 1480);
    let mut d = Defragmenter::default();
    run(&mut d, &ethernet(0x0800, &frags[0]), 0, None);
    run(&mut d, &ethernet(0x0800, &frags[1]), 0, None);
    // The last one comes after the timeout: the first two were given up.
    let (p, _, _) = run(&mut d, &ethernet(0x0800, &frags[2]), 301, None);
    assert!(held(&p));
    assert_eq!(d.stats().incomplete, 2);
    assert_eq!(d.waiting.len(), 1);
}

#[test]
fn the_datagrams_waiting_stay_within_the_budget() {
    let packet = ipv4(17, 0, &udp(53, 40000, &data(2992)));
    let first = fragments_v4(&packet, 1480).remove(0);
    let mut d = Defragmenter::default();
    for ident in 0..(MAX_DATAGRAMS as u32 + 5000) {
        let mut f = first.clone();
        // Identification 16 bits, protocol 8: enough distinct datagrams.
        f[4..6].copy_from_slice(&(ident as u16).to_be_bytes());
        f[9] = 17 + (ident >> 16) as u8 * 2;
        run(&mut d, &ethernet(0x0800, &f), 0, None);
        assert!(d.waiting.len() <= MAX_DATAGRAMS);
        assert!(d.held_bytes <= MAX_HELD_BYTES);
    }
    assert!(d.stats().incomplete >= 5000);
}

#[test]
fn datagrams_that_grow_after_they_begin_stay_within_the_budget() {
    // Many small datagrams, then a fragment far into each: 64 KiB apiece if all were kept.
    let packet = ipv4(17, 0, &udp(53, 40000, &data(2992)));
    let first = fragments_v4(&packet, 1480).remove(0);
    let mut d = Defragmenter::default();
    for ident in 0..2000u16 {
        let mut f = first.clone();
        f[4..6].copy_from_slice(&ident.to_be_bytes());
        run(&mut d, &ethernet(0x0800, &f), 0, None);
    }
    for ident in 0..2000u16 {
        let mut f = first.clone();
        f[4..6].copy_from_slice(&ident.to_be_bytes());
        f[6..8].copy_from_slice(&(0x2000u16 | 8000).to_be_bytes());
        run(&mut d, &ethernet(0x0800, &f), 0, None);
        assert!(d.held_bytes <= MAX_HELD_BYTES);
    }
    assert!(d.stats().incomplete > 0);
}

#[test]
fn a_tunnel_inside_a_reassembled_datagram_is_decapsulated() {
    // VXLAN around an inner UDP packet, the outer datagram in two fragments.
    let inner = ipv4(17, 1, &udp(1000, 2000, &data(1600)));
    let mut vxlan = vec![0x08, 0, 0, 0, 0, 0, 42, 0];
    vxlan.extend(ethernet(0x0800, &inner));
    let outer = ipv4(17, 2, &udp(50000, 4789, &vxlan));
    let frags = fragments_v4(&outer, 1480);
    let mut d = Defragmenter::default();
    let (p, _, kinds) = run(&mut d, &ethernet(0x0800, &frags[0]), 0, None);
    assert!(held(&p));
    assert!(kinds.is_empty());
    let (p, payload, kinds) = run(&mut d, &ethernet(0x0800, &frags[1]), 0, None);
    assert_eq!(kinds, vec![TunnelKind::Vxlan]);
    assert_eq!((p.src_port, p.dst_port), (Some(1000), Some(2000)));
    assert_eq!(payload, data(1600));
    // The frame completed the outer datagram, and the row says so.
    assert_eq!(p.ip.unwrap().fragment, Fragment::Reassembled);
    assert_eq!(p.ip.unwrap().ident, 1);
}

#[test]
fn fragments_inside_a_tunnel_are_reassembled_under_it() {
    let inner = ipv4(17, 4, &udp(1000, 2000, &data(2000)));
    let frags = fragments_v4(&inner, 1024);
    let mut d = Defragmenter::default();
    let wrap = |f: &[u8]| {
        let mut outer = ipv4(4, 99, f);
        outer[12..20].copy_from_slice(&[192, 168, 0, 1, 192, 168, 0, 2]);
        ethernet(0x0800, &outer)
    };
    let (p, _, kinds) = run(&mut d, &wrap(&frags[0]), 0, None);
    assert!(held(&p));
    assert_eq!(kinds, vec![TunnelKind::IpInIp]);
    let (p, payload, kinds) = run(&mut d, &wrap(&frags[1]), 0, None);
    assert_eq!(kinds, vec![TunnelKind::IpInIp]);
    assert_eq!(p.ip.unwrap().fragment, Fragment::Reassembled);
    assert_eq!(p.ip.unwrap().src, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    assert_eq!(payload, data(2000));
}

#[test]
fn every_prefix_of_a_fragment_is_safe() {
    let packet = ipv4(17, 8, &udp(53, 40000, &data(2992)));
    let frags = fragments_v4(&packet, 1480);
    let v6 = fragments_v6(&ipv6_udp(&data(2000)), 1232, 1);
    let mut d = Defragmenter::default();
    for f in frags
        .iter()
        .map(|f| ethernet(0x0800, f))
        .chain(v6.iter().map(|f| ethernet(0x86dd, f)))
    {
        for cut in 0..=f.len() {
            run(&mut d, &f, 0, Some(cut));
        }
    }
}

#[test]
fn completed_datagrams_leave_no_lasting_trace() {
    // Many datagrams completed within the timeout: the queue of timeouts keeps only what
    // still waits (once compacted), not one entry per datagram ever seen.
    let packet = ipv4(17, 0, &udp(53, 40000, &data(1000)));
    let frags = fragments_v4(&packet, 512);
    let mut d = Defragmenter::default();
    for n in 0..(5 * MAX_DATAGRAMS as u32) {
        for f in &frags {
            let mut f = f.clone();
            f[4..6].copy_from_slice(&(n as u16).to_be_bytes());
            f[12..16].copy_from_slice(&V4::from(n >> 16).octets());
            run(&mut d, &ethernet(0x0800, &f), 0, None);
        }
        assert!(d.order.len() <= 2 * MAX_DATAGRAMS);
    }
    assert_eq!(d.stats().reassembled, 5 * MAX_DATAGRAMS as u64);
    assert!(d.waiting.is_empty());
}
