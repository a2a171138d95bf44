-- question: For each TCP connection: its endpoints and state (S#F#, /R when reset); for complete ones the start, end and duration (seconds since the first frame), packets and data bytes each way and in total.
-- source: UVic P2 section B
-- section: TCP connections
WITH t0 AS (
    SELECT min(first_ts) AS start FROM captures
)
SELECT row_number() OVER (ORDER BY c.flow_id) AS connection,
       c.flow_id,
       c.orig_ip AS source_address,
       c.resp_ip AS destination_address,
       c.orig_port AS source_port,
       c.resp_port AS destination_port,
       c.state AS status,
       c.complete,
       c.reset,
       CASE WHEN c.complete THEN (CAST(c.first_ts AS BIGINT) - CAST(t0.start AS BIGINT)) / 1e9 END AS start_s,
       CASE WHEN c.complete THEN (CAST(c.last_ts AS BIGINT) - CAST(t0.start AS BIGINT)) / 1e9 END AS end_s,
       CASE WHEN c.complete THEN (CAST(c.last_ts AS BIGINT) - CAST(c.first_ts AS BIGINT)) / 1e9 END AS duration_s,
       CASE WHEN c.complete THEN c.orig_pkts END AS packets_src_to_dst,
       CASE WHEN c.complete THEN c.resp_pkts END AS packets_dst_to_src,
       CASE WHEN c.complete THEN c.orig_pkts + c.resp_pkts END AS packets_total,
       CASE WHEN c.complete THEN c.orig_payload_bytes END AS data_bytes_src_to_dst,
       CASE WHEN c.complete THEN c.resp_payload_bytes END AS data_bytes_dst_to_src,
       CASE WHEN c.complete THEN c.orig_payload_bytes + c.resp_payload_bytes END AS data_bytes_total
FROM connections c CROSS JOIN t0
ORDER BY c.flow_id
