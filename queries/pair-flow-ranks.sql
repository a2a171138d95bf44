-- question: How many flows do the N most common host pairs have, by rank (for plots on linear and log axes)?
-- source: Aalto 2.5
-- section: Flows
-- param: n int 100 1..1000000 pairs ranked
-- chart: rank; x=rank; y=flows; xlabel=host pair rank; ylabel=flows
WITH pairs AS (
    SELECT least(orig_ip, resp_ip) AS host_a, greatest(orig_ip, resp_ip) AS host_b, count(*) AS flows
    FROM flows
    GROUP BY 1, 2
), ranked AS (
    SELECT *, row_number() OVER (ORDER BY flows DESC, host_a, host_b) AS rank FROM pairs
)
SELECT rank, host_a, host_b, flows
FROM ranked
WHERE rank <= $n
ORDER BY rank
