-- question: Which hosts send and receive the most packets (top N), and which of them are not among the top N by bytes?
-- source: Aalto 3.4
-- section: Hosts, networks, ports
-- param: n int 15 1..1000000 hosts listed
-- chart: bar; x=host; y=packets; ylabel=packets sent + received
WITH ends AS (
    SELECT src_ip AS host, wire_len FROM packets WHERE src_ip IS NOT NULL
    UNION ALL
    SELECT dst_ip AS host, wire_len FROM packets WHERE dst_ip IS NOT NULL
), per_host AS (
    SELECT host, count(*) AS packets, sum(wire_len) AS bytes FROM ends GROUP BY host
), ranked AS (
    SELECT *,
           row_number() OVER (ORDER BY packets DESC, host) AS rank_by_packets,
           row_number() OVER (ORDER BY bytes DESC, host) AS rank_by_bytes
    FROM per_host
)
SELECT host, packets, bytes, rank_by_bytes, rank_by_bytes <= $n AS in_top_by_bytes
FROM ranked
WHERE rank_by_packets <= $n
ORDER BY rank_by_packets
