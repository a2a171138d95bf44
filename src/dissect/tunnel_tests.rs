//! Tunnels built byte by byte: each encapsulation around the same inner TCP SYN, what is
//! and is not decapsulated, and hostile headers.

use std::net::{IpAddr, Ipv4Addr};

use super::test_frames::{ethernet, udp};
use super::{Packet, TunnelKind, Tunnels, dissect_layers};
use crate::source::Frame;

/// An IPv4 header of protocol `proto` from 10.0.0.`src` to 10.0.0.`dst` around `payload`.
fn ipv4(src: u8, dst: u8, proto: u8, payload: &[u8]) -> Vec<u8> {
    let len = (20 + payload.len()) as u16;
    let mut p = vec![
        0x45,
        0,
        (len >> 8) as u8,
        len as u8,
        0,
        1,
        0,
        0,
        64,
        proto,
        0,
        0,
    ];
    p.extend([10, 0, 0, src, 10, 0, 0, dst]);
    p.extend(payload);
    p
}

/// The inner packet: a TCP SYN from 192.168.1.1:40000 to 192.168.1.2:80.
fn inner_syn() -> Vec<u8> {
    let mut tcp = vec![
        0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
    ];
    tcp.extend([0, 0, 0, 0]);
    let mut p = ipv4(0, 0, 6, &tcp);
    p[12..20].copy_from_slice(&[192, 168, 1, 1, 192, 168, 1, 2]);
    p
}

fn dissect_eth(frame: &[u8]) -> (Packet, Tunnels) {
    let f = Frame {
        capture_id: 0,
        number: 1,
        ts_ns: 0,
        caplen: frame.len() as u32,
        wire_len: frame.len() as u32,
        link_type: 1,
        interface_id: 0,
        data: frame,
    };
    let mut tunnels = Tunnels::default();
    let (p, _) = dissect_layers(&f, &mut tunnels);
    (p, tunnels)
}

fn kinds(t: &Tunnels) -> Vec<TunnelKind> {
    t.iter().map(|l| l.kind).collect()
}

/// The packet is the inner SYN, carried as `expected` says.
fn assert_inner_syn(frame: &[u8], expected: &[TunnelKind]) {
    let (p, t) = dissect_eth(frame);
    let ip = p.ip.expect("inner IP");
    assert_eq!(ip.src, IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1)));
    assert_eq!((p.src_port, p.dst_port), (Some(40000), Some(80)));
    assert_eq!(p.tcp.map(|t| t.flags), Some(0x02));
    assert_eq!(p.error, None);
    assert_eq!(kinds(&t), expected);
    // The outer link layer stays the frame's.
    assert_eq!(p.eth_type, Some(0x0800));
}

fn vxlan(inner_ip: &[u8]) -> Vec<u8> {
    let mut v = vec![0x08, 0, 0, 0, 0, 0, 42, 0];
    v.extend(ethernet(0x0800, inner_ip));
    v
}

