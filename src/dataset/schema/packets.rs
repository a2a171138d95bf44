//! The `packets` table's columns.

use super::ColType::*;
use super::{TableDef, col, req};

/// `packets`: one row per frame read, always.
pub const PACKETS: TableDef = TableDef {
    name: "packets",
    doc: "One row per frame read, in capture time order, also for frames that could not be decoded.",
    columns: &[
        req(
            "capture_id",
            U32,
            "Input the frame came from: its position on the command line, from 0 (see `captures`).",
        ),
        req(
            "frame",
            U64,
            "Frame number within its input, from 1, as Wireshark numbers it.",
        ),
        req("ts", TsNs, "Capture time (UTC, nanosecond resolution)."),
        req(
            "interface_id",
            U32,
            "pcapng interface the frame was captured on (0 for pcap).",
        ),
        req(
            "caplen",
            U32,
            "Bytes captured (may be less than `wire_len` when a snap length cut the frame).",
        ),
        req(
            "wire_len",
            U32,
            "Bytes of the frame on the wire (what tshark calls frame.len).",
        ),
        col(
            "eth_type",
            U16,
            "Outermost EtherType (0x0800 IPv4, 0x86dd IPv6, 0x8100 VLAN, …); also the EtherType-valued protocol field of Linux cooked captures, Cisco HDLC, and LLC/SNAP headers (802.11, FDDI, IEEE 802.3 frames). Null for PPP, NFLOG, loopback and raw IP, which announce their payload otherwise.",
        ),
        col("vlan", U16, "Outermost 802.1Q VLAN id."),
        col(
            "ip_version",
            U8,
            "IP version nibble (4 or 6; another value means a bogus header, see `decode_error`).",
        ),
        col(
            "src_ip",
            Str,
            "Source IP address as text (`10.0.0.1`, `2001:db8::1`).",
        ),
        col("dst_ip", Str, "Destination IP address as text."),
        col(
            "ip_proto",
            U8,
            "Transport protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …), after IPv6 extension headers.",
        ),
        col("ttl", U8, "IPv4 TTL or IPv6 hop limit."),
        col(
            "ip_len",
            U32,
            "IP packet length from its header: IPv4 total length, IPv6 40 + payload length (of the frame's own IP header also on a `reassembled` frame, as tshark's ip.len; its flow counts the whole datagram).",
        ),
        col(
            "fragment",
            Str,
            "IP fragmentation: `none`; `first` (offset 0, carries the transport header) or `later`, a fragment that belongs to no flow by itself (its datagram is counted once, as in Zeek); `reassembled`, the fragment that completed its datagram: the transport columns and the flow then describe the whole datagram (as tshark shows it). A first fragment cut by the snap length is not reassembled and counts on its flow as it is.",
        ),
        col(
            "src_port",
            U16,
            "Source port (TCP, UDP, SCTP, DCCP, UDP-Lite).",
        ),
        col("dst_port", U16, "Destination port."),
        col(
            "tcp_flags",
            U16,
            "TCP flag bits as tshark's tcp.flags (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, …).",
        ),
        col(
            "tcp_flags_str",
            Str,
            "TCP flags as letters in the order S F R P A U E C N: `S`, `SA`, `A`, `PA`, `FA`, `R`, …",
        ),
        col("tcp_seq", U32, "Raw TCP sequence number."),
        col("tcp_ack", U32, "Raw TCP acknowledgement number."),
        col(
            "tcp_window",
            U16,
            "Raw TCP window field (not scaled; `flows` has scaled figures).",
        ),
        col(
            "payload_len",
            U32,
            "Transport payload bytes on the wire, from the length fields (TCP: IP payload minus TCP header, as tshark's tcp.len; UDP: UDP length minus 8).",
        ),
        col("icmp_type", U8, "ICMP or ICMPv6 type."),
        col("icmp_code", U8, "ICMP or ICMPv6 code."),
        col(
            "dns_rcode",
            U8,
            "Response code of a DNS response from port 53 (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, …).",
        ),
        col(
            "flow_id",
            U64,
            "The bidirectional flow the packet belongs to (`flows.flow_id`); null for non-IP frames and for IP fragments other than the one that completed its datagram.",
        ),
        col(
            "from_orig",
            Bool,
            "True when the packet travels from the flow's originator to its responder, as the tracker knew the originator when the packet came: in a flow whose originator Zeek's rules settle only later (`^` in `flows.history`, e.g. a capture that begins with the SYN+ACK), the packets before that are marked from the other side. `src_ip` and `src_port` against `flows.orig_ip` and `orig_port` give the final roles.",
        ),
        col(
            "tcp_retransmission",
            Bool,
            "TCP segment retransmits data (or a SYN/FIN) already seen, by tshark's rule (see docs/tcp-analysis.md).",
        ),
        col(
            "tcp_dup_ack",
            Bool,
            "TCP duplicate ACK, by tshark's rule: no data, same ACK and window as the previous segment in that direction, no SYN/FIN/RST.",
        ),
        col(
            "tcp_zero_window",
            Bool,
            "TCP segment advertises a zero receive window (and is not a RST).",
        ),
        col(
            "decode_error",
            Str,
            "Why decoding stopped early (truncated or bogus header, unsupported link type); null when the frame decoded fully.",
        ),
        col(
            "tunnel",
            Str,
            "The tunnels the packet came through, outermost first (`vxlan`, `gre`, `ip-in-ip`, `geneve`, `teredo`, `ayiya`, `gtpv1`; `gre,vxlan` when nested); the IP and transport columns then describe the innermost packet. Null when not tunnelled.",
        ),
        col(
            "tunnel_flow_id",
            U64,
            "The flow of the tunnel packet directly around this one (its `flows.flow_id`; the frame counts in both flows, as in Zeek).",
        ),
        col(
            "ip_id",
            U32,
            "IP identification of an IP fragment (IPv4 header's, or the IPv6 fragment header's); with the addresses it names the fragments of one datagram, the `reassembled` row among them. Null when the packet is not a fragment.",
        ),
    ],
    optional: false,
};
