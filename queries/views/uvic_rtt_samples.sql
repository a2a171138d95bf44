-- view: uvic_rtt_samples
-- The UVic P2 RTT samples: one for every SYN and every FIN the connection's source sent,
-- measured to the first later segment from the destination whose ACK number is that
-- segment's sequence number + 1 (mod 2^32). A segment never so acknowledged gives none.
WITH sent AS (
    SELECT u.connection, p.capture_id, p.frame, p.ts,
           CASE WHEN p.tcp_flags & 2 <> 0 THEN 'SYN' ELSE 'FIN' END AS segment,
           (CAST(p.tcp_seq AS BIGINT) + 1) % 4294967296 AS want_ack
    FROM packets p JOIN uvic_flows u ON p.flow_id = u.flow_id
    -- sent by the source: its address and port (a packet's from_orig is the direction as the
    -- tracker knew it then, which a later flip of the originator does not change)
    WHERE p.ip_proto = 6 AND p.tcp_flags & 3 <> 0
      AND p.src_ip = u.src_ip AND p.src_port = u.src_port
), acks AS (
    -- segments whose ACK number some sent SYN or FIN waits for (few of all packets)
    SELECT s.connection, s.capture_id AS s_capture, s.frame AS s_frame, s.ts AS s_ts,
           s.segment, p.flow_id, p.src_ip, p.src_port, p.capture_id, p.frame, p.ts
    FROM sent s JOIN packets p ON CAST(p.tcp_ack AS BIGINT) = s.want_ack
    WHERE p.ip_proto = 6
      AND (p.ts > s.ts OR (p.ts = s.ts AND (p.capture_id > s.capture_id
           OR (p.capture_id = s.capture_id AND p.frame > s.frame))))
)
SELECT a.connection, a.segment, a.s_capture AS capture_id, a.s_frame AS frame,
       a.s_ts AS sent_ts, min(a.ts) AS acked_ts,
       (CAST(min(a.ts) AS BIGINT) - CAST(a.s_ts AS BIGINT)) / 1e9 AS rtt_s
FROM acks a JOIN uvic_flows u
  ON a.flow_id = u.flow_id AND u.connection = a.connection
     AND NOT (a.src_ip = u.src_ip AND a.src_port = u.src_port)
GROUP BY a.connection, a.segment, a.s_capture, a.s_frame, a.s_ts
