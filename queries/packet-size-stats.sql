-- question: How large are the packets: minimum, mean, median, 90th percentile and maximum frame size (with the quartiles a box plot needs)?
-- source: UChicago 3.2
-- section: Capture overview
-- chart: box; min=min_bytes; q1=q1_bytes; median=median_bytes; q3=q3_bytes; max=max_bytes; mean=mean_bytes; xlabel=frame size (bytes)
-- Percentiles interpolate linearly between the closest ranks (numpy's and pandas' default,
-- SQL's percentile_cont), computed from the count of each size: exact, and one pass.
WITH sizes AS (
    SELECT wire_len AS v, count(*) AS c FROM packets GROUP BY wire_len
), cum AS (
    SELECT v, sum(c) OVER (ORDER BY v) AS upto, sum(c) OVER () AS n FROM sizes
), probs AS (
    SELECT p FROM (VALUES (0.25), (0.5), (0.75), (0.9)) AS t(p)
), pos AS (
    SELECT p, p * (n - 1) AS x, floor(p * (n - 1)) AS lo, ceil(p * (n - 1)) AS hi
    FROM probs CROSS JOIN (SELECT max(n) AS n FROM cum) AS total
), ends AS (
    -- The value at 0-based rank r is the smallest size whose running count exceeds r.
    SELECT pos.p, pos.x, pos.lo,
           min(CASE WHEN cum.upto > pos.lo THEN cum.v END) AS lo_v,
           min(CASE WHEN cum.upto > pos.hi THEN cum.v END) AS hi_v
    FROM pos CROSS JOIN cum
    GROUP BY pos.p, pos.x, pos.lo
), q AS (
    SELECT max(CASE WHEN p = 0.25 THEN lo_v + (hi_v - lo_v) * (x - lo) END) AS q1,
           max(CASE WHEN p = 0.5 THEN lo_v + (hi_v - lo_v) * (x - lo) END) AS median,
           max(CASE WHEN p = 0.75 THEN lo_v + (hi_v - lo_v) * (x - lo) END) AS q3,
           max(CASE WHEN p = 0.9 THEN lo_v + (hi_v - lo_v) * (x - lo) END) AS p90
    FROM ends
), totals AS (
    SELECT count(*) AS packets, min(wire_len) AS min_bytes, avg(wire_len) AS mean_bytes, max(wire_len) AS max_bytes
    FROM packets
)
SELECT totals.packets,
       totals.min_bytes,
       CAST(q.q1 AS DOUBLE) AS q1_bytes,
       CAST(q.median AS DOUBLE) AS median_bytes,
       totals.mean_bytes,
       CAST(q.q3 AS DOUBLE) AS q3_bytes,
       CAST(q.p90 AS DOUBLE) AS p90_bytes,
       totals.max_bytes
FROM totals CROSS JOIN q
