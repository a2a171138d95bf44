//! The tables pcapq writes, defined once: each column's name, type and one-sentence
//! meaning. The Arrow schemas, `pcapq schema` and the column tables of the docs all come
//! from these definitions.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Column types used by pcapq's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Boolean.
    Bool,
    /// Unsigned 8-bit integer.
    U8,
    /// Unsigned 16-bit integer.
    U16,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer.
    U64,
    /// 64-bit float.
    F64,
    /// UTF-8 text.
    Str,
    /// Timestamp, nanoseconds since the Unix epoch, UTC.
    TsNs,
    /// A list of UTF-8 texts.
    StrList,
    /// A list of unsigned 32-bit integers.
    U32List,
}

impl ColType {
    /// The Arrow type of the column.
    pub fn arrow(self) -> DataType {
        match self {
            ColType::Bool => DataType::Boolean,
            ColType::U8 => DataType::UInt8,
            ColType::U16 => DataType::UInt16,
            ColType::U32 => DataType::UInt32,
            ColType::U64 => DataType::UInt64,
            ColType::F64 => DataType::Float64,
            ColType::Str => DataType::Utf8,
            ColType::TsNs => DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            ColType::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            ColType::U32List => {
                DataType::List(Arc::new(Field::new("item", DataType::UInt32, true)))
            }
        }
    }

    /// Short type name for documentation (`uint16`, `timestamp[ns, UTC]`, …).
    pub fn name(self) -> &'static str {
        match self {
            ColType::Bool => "bool",
            ColType::U8 => "uint8",
            ColType::U16 => "uint16",
            ColType::U32 => "uint32",
            ColType::U64 => "uint64",
            ColType::F64 => "float64",
            ColType::Str => "string",
            ColType::TsNs => "timestamp[ns, UTC]",
            ColType::StrList => "list<string>",
            ColType::U32List => "list<uint32>",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    /// Column name.
    pub name: &'static str,
    /// Column type.
    pub ty: ColType,
    /// Whether the column can hold nulls.
    pub nullable: bool,
    /// What it holds, in one sentence.
    pub doc: &'static str,
}

/// One table of the dataset.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    /// Table name (and file stem: `<name>.parquet`).
    pub name: &'static str,
    /// What one row is.
    pub doc: &'static str,
    /// Its columns, in order.
    pub columns: &'static [ColumnDef],
    /// Whether a dataset may lack the table's file (a table added after datasets were
    /// first written); such a dataset reads it as empty.
    pub optional: bool,
}

impl TableDef {
    /// The table's Arrow schema.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(c.name, c.ty.arrow(), c.nullable))
                .collect::<Vec<_>>(),
        ))
    }

    /// The file name of the table inside a dataset directory.
    pub fn file_name(&self) -> String {
        format!("{}.parquet", self.name)
    }
}

const fn col(name: &'static str, ty: ColType, doc: &'static str) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        nullable: true,
        doc,
    }
}

const fn req(name: &'static str, ty: ColType, doc: &'static str) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        nullable: false,
        doc,
    }
}

use ColType::*;

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

