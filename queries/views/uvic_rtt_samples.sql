-- view: uvic_rtt_samples
-- The UVic P2 RTT samples: one for every SYN and every FIN the connection's source sent,
-- measured to the first later segment from the destination whose ACK number is that
-- segment's sequence number + 1 (mod 2^32). A segment never so acknowledged gives none.
WITH segments AS (
    SELECT u.connection, p.capture_id, p.frame, p.ts, p.tcp_flags, p.tcp_seq, p.tcp_ack,
           p.from_orig = u.orig_is_src AS from_src
    FROM packets p JOIN uvic_flows u ON p.flow_id = u.flow_id
    WHERE p.ip_proto = 6 AND p.tcp_flags IS NOT NULL
), sent AS (
    SELECT connection, capture_id, frame, ts,
           CASE WHEN tcp_flags & 2 <> 0 THEN 'SYN' ELSE 'FIN' END AS segment,
           (CAST(tcp_seq AS BIGINT) + 1) % 4294967296 AS want_ack
    FROM segments
    WHERE from_src AND tcp_flags & 3 <> 0
)
SELECT s.connection, s.segment, s.capture_id, s.frame, s.ts AS sent_ts,
       min(a.ts) AS acked_ts,
       (CAST(min(a.ts) AS BIGINT) - CAST(s.ts AS BIGINT)) / 1e9 AS rtt_s
FROM sent s JOIN segments a
  ON a.connection = s.connection AND CAST(a.tcp_ack AS BIGINT) = s.want_ack
 AND NOT a.from_src
 AND (a.ts > s.ts OR (a.ts = s.ts AND (a.capture_id > s.capture_id
      OR (a.capture_id = s.capture_id AND a.frame > s.frame))))
GROUP BY s.connection, s.segment, s.capture_id, s.frame, s.ts
