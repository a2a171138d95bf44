-- question: Which countries are the hosts in (top N countries by bytes, with their hosts and packets)? Private and special addresses show as their kind, not as a country.
-- source: Aalto 3.2
-- section: Hosts, networks, ports
-- needs: geo_country
-- param: n int 15 1..1000000 countries listed
-- chart: bar; x=country; y=bytes; ylabel=bytes sent + received
WITH ends AS (
    SELECT src_ip AS host, wire_len FROM packets WHERE src_ip IS NOT NULL
    UNION ALL
    SELECT dst_ip AS host, wire_len FROM packets WHERE dst_ip IS NOT NULL
),
hosts AS (
    SELECT host, sum(wire_len) AS bytes, count(*) AS packets FROM ends GROUP BY host
)
SELECT coalesce(geo_country(host), 'unknown') AS country,
       count(*) AS hosts,
       CAST(sum(bytes) AS BIGINT) AS bytes,
       CAST(sum(packets) AS BIGINT) AS packets
FROM hosts
GROUP BY 1
ORDER BY bytes DESC, hosts DESC, country
LIMIT $n
