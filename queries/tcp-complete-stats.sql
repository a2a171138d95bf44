-- question: Over the complete TCP connections (UVic P2): minimum, mean and maximum duration (first packet to last FIN), RTT (a sample for every SYN and FIN the source sent, to the first ACK of it), packets per connection, and receive window (raw header field of every packet, both directions).
-- source: UVic P2 section D
-- section: TCP connections
WITH c AS (
    SELECT * FROM uvic_connections WHERE complete
), stats AS (
    SELECT 1 AS ord, 'duration_s' AS metric, count(*) AS n,
           min(duration_s) AS min, avg(duration_s) AS mean, max(duration_s) AS max
    FROM c
    UNION ALL
    -- the samples, as the tracker summarised them per flow (`uvic_rtt_samples` lists them)
    SELECT 2, 'rtt_s', CAST(coalesce(sum(rtt_n), 0) AS BIGINT), min(rtt_min_ns) / 1e9,
           CAST(sum(rtt_sum_ns) AS DOUBLE) / sum(rtt_n) / 1e9, max(rtt_max_ns) / 1e9
    FROM c
    UNION ALL
    SELECT 3, 'packets', count(*), CAST(min(packets_total) AS DOUBLE), avg(packets_total),
           CAST(max(packets_total) AS DOUBLE)
    FROM c
    UNION ALL
    SELECT 4, 'window_bytes', sum(win_n), CAST(min(win_min) AS DOUBLE),
           CAST(sum(win_sum) AS DOUBLE) / sum(win_n), CAST(max(win_max) AS DOUBLE)
    FROM c
)
SELECT metric, n, min, mean, max FROM stats ORDER BY ord
