-- question: How much traffic comes from and goes to each network prefix of `len` bits (top N of each direction)?
-- source: COMN
-- section: Hosts, networks, ports
-- param: len int 24 0..128 prefix length in bits (8, 16, 24 … for IPv4; up to 128 for IPv6)
-- param: n int 10 1..1000000 prefixes listed per direction
-- chart: bar; x=prefix; y=bytes; series=direction; ylabel=bytes
WITH hosts AS (
    -- Add up per address first (few distinct addresses, many packets), then per prefix.
    SELECT 'source' AS direction, src_ip AS ip, count(*) AS packets, sum(wire_len) AS bytes
    FROM packets WHERE src_ip IS NOT NULL GROUP BY src_ip
    UNION ALL
    SELECT 'destination' AS direction, dst_ip AS ip, count(*) AS packets, sum(wire_len) AS bytes
    FROM packets WHERE dst_ip IS NOT NULL GROUP BY dst_ip
), ends AS (
    SELECT direction, ip_prefix(ip, $len) AS prefix, packets, bytes FROM hosts
), per_prefix AS (
    SELECT direction, prefix, sum(packets) AS packets, sum(bytes) AS bytes FROM ends GROUP BY 1, 2
), ranked AS (
    -- Addresses with no prefix of this length (IPv4 past /32) rank last and are dropped
    -- after ranking: a filter on `prefix` before it would be pushed down to every packet.
    SELECT *, row_number() OVER (PARTITION BY direction ORDER BY prefix IS NULL, bytes DESC, prefix) AS rank
    FROM per_prefix
)
SELECT direction, rank, prefix, packets, bytes
FROM ranked
WHERE rank <= $n AND prefix IS NOT NULL
ORDER BY direction DESC, rank
