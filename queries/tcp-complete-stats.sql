-- question: Over the complete TCP connections (UVic P2): minimum, mean and maximum duration (first packet to last FIN), RTT (a sample for every SYN and FIN the source sent, to the first ACK of it), packets per connection, and receive window (raw header field of every packet, both directions).
-- source: UVic P2 section D
-- section: TCP connections
WITH c AS (
    SELECT * FROM uvic_connections WHERE complete
), rtt AS (
    SELECT r.rtt_s FROM uvic_rtt_samples r JOIN c ON r.connection = c.connection
), stats AS (
    SELECT 1 AS ord, 'duration_s' AS metric, count(*) AS n,
           min(duration_s) AS min, avg(duration_s) AS mean, max(duration_s) AS max
    FROM c
    UNION ALL
    SELECT 2, 'rtt_s', count(*), min(rtt_s), avg(rtt_s), max(rtt_s) FROM rtt
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
