-- question: How much traffic comes from and goes to each network prefix of `len` bits (top N of each direction)?
-- source: COMN
-- section: Hosts, networks, ports
-- param: len int 24 0..128 prefix length in bits (8, 16, 24 … for IPv4; up to 128 for IPv6)
-- param: n int 10 1..1000000 prefixes listed per direction
-- chart: bar; x=prefix; y=bytes; series=direction; ylabel=bytes
WITH ends AS (
    SELECT 'source' AS direction, ip_prefix(src_ip, $len) AS prefix, wire_len FROM packets WHERE src_ip IS NOT NULL
    UNION ALL
    SELECT 'destination' AS direction, ip_prefix(dst_ip, $len) AS prefix, wire_len FROM packets WHERE dst_ip IS NOT NULL
), per_prefix AS (
    SELECT direction, prefix, count(*) AS packets, sum(wire_len) AS bytes FROM ends WHERE prefix IS NOT NULL GROUP BY 1, 2
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY direction ORDER BY bytes DESC, prefix) AS rank FROM per_prefix
)
SELECT direction, rank, prefix, packets, bytes
FROM ranked
WHERE rank <= $n
ORDER BY direction DESC, rank