#[test]
fn vxlan_either_direction_and_its_carrier() {
    let frame = ethernet(
        0x0800,
        &ipv4(1, 2, 17, &udp(50000, 4789, &vxlan(&inner_syn()))),
    );
    assert_inner_syn(&frame, &[TunnelKind::Vxlan]);
    let (_, t) = dissect_eth(&frame);
    let outer = t.iter().next().unwrap();
    assert_eq!(outer.ip.src, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    assert_eq!((outer.src_port, outer.dst_port), (Some(50000), Some(4789)));
    assert_eq!(outer.payload_len as usize, vxlan(&inner_syn()).len());
    // From the tunnel's port to an ephemeral one: the responder's port is still 4789.
    let back = ethernet(
        0x0800,
        &ipv4(2, 1, 17, &udp(4789, 50000, &vxlan(&inner_syn()))),
    );
    assert_inner_syn(&back, &[TunnelKind::Vxlan]);
}

#[test]
fn vxlan_without_its_flag_or_without_ip_inside_is_left_as_it_is() {
    let mut v = vxlan(&inner_syn());
    v[0] = 0;
    let (p, t) = dissect_eth(&ethernet(0x0800, &ipv4(1, 2, 17, &udp(50000, 4789, &v))));
    assert!(t.is_empty());
    assert_eq!(p.dst_port, Some(4789));
    // ARP inside: the frame stays the UDP datagram.
    let mut arp = vec![0x08, 0, 0, 0, 0, 0, 42, 0];
    arp.extend(ethernet(0x0806, &[0; 28]));
    let (p, t) = dissect_eth(&ethernet(0x0800, &ipv4(1, 2, 17, &udp(50000, 4789, &arp))));
    assert!(t.is_empty());
    assert_eq!(p.dst_port, Some(4789));
}

#[test]
fn gre_ip_ethernet_erspan_and_pptp() {
    let syn = inner_syn();
    let gre = |flags: u16, proto: u16, extra: &[u8], body: &[u8]| {
        [&flags.to_be_bytes()[..], &proto.to_be_bytes(), extra, body].concat()
    };
    let cases = [
        gre(0, 0x0800, &[], &syn),
        gre(0x2000, 0x0800, &[0, 0, 0, 7], &syn),
        gre(0, 0x6558, &[], &ethernet(0x0800, &syn)),
        gre(0, 0x88be, &[], &ethernet(0x0800, &syn)),
        gre(
            0x1000,
            0x88be,
            &[0, 0, 0, 1],
            &[&[0; 8][..], &ethernet(0x0800, &syn)].concat(),
        ),
        gre(
            0,
            0x22eb,
            &[],
            &[&[0; 12][..], &ethernet(0x0800, &syn)].concat(),
        ),
        gre(
            0x2001,
            0x880b,
            &[0, 40, 0, 1],
            &[&[0xff, 0x03, 0, 0x21][..], &syn].concat(),
        ),
    ];
    for g in cases {
        assert_inner_syn(&ethernet(0x0800, &ipv4(1, 2, 47, &g)), &[TunnelKind::Gre]);
    }
    // Routing present, an unknown version, PPP carrying something else: not decapsulated.
    for g in [
        gre(0x4000, 0x0800, &[0, 0, 0, 0], &syn),
        gre(0x0002, 0x0800, &[], &syn),
        gre(
            0x2001,
            0x880b,
            &[0, 40, 0, 1],
            &[&[0xff, 0x03, 0xc0, 0x21][..], &syn].concat(),
        ),
    ] {
        let (p, t) = dissect_eth(&ethernet(0x0800, &ipv4(1, 2, 47, &g)));
        assert!(t.is_empty());
        assert_eq!(p.ip_proto(), Some(47));
    }
}

#[test]
fn ip_in_ip_must_fill_its_carrier_exactly() {
    assert_inner_syn(
        &ethernet(0x0800, &ipv4(1, 2, 4, &inner_syn())),
        &[TunnelKind::IpInIp],
    );
    // One byte more than the inner packet says it has: Zeek drops it, pcapq keeps the
    // carrier.
    let mut longer = inner_syn();
    longer.push(0);
    let (p, t) = dissect_eth(&ethernet(0x0800, &ipv4(1, 2, 4, &longer)));
    assert!(t.is_empty());
    assert_eq!(p.ip_proto(), Some(4));
    // Protocol 41 announces IPv6: an IPv4 packet inside is not decapsulated.
    let (_, t) = dissect_eth(&ethernet(0x0800, &ipv4(1, 2, 41, &inner_syn())));
    assert!(t.is_empty());
}

#[test]
fn geneve_gtp_ayiya_and_gre_in_udp() {
    let syn = inner_syn();
    let geneve = [&[0x01, 0, 0x08, 0x00, 0, 0, 1, 0][..], &[0; 4], &syn].concat();
    let gtp = [&[0x30, 0xff, 0, syn.len() as u8, 0, 0, 0, 1][..], &syn].concat();
    let gtp_ext = [
        &[0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85][..],
        &[1, 0, 0, 0],
        &syn,
    ]
    .concat();
    // A 2-byte identity and a 20-byte SHA-1 signature.
    let ayiya = [&[0x11, 0x52, 0x11, 4, 0, 0, 0, 0][..], &[0; 22], &syn].concat();
    let gre = [&[0, 0, 0x08, 0x00][..], &syn].concat();
    let cases = [
        (6081, geneve, TunnelKind::Geneve),
        (2152, gtp, TunnelKind::Gtpv1),
        (2152, gtp_ext, TunnelKind::Gtpv1),
        (5072, ayiya.clone(), TunnelKind::Ayiya),
        // AYIYA is also recognised by its bytes on another port.
        (40001, ayiya, TunnelKind::Ayiya),
        (4754, gre, TunnelKind::Gre),
    ];
    for (port, payload, kind) in cases {
        let frame = ethernet(0x0800, &ipv4(1, 2, 17, &udp(50000, port, &payload)));
        assert_inner_syn(&frame, &[kind]);
    }
    // A GTP echo request carries no user packet.
    let echo = [&[0x32, 0x01, 0, 4, 0, 0, 0, 0][..], &[0, 1, 0, 0]].concat();
    let (p, t) = dissect_eth(&ethernet(0x0800, &ipv4(1, 2, 17, &udp(2152, 2152, &echo))));
    assert!(t.is_empty());
    assert_eq!(p.dst_port, Some(2152));
}

#[test]
fn nested_tunnels_are_followed_to_the_limit() {
    let mut packet = inner_syn();
    for _ in 0..3 {
        packet = ipv4(1, 2, 17, &udp(50000, 4789, &vxlan(&packet)));
    }
    assert_inner_syn(&ethernet(0x0800, &packet), &[TunnelKind::Vxlan; 3]);
    for _ in 0..2 {
        packet = ipv4(1, 2, 17, &udp(50000, 4789, &vxlan(&packet)));
    }
    // Five layers: four are decapsulated, the fifth VXLAN packet is the frame's packet.
    let (p, t) = dissect_eth(&ethernet(0x0800, &packet));
    assert_eq!(kinds(&t), [TunnelKind::Vxlan; 4]);
    assert_eq!(p.dst_port, Some(4789));
}

#[test]
fn cut_and_lying_tunnel_headers_end_cleanly() {
    let full = ethernet(
        0x0800,
        &ipv4(1, 2, 17, &udp(50000, 2152, &[0x34, 0xff, 0, 0])),
    );
    let mut gtp_loop = [&[0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85][..], &[0; 40]].concat();
    gtp_loop[12] = 0;
    let frames = [
        full,
        ethernet(0x0800, &ipv4(1, 2, 17, &udp(50000, 2152, &gtp_loop))),
        ethernet(
            0x0800,
            &ipv4(1, 2, 17, &udp(50000, 6081, &[0x3f, 0, 0x65, 0x58])),
        ),
        ethernet(
            0x0800,
            &ipv4(1, 2, 17, &udp(50000, 5072, &[0xf0, 0xf0, 1, 4])),
        ),
        ethernet(
            0x0800,
            &ipv4(1, 2, 17, &udp(50000, 3544, &[0, 1, 255, 255])),
        ),
        ethernet(0x0800, &ipv4(1, 2, 47, &[0xf0, 0, 0x22, 0xeb])),
    ];
    for f in frames {
        let (p, t) = dissect_eth(&f);
        assert!(t.is_empty());
        assert!(p.ip.is_some());
        // Every prefix ends too.
        for n in 0..f.len() {
            dissect_eth(&f[..n]);
        }
    }
}
