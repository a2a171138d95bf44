-- question: What are the bit rate and the packet rate over time (per bucket, empty buckets as zero)?
-- source: Aalto 3.7
-- section: Capture overview
-- param: bucket enum second second|minute|hour|day width of a time bucket
-- chart: line; x=bucket_start; y=bits_per_s,packets_per_s; ylabel=rate
WITH w AS (
    SELECT CASE $bucket WHEN 'second' THEN 1 WHEN 'minute' THEN 60 WHEN 'hour' THEN 3600 ELSE 86400 END AS width_s
), p AS (
    SELECT CAST(ts AS BIGINT) / (width_s * 1000000000) AS idx, wire_len
    FROM packets, w
), per_bucket AS (
    SELECT idx, count(*) AS packets, sum(wire_len) AS bytes FROM p GROUP BY idx
), span AS (
    -- Every bucket from the first to the last, empty ones included, when that is at most
    -- 1,000,000 buckets; beyond (captures years apart at one-second buckets), only the
    -- buckets that hold packets, so that memory stays bounded.
    SELECT unnest(range(min(idx), CASE WHEN max(idx) - min(idx) < 1000000 THEN max(idx) + 1 ELSE min(idx) END)) AS idx
    FROM per_bucket
    UNION
    SELECT idx FROM per_bucket
)
SELECT to_timestamp_seconds(span.idx * w.width_s) AS bucket_start,
       coalesce(per_bucket.bytes, 0) * 8.0 / w.width_s AS bits_per_s,
       coalesce(per_bucket.packets, 0) * 1.0 / w.width_s AS packets_per_s
FROM span CROSS JOIN w
LEFT JOIN per_bucket ON per_bucket.idx = span.idx
ORDER BY bucket_start
