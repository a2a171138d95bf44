-- question: How are the gaps between consecutive packets distributed (CDF of inter-arrival times, sampled at up to `points` quantiles)?
-- source: UChicago 4
-- section: Capture overview
-- param: points int 1000 10..1000000 largest number of CDF points returned
-- chart: cdf; x=interarrival_s; y=cdf; xlabel=inter-arrival time (s); ylabel=fraction of gaps; log-x
WITH t AS (
    SELECT CAST(ts AS BIGINT) AS t FROM packets
), gaps AS (
    SELECT (t - lag(t) OVER (ORDER BY t)) / 1e9 AS gap_s FROM t
), ranked AS (
    SELECT gap_s,
           row_number() OVER (ORDER BY gap_s) AS rn,
           count(*) OVER () AS n
    FROM gaps
    WHERE gap_s IS NOT NULL
)
SELECT gap_s AS interarrival_s, CAST(rn AS DOUBLE) / n AS cdf
FROM ranked
WHERE rn = 1 OR rn = n OR rn % greatest(1, n / $points) = 0
ORDER BY rn
