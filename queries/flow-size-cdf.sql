-- question: How are flow sizes distributed, in bytes and in packets (CDF)?
-- source: Aalto 2.2
-- section: Flows
-- chart: cdf; x=size; y=cdf; series=metric; xlabel=flow size (bytes, packets); ylabel=fraction of flows; log-x
WITH sizes AS (
    SELECT 'bytes' AS metric, CAST(orig_wire_bytes + resp_wire_bytes AS BIGINT) AS size FROM flows
    UNION ALL
    SELECT 'packets' AS metric, CAST(orig_pkts + resp_pkts AS BIGINT) AS size FROM flows
), counted AS (
    SELECT metric, size, count(*) AS flows FROM sizes GROUP BY 1, 2
)
SELECT metric, size, flows,
       CAST(sum(flows) OVER (PARTITION BY metric ORDER BY size) AS DOUBLE) / sum(flows) OVER (PARTITION BY metric) AS cdf
FROM counted
ORDER BY metric, size