/// `flows`: one row per bidirectional flow.
pub const FLOWS: TableDef = TableDef {
    name: "flows",
    doc: "One row per bidirectional flow (TCP connection, UDP/ICMP exchange, other IP protocol between two hosts), Zeek conn.log names where the meaning matches.",
    columns: &[
        req(
            "flow_id",
            U64,
            "Flow number: the position (from 1, across every input of the run, and across the batches of an appended dataset) of the frame that started the flow, so numbers grow in order of first packet and are the same for any --threads; `packets.flow_id` refers to it.",
        ),
        req(
            "community_id",
            Str,
            "Community ID v1 (seed 0) of the flow, as Zeek, Suricata and others compute it.",
        ),
        req(
            "proto",
            Str,
            "Transport: `tcp`, `udp`, `icmp` (ICMP and ICMPv6, as Zeek), or the protocol's name (`sctp`, `gre`, `esp`, …, `ip-N`).",
        ),
        req("ip_proto", U8, "IP protocol number."),
        req("ip_version", U8, "4 or 6."),
        req(
            "orig_ip",
            Str,
            "Originator address: sender of the first SYN (TCP), else of the first packet.",
        ),
        col(
            "orig_port",
            U16,
            "Originator port (ICMP: the type, as Zeek).",
        ),
        req("resp_ip", Str, "Responder address."),
        col(
            "resp_port",
            U16,
            "Responder port (ICMP: the code, or the matching echo type, as Zeek).",
        ),
        req("first_ts", TsNs, "Time of the flow's first packet."),
        req("last_ts", TsNs, "Time of the flow's last packet."),
        req("duration", F64, "last_ts − first_ts, in seconds."),
        req(
            "first_from_orig",
            Bool,
            "The flow's first packet came from the originator (false when Zeek's rules made its receiver the originator).",
        ),
        req("orig_pkts", U64, "Packets from the originator."),
        req("resp_pkts", U64, "Packets from the responder."),
        req(
            "orig_bytes",
            U64,
            "Payload bytes from the originator, as Zeek counts them: TCP by the sequence space covered (data never captured included), UDP and ICMP by payload lengths, 0 for other protocols (see orig_payload_bytes).",
        ),
        req("resp_bytes", U64, "Payload bytes from the responder."),
        req(
            "orig_ip_bytes",
            U64,
            "IP bytes (headers included) from the originator, as Zeek's orig_ip_bytes.",
        ),
        req("resp_ip_bytes", U64, "IP bytes from the responder."),
        req(
            "orig_wire_bytes",
            U64,
            "Frame bytes on the wire from the originator (what tshark's conversations count).",
        ),
        req(
            "resp_wire_bytes",
            U64,
            "Frame bytes on the wire from the responder.",
        ),
        req(
            "orig_payload_bytes",
            U64,
            "Sum of the originator's transport payload lengths, retransmissions included (tcptrace's actual data bytes).",
        ),
        req(
            "resp_payload_bytes",
            U64,
            "Sum of the responder's transport payload lengths, retransmissions included.",
        ),
        req(
            "orig_data_pkts",
            U64,
            "Originator packets with a non-empty payload (tcptrace's actual data pkts).",
        ),
        req(
            "resp_data_pkts",
            U64,
            "Responder packets with a non-empty payload.",
        ),
        req(
            "end_reason",
            Str,
            "Why the flow ended: `fin` (both sides closed), `rst`, `idle` (timeout), `eof` (end of input), `evicted` (--max-flows), `reused` (a new SYN took over its 5-tuple).",
        ),
        col(
            "service",
            Str,
            "Services recognised from the payload, whatever the port, with Zeek's names (`dns`, `http`, `ssl` for TLS, `quic`, `ssh` once its key exchange reaches NEWKEYS, `dtls`, `stun`, `ntp`, `dhcp`, `smtp`, `ftp`, `pop3`, `imap`, `xmpp`, `irc`, `mysql`, `websocket` at the first message after an HTTP upgrade, then what the messages carry), comma-joined in the order found as Zeek joins them (`quic,ssl`, `imap,ssl` after STARTTLS, `http,websocket,ssh`); a tunnel's carrier has its tunnel (`vxlan`, `geneve`, `teredo`, `ayiya`, `gtpv1`), also with `--no-app`; null when nothing was recognised or `--no-app`.",
        ),
        col(
            "port_service",
            Str,
            "Service guess from the ports alone (IANA name of the responder port, else of the originator port).",
        ),
        col(
            "server_name",
            Str,
            "The server's name as the client gave it: the TLS or QUIC SNI, else the Host header of the first HTTP request.",
        ),
        col(
            "alpn",
            StrList,
            "TLS/QUIC: the application protocols the client offered (ALPN), in its order.",
        ),
        col(
            "tls_version",
            Str,
            "TLS: the version the server chose (ServerHello, its supported_versions extension first), as Zeek writes it (`TLSv12`, `TLSv13`, …); when no ServerHello was seen, the highest version the client offered.",
        ),
        col(
            "ja3",
            Str,
            "TLS/DTLS: JA3 fingerprint of the ClientHello (MD5 hex, GREASE removed), as tshark's tls.handshake.ja3.",
        ),
        col(
            "ja4",
            Str,
            "TLS/QUIC/DTLS: JA4 fingerprint of the ClientHello (FoxIO's JA4, the BSD-licensed TLS client part).",
        ),
        col(
            "quic_version",
            Str,
            "QUIC: version of the first long header, as Zeek's quic.log writes it (`1`, `quicv2`, …).",
        ),
        col("ssh_client", Str, "SSH: the client's banner (`SSH-2.0-…`)."),
        col("ssh_server", Str, "SSH: the server's banner."),
        col(
            "http_user_agent",
            Str,
            "HTTP: User-Agent of the first request.",
        ),
        col(
            "app_note",
            Str,
            "Why the application layer of this flow was read only in part (a buffer bound hit, a hole in the stream, damage); null when nothing was cut short.",
        ),
        col(
            "syn_count",
            U32,
            "TCP: segments with SYN set (a SYN+ACK counts as a SYN), both directions.",
        ),
        col(
            "fin_count",
            U32,
            "TCP: segments with FIN set, both directions.",
        ),
        col(
            "rst_count",
            U32,
            "TCP: segments with RST set, both directions.",
        ),
        col(
            "state",
            Str,
            "TCP: the UVic P2 status `S#F#` (exact SYN and FIN counts), followed by `/R` when reset (`S2F1/R`).",
        ),
        col(
            "complete",
            Bool,
            "TCP: at least one SYN and at least one FIN seen (the UVic P2 definition).",
        ),
        col("reset", Bool, "TCP: at least one RST seen."),
        col(
            "open_at_end",
            Bool,
            "TCP: not complete (reset or not): still open when the capture ended, as UVic P2 counts it.",
        ),
        col(
            "last_fin_ts",
            TsNs,
            "TCP: time of the last segment carrying FIN, either direction (the UVic end time).",
        ),
        col(
            "conn_state",
            Str,
            "TCP/UDP/ICMP: Zeek's conn_state (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH).",
        ),
        col(
            "history",
            Str,
            "Zeek's history letters (upper case: originator, lower case: responder).",
        ),
        col(
            "handshake_rtt",
            F64,
            "TCP: SYN → ACK of the SYN+ACK, in seconds (the client-side view of the handshake).",
        ),
        col(
            "handshake_rtt_server",
            F64,
            "TCP: SYN → SYN+ACK, in seconds (network time to the server).",
        ),
        col(
            "handshake_rtt_client",
            F64,
            "TCP: SYN+ACK → ACK, in seconds (network time to the client).",
        ),
        col(
            "rtt_samples",
            U32,
            "TCP: ACK-matched RTT samples (a segment's end acknowledged; retransmitted segments excluded, Karn's rule).",
        ),
        col(
            "rtt_min",
            F64,
            "TCP: smallest ACK-matched RTT sample, seconds.",
        ),
        col(
            "rtt_mean",
            F64,
            "TCP: mean ACK-matched RTT sample, seconds.",
        ),
        col(
            "rtt_max",
            F64,
            "TCP: largest ACK-matched RTT sample, seconds.",
        ),
        col(
            "orig_syn_fin_rtt_samples",
            U32,
            "TCP: UVic P2 RTT samples of the originator's SYN and FIN segments (each timed to the first later segment from the other side acknowledging its sequence number + 1; the `uvic_rtt_samples` view lists them).",
        ),
        col(
            "orig_syn_fin_rtt_sum_ns",
            U64,
            "TCP: sum of the originator's UVic P2 SYN/FIN RTT samples, nanoseconds (exact, so sums over many flows divided by their counts give the mean).",
        ),
        col(
            "orig_syn_fin_rtt_min_ns",
            U64,
            "TCP: smallest UVic P2 SYN/FIN RTT sample of the originator, nanoseconds.",
        ),
        col(
            "orig_syn_fin_rtt_max_ns",
            U64,
            "TCP: largest UVic P2 SYN/FIN RTT sample of the originator, nanoseconds.",
        ),
        col(
            "resp_syn_fin_rtt_samples",
            U32,
            "TCP: UVic P2 RTT samples of the responder's SYN and FIN segments (each timed to the first later segment from the other side acknowledging its sequence number + 1; the `uvic_rtt_samples` view lists them).",
        ),
        col(
            "resp_syn_fin_rtt_sum_ns",
            U64,
            "TCP: sum of the responder's UVic P2 SYN/FIN RTT samples, nanoseconds (exact, so sums over many flows divided by their counts give the mean).",
        ),
        col(
            "resp_syn_fin_rtt_min_ns",
            U64,
            "TCP: smallest UVic P2 SYN/FIN RTT sample of the responder, nanoseconds.",
        ),
        col(
            "resp_syn_fin_rtt_max_ns",
            U64,
            "TCP: largest UVic P2 SYN/FIN RTT sample of the responder, nanoseconds.",
        ),
        col(
            "orig_win_min",
            U64,
            "TCP: smallest receive window the originator advertised, bytes, window scaling applied when both SYNs negotiated it.",
        ),
        col(
            "orig_win_mean",
            F64,
            "TCP: mean receive window the originator advertised, bytes (scaled).",
        ),
        col(
            "orig_win_max",
            U64,
            "TCP: largest receive window the originator advertised, bytes (scaled).",
        ),
        col(
            "resp_win_min",
            U64,
            "TCP: smallest receive window the responder advertised, bytes (scaled).",
        ),
        col(
            "resp_win_mean",
            F64,
            "TCP: mean receive window the responder advertised, bytes (scaled).",
        ),
        col(
            "resp_win_max",
            U64,
            "TCP: largest receive window the responder advertised, bytes (scaled).",
        ),
        col(
            "win_raw_min",
            U16,
            "TCP: smallest raw window field of any packet, both directions.",
        ),
        col(
            "win_raw_sum",
            U64,
            "TCP: sum of the raw window field over all packets, both directions (with orig_pkts + resp_pkts gives the mean).",
        ),
        col(
            "win_raw_max",
            U16,
            "TCP: largest raw window field of any packet, both directions.",
        ),
        col(
            "orig_wscale",
            U8,
            "TCP: window scale option of the originator's SYN.",
        ),
        col(
            "resp_wscale",
            U8,
            "TCP: window scale option of the responder's SYN+ACK.",
        ),
        col(
            "retransmissions",
            U64,
            "TCP: segments flagged `tcp_retransmission`, both directions.",
        ),
        col(
            "orig_retransmissions",
            U64,
            "TCP: retransmitted segments from the originator.",
        ),
        col(
            "resp_retransmissions",
            U64,
            "TCP: retransmitted segments from the responder.",
        ),
        col(
            "missed_bytes",
            U64,
            "TCP: payload bytes acknowledged but never captured (sequence gaps, and payload cut by the snap length), as Zeek's missed_bytes.",
        ),
        col(
            "icmp_error",
            Str,
            "An ICMP error about this flow (`type/code`, e.g. `3/3` port unreachable), from the first such message.",
        ),
        col(
            "icmp_errors",
            U32,
            "ICMP error messages that quote a packet of this flow.",
        ),
        col(
            "tunnel_parents",
            StrList,
            "Community IDs of the flows whose tunnel packets carried this flow's packets (the UDP flow of a VXLAN, Geneve, Teredo, AYIYA or GTP tunnel, the GRE or IP-in-IP flow), as Zeek's tunnel_parents lists the tunnels; null when not tunnelled. A carrier flow is numbered 2^48 above the frame that starts it, per level.",
        ),
    ],
    optional: false,
};

