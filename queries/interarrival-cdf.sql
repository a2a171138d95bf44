-- question: How are the gaps between consecutive packets distributed (CDF of inter-arrival times)?
-- source: UChicago 4
-- section: Capture overview
-- param: points int 1000 10..1000000 resolution: a point at each distinct gap where the CDF passes a multiple of 1/points, plus the first and last
-- chart: cdf; x=interarrival_s; y=cdf; xlabel=inter-arrival time (s); ylabel=fraction of gaps; log-x
WITH t AS (
    SELECT CAST(ts AS BIGINT) AS t FROM packets
), gaps AS (
    SELECT t - lag(t) OVER (ORDER BY t) AS gap FROM t
), per_gap AS (
    -- Captures repeat the same few gaps (whole microseconds): count each value once
    -- rather than sorting every gap.
    SELECT gap, count(*) AS c FROM gaps WHERE gap IS NOT NULL GROUP BY gap
), cum AS (
    SELECT gap, c,
           sum(c) OVER (ORDER BY gap ROWS UNBOUNDED PRECEDING) AS cum,
           sum(c) OVER () AS n
    FROM per_gap
)
-- Each distinct gap where the CDF crosses a multiple of n / points, and the first and last.
SELECT gap / 1e9 AS interarrival_s, CAST(cum AS DOUBLE) / n AS cdf
FROM cum
WHERE cum = c OR cum = n
   OR cum / greatest(1, n / $points) <> (cum - c) / greatest(1, n / $points)
ORDER BY gap
