-- question: Which host pairs have the most flows between them (top N), with their bytes?
-- source: Aalto 2.4
-- section: Flows
-- param: n int 10 1..1000000 pairs listed
-- chart: bar; x=pair; y=flows; ylabel=flows
WITH pairs AS (
    SELECT least(orig_ip, resp_ip) AS host_a, greatest(orig_ip, resp_ip) AS host_b,
           orig_wire_bytes + resp_wire_bytes AS bytes
    FROM flows
)
SELECT host_a, host_b, host_a || ' - ' || host_b AS pair, count(*) AS flows, CAST(sum(bytes) AS BIGINT) AS bytes
FROM pairs
GROUP BY host_a, host_b
ORDER BY flows DESC, bytes DESC, host_a, host_b
LIMIT $n