/// `captures`: one row per input.
pub const CAPTURES: TableDef = TableDef {
    name: "captures",
    doc: "One row per input capture: format, link types, counts, time range and the damage found.",
    columns: &[
        req(
            "capture_id",
            U32,
            "Position of the input on the command line, from 0.",
        ),
        req("path", Str, "The input as given (`<stdin>` for `-`)."),
        req("format", Str, "`pcap` or `pcapng`."),
        req(
            "compression",
            Str,
            "`none`, `gzip` or `zstd` (recognised by magic bytes).",
        ),
        col(
            "file_bytes",
            U64,
            "Size of the file on disk (null for stdin).",
        ),
        col(
            "file_path",
            Str,
            "Absolute path of the file when it was converted (null for stdin): where `pcapq export` reads it again.",
        ),
        col(
            "file_hash",
            Str,
            "SHA-256 over the file's size and its first and last MiB, hex (null for stdin): how `pcapq export` recognises the file.",
        ),
        req(
            "link_types",
            Str,
            "Link types of its interfaces, comma-separated (`ether`, `rawip`, `linux-sll`, …).",
        ),
        col(
            "snaplen",
            U32,
            "Largest snapshot length its header(s) declare.",
        ),
        req(
            "ts_precision",
            Str,
            "Timestamp resolution(s): `us`, `ns`, …",
        ),
        req("interfaces", U32, "Interfaces described (1 for pcap)."),
        req(
            "frames",
            U64,
            "Frames read (equals what capinfos reports for an undamaged file).",
        ),
        req("captured_bytes", U64, "Sum of captured lengths."),
        req(
            "wire_bytes",
            U64,
            "Sum of wire lengths (capinfos's data size).",
        ),
        col("first_ts", TsNs, "Earliest frame time."),
        col("last_ts", TsNs, "Latest frame time."),
        req(
            "frames_over_snaplen",
            U64,
            "Frames whose captured length exceeds the declared snap length (kept whole).",
        ),
        req("decode_errors", U64, "Frames whose `decode_error` is set."),
        col(
            "damage_offset",
            U64,
            "Byte offset of the damage that ended reading early (decompressed stream).",
        ),
        col(
            "damage",
            Str,
            "What the damage is (truncated frame, corrupt block, read error); null for an intact file.",
        ),
    ],
    optional: false,
};

