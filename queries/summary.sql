-- question: What does the capture hold: packets, bytes, first and last time, duration, mean packet size, byte, bit and packet rates (what capinfos prints)?
-- source: UChicago 2.1-2.2, Aalto 3.7
-- section: Capture overview
WITH c AS (
    SELECT count(*) AS captures,
           sum(frames) AS packets,
           sum(wire_bytes) AS bytes,
           sum(captured_bytes) AS captured_bytes,
           min(first_ts) AS first_ts,
           max(last_ts) AS last_ts
    FROM captures
), d AS (
    SELECT *, (CAST(last_ts AS BIGINT) - CAST(first_ts AS BIGINT)) / 1e9 AS duration_s FROM c
)
SELECT captures,
       packets,
       bytes,
       captured_bytes,
       first_ts,
       last_ts,
       duration_s,
       CASE WHEN packets > 0 THEN CAST(bytes AS DOUBLE) / packets END AS mean_packet_bytes,
       CASE WHEN duration_s > 0 THEN bytes / duration_s ELSE 0 END AS bytes_per_s,
       CASE WHEN duration_s > 0 THEN bytes * 8 / duration_s ELSE 0 END AS bits_per_s,
       CASE WHEN duration_s > 0 THEN packets / duration_s ELSE 0 END AS packets_per_s
FROM d
