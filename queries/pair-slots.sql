-- question: Counting flows per host pair in a fixed array of hash slots (2^16 by default), which slots are fullest and how many pairs collide in them?
-- source: Aalto 2.6
-- section: Flows
-- param: slots int 65536 1..16777216 number of hash slots
-- param: n int 100 1..1000000 slots listed
-- chart: rank; x=rank; y=flows; xlabel=slot rank; ylabel=flows
WITH pairs AS (
    SELECT least(orig_ip, resp_ip) || ' ' || greatest(orig_ip, resp_ip) AS pair, count(*) AS flows
    FROM flows
    GROUP BY 1
), slotted AS (
    SELECT hash_slot(pair, $slots) AS slot, flows, pair FROM pairs
), per_slot AS (
    SELECT slot, CAST(sum(flows) AS BIGINT) AS flows, count(*) AS pairs FROM slotted GROUP BY slot
), ranked AS (
    SELECT *, row_number() OVER (ORDER BY flows DESC, slot) AS rank FROM per_slot
)
SELECT rank, slot, flows, pairs, pairs - 1 AS collisions
FROM ranked
WHERE rank <= $n
ORDER BY rank
