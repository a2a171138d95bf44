//! Every link layer against hostile bytes: each prefix of a well-formed frame, each
//! single-byte corruption of its first bytes, and pseudo-random frames, decoded down to
//! the transport layer with the wire length equal to the captured one and larger. The
//! test is that each decoding ends, without a panic or an overflow.

use crate::dissect::{Packet, dissect};
use crate::source::Frame;

/// Link types pcapq decodes, and one it does not.
const LINK_TYPES: [u32; 20] = [
    0, 1, 9, 10, 12, 14, 50, 101, 104, 105, 108, 109, 113, 127, 192, 195, 228, 229, 239, 276,
];

/// IPv4 + UDP, 28 bytes, no payload.
const IP4_UDP: [u8; 28] = [
    0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2, 0x04, 0x57, 0, 53, 0, 8,
    0, 0,
];

/// An 802.11 QoS data frame to the AP with LLC/SNAP and the IPv4 packet, then an FCS.
fn wlan() -> Vec<u8> {
    let mut f = vec![0x88, 0x01];
    f.extend([0; 24]);
    f.extend([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
    f.extend(IP4_UDP);
    f.extend([0xaa, 0xaa, 0x03, 0]);
    f
}

/// A well-formed frame of each link type around the same IPv4 packet.
fn seeds() -> Vec<(u32, Vec<u8>)> {
    let with = |header: &[u8], tail: &[u8]| [header, tail].concat();
    let mut ethernet = vec![
        2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0, 0, 7, 0x08, 0x00,
    ];
    ethernet.extend(IP4_UDP);
    let radiotap = with(
        &[0, 0, 17, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10],
        &wlan(),
    );
    let mut ppi = vec![0, 0, 32, 0, 105, 0, 0, 0, 2, 0, 20, 0];
    ppi.extend([0; 8]);
    ppi.extend([1, 0]);
    ppi.extend([0; 10]);
    ppi.extend(wlan());
    let mut nflog = vec![2, 0, 0, 1, 8, 0, 1, 0, 8, 0, 1, 0, 32, 0, 9, 0];
    nflog.extend(IP4_UDP);
    let macs = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    // 802.1Q, a VN-Tag, 802.1Q again (Zeek's vntag_vlan_sandwich).
    let vntag = [
        &macs[..],
        &[0x81, 0, 0, 250, 0x89, 0x26, 0, 0, 0, 0],
        &[0x81, 0, 0, 250],
    ];
    let vntag = with(&[vntag.concat(), vec![0x08, 0x00]].concat(), &IP4_UDP);
    // 802.1ah: the I-TAG, then the customer's MAC addresses and EtherType.
    let pbb = with(
        &[&macs[..], &[0x88, 0xe7, 0, 0, 0, 1], &macs, &[0x08, 0x00]].concat(),
        &IP4_UDP,
    );
    // Cisco FabricPath: two more bytes of outer header, then the inner Ethernet header.
    let fabric = with(
        &[&macs[..], &[0x89, 0x03, 0, 0], &macs, &[0x08, 0x00]].concat(),
        &IP4_UDP,
    );
    vec![
        (0, with(&[2, 0, 0, 0], &IP4_UDP)),
        (1, ethernet),
        (1, vntag),
        (1, pbb),
        (1, fabric),
        (9, with(&[0xff, 0x03, 0x00, 0x21], &IP4_UDP)),
        (
            10,
            with(
                &[&[0x50][..], &macs, &[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]].concat(),
                &IP4_UDP,
            ),
        ),
        (50, with(&[0x0f, 0x00, 0x08, 0x00], &IP4_UDP)),
        (101, IP4_UDP.to_vec()),
        (104, with(&[0x8f, 0x00, 0x08, 0x00], &IP4_UDP)),
        (105, wlan()[..wlan().len() - 4].to_vec()),
        (
            113,
            with(
                &[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00],
                &IP4_UDP,
            ),
        ),
        (127, radiotap),
        (192, ppi),
        (239, nflog),
        (
            276,
            with(
                &[
                    0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0,
                ],
                &IP4_UDP,
            ),
        ),
    ]
}

/// Decodes `data` as a frame of `link_type` and `wire_len` bytes on the wire.
fn decode(link_type: u32, data: &[u8], wire_len: usize) -> Packet {
    let frame = Frame {
        capture_id: 0,
        number: 1,
        ts_ns: 0,
        caplen: data.len() as u32,
        wire_len: wire_len as u32,
        link_type,
        interface_id: 0,
        data,
    };
    dissect(&frame)
}

#[test]
fn seeds_decode_to_the_udp_header() {
    for (link_type, frame) in seeds() {
        let packet = decode(link_type, &frame, frame.len());
        assert_eq!(packet.error, None, "link type {link_type}");
        assert_eq!(packet.dst_port, Some(53), "link type {link_type}");
    }
}

#[test]
fn every_prefix_and_corruption_of_a_header_ends() {
    for (link_type, frame) in seeds() {
        for cut in 0..=frame.len() {
            for wire_len in [cut, frame.len(), frame.len() + 100, usize::from(u16::MAX)] {
                decode(link_type, &frame[..cut], wire_len.max(cut));
            }
        }
        for at in 0..frame.len().min(64) {
            for value in [0, 1, 3, 4, 7, 8, 0x10, 0x7f, 0x80, 0xfe, 0xff] {
                let mut bad = frame.clone();
                bad[at] = value;
                decode(link_type, &bad, bad.len());
                decode(link_type, &bad, bad.len() + 9);
            }
        }
    }
}

#[test]
fn random_frames_end() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for link_type in LINK_TYPES {
        for _ in 0..2000 {
            let len = (next() % 160) as usize;
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let extra = (next() % 3) as usize * 50;
            decode(link_type, &data, len + extra);
        }
    }
}