/// `dns`: one row per DNS message.
pub const DNS: TableDef = TableDef {
    name: "dns",
    doc: "One row per DNS message (query or response) over UDP or TCP, on any port where the payload parses as DNS (mDNS and LLMNR included); Zeek dns.log names where the meaning matches.",
    columns: &[
        req("ts", TsNs, "Time of the packet that completed the message."),
        req("flow_id", U64, "Flow that carried it (`flows.flow_id`)."),
        req(
            "from_orig",
            Bool,
            "Whether it travelled from the flow's originator.",
        ),
        req("transport", Str, "`udp` or `tcp` (length-prefixed)."),
        req("trans_id", U16, "DNS transaction id."),
        req("is_response", Bool, "The QR bit: a response."),
        req("opcode", U8, "OPCODE (0: standard query)."),
        req("rcode", U8, "RCODE of the header."),
        req(
            "rcode_name",
            Str,
            "RCODE as Zeek names it (`NOERROR`, `NXDOMAIN`, `SERVFAIL`, …).",
        ),
        req("aa", Bool, "Authoritative answer flag."),
        req("tc", Bool, "Truncation flag."),
        req("rd", Bool, "Recursion desired flag."),
        req("ra", Bool, "Recursion available flag."),
        req("z", U8, "The Z bits."),
        col(
            "query",
            Str,
            "Name asked (with several questions, the last, as Zeek logs it); for a response \
             without a question (an mDNS announcement, a dynamic update's reply), the owner \
             name of its first answer, as Zeek's dns.log.",
        ),
        col("qclass", U16, "Class of the question `query` names."),
        col("qtype", U16, "Type of the question `query` names."),
        col(
            "qtype_name",
            Str,
            "Type of that question as Zeek names it (`A`, `AAAA`, `PTR`, …).",
        ),
        req(
            "answers",
            StrList,
            "Answer records as Zeek's dns.log writes them (an address, a name, `TXT <len> <text>`, …).",
        ),
        req("ttls", U32List, "TTL of each answer, seconds."),
        req(
            "rejected",
            Bool,
            "Zeek's `rejected`: a response that refused the query.",
        ),
    ],
    optional: true,
};

