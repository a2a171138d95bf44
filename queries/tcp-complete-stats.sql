-- question: Over the complete TCP connections: minimum, mean and maximum duration, RTT (every ACK-matched sample), packets per connection, and receive window (raw header field of every packet, both directions).
-- source: UVic P2 section D
-- section: TCP connections
WITH c AS (
    SELECT * FROM connections WHERE complete
), stats AS (
SELECT 1 AS ord, 'duration_s' AS metric,
       min((CAST(last_ts AS BIGINT) - CAST(first_ts AS BIGINT)) / 1e9) AS min,
       avg((CAST(last_ts AS BIGINT) - CAST(first_ts AS BIGINT)) / 1e9) AS mean,
       max((CAST(last_ts AS BIGINT) - CAST(first_ts AS BIGINT)) / 1e9) AS max
FROM c
UNION ALL
SELECT 2, 'rtt_s', min(rtt_min), sum(rtt_mean * rtt_samples) / sum(rtt_samples), max(rtt_max) FROM c WHERE rtt_samples > 0
UNION ALL
SELECT 3, 'packets', CAST(min(orig_pkts + resp_pkts) AS DOUBLE), avg(orig_pkts + resp_pkts), CAST(max(orig_pkts + resp_pkts) AS DOUBLE) FROM c
UNION ALL
SELECT 4, 'window_bytes', CAST(min(win_raw_min) AS DOUBLE), CAST(sum(win_raw_sum) AS DOUBLE) / sum(orig_pkts + resp_pkts), CAST(max(win_raw_max) AS DOUBLE) FROM c
)
SELECT metric, min, mean, max FROM stats ORDER BY ord
