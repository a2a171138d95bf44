-- question: How much traffic is there per time bucket (bytes and packets), with empty buckets shown as zero so gaps between capture files are visible?
-- source: Blog, Aalto 2.2
-- section: Capture overview
-- param: bucket enum minute second|minute|hour|day width of a time bucket
-- chart: line; x=bucket_start; y=bytes,packets; ylabel=per bucket
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
       coalesce(per_bucket.bytes, 0) AS bytes,
       coalesce(per_bucket.packets, 0) AS packets
FROM span CROSS JOIN w
LEFT JOIN per_bucket ON per_bucket.idx = span.idx
ORDER BY bucket_start
