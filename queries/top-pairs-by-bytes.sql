-- question: Which host pairs exchange the most bytes (top N), with their flows, and are they the pairs with the most flows?
-- source: Aalto 2.4
-- section: Flows
-- param: n int 10 1..1000000 pairs listed
-- chart: bar; x=pair; y=bytes; ylabel=bytes
WITH pairs AS (
    SELECT least(orig_ip, resp_ip) AS host_a, greatest(orig_ip, resp_ip) AS host_b,
           count(*) AS flows, CAST(sum(orig_wire_bytes + resp_wire_bytes) AS BIGINT) AS bytes
    FROM flows
    GROUP BY 1, 2
), ranked AS (
    SELECT *,
           row_number() OVER (ORDER BY bytes DESC, flows DESC, host_a, host_b) AS rank_by_bytes,
           row_number() OVER (ORDER BY flows DESC, bytes DESC, host_a, host_b) AS rank_by_flows
    FROM pairs
)
SELECT host_a, host_b, host_a || ' - ' || host_b AS pair, bytes, flows, rank_by_flows, rank_by_flows <= $n AS in_top_by_flows
FROM ranked
WHERE rank_by_bytes <= $n
ORDER BY rank_by_bytes
