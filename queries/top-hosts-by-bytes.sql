-- question: Which hosts send and receive the most bytes (top N)?
-- source: Aalto 3.3, Blog (n = 20)
-- section: Hosts, networks, ports
-- param: n int 15 1..1000000 hosts listed
-- chart: bar; x=host; y=bytes; ylabel=bytes sent + received
WITH ends AS (
    SELECT src_ip AS host, wire_len AS sent, 0 AS received FROM packets WHERE src_ip IS NOT NULL
    UNION ALL
    SELECT dst_ip AS host, 0 AS sent, wire_len AS received FROM packets WHERE dst_ip IS NOT NULL
)
SELECT host,
       sum(sent + received) AS bytes,
       count(*) AS packets,
       sum(sent) AS bytes_sent,
       sum(received) AS bytes_received
FROM ends
GROUP BY host
ORDER BY bytes DESC, host
LIMIT $n
