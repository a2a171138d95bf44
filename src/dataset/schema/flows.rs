//! The `flows` table's columns.

use super::ColType::*;
use super::{TableDef, col, req};

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