/// `http`: one row per HTTP request/response pair.
pub const HTTP: TableDef = TableDef {
    name: "http",
    doc: "One row per HTTP/1.x request and its response, pipelined requests paired in order; Zeek http.log names and meanings.",
    columns: &[
        req(
            "ts",
            TsNs,
            "Time of the request (of the response when no request was seen).",
        ),
        req("flow_id", U64, "Flow that carried it (`flows.flow_id`)."),
        req(
            "trans_depth",
            U32,
            "Position of the pair in its connection, from 1.",
        ),
        col("method", Str, "Request method (`GET`, `POST`, …)."),
        col("host", Str, "Host header of the request."),
        col("uri", Str, "Request target as sent."),
        col("version", Str, "HTTP version (`1.1`)."),
        col("user_agent", Str, "User-Agent header of the request."),
        req(
            "request_body_len",
            U64,
            "Request body bytes (after removing chunked transfer coding).",
        ),
        req(
            "response_body_len",
            U64,
            "Response body bytes (after removing chunked transfer coding).",
        ),
        col("status_code", U16, "Final response status code."),
        col("status_msg", Str, "Final response reason phrase."),
        col(
            "info_code",
            U16,
            "Last interim (1xx) response code, e.g. 100 Continue.",
        ),
        col("info_msg", Str, "Last interim response reason phrase."),
    ],
    optional: true,
};

/// Every table, in the order `pcapq schema` prints them.
pub const TABLES: [&TableDef; 5] = [&PACKETS, &FLOWS, &CAPTURES, &DNS, &HTTP];
