-- question: Which autonomous systems are the hosts in (top N by bytes, with their hosts and packets)? Private and special addresses show as their kind, with no AS number.
-- source: Issue 12 (Aalto 3.2's countries, by network operator)
-- section: Hosts, networks, ports
-- needs: asn
-- param: n int 15 1..1000000 autonomous systems listed
-- chart: bar; x=as_org; y=bytes; ylabel=bytes sent + received
WITH ends AS (
    SELECT src_ip AS host, wire_len FROM packets WHERE src_ip IS NOT NULL
    UNION ALL
    SELECT dst_ip AS host, wire_len FROM packets WHERE dst_ip IS NOT NULL
),
hosts AS (
    SELECT host, sum(wire_len) AS bytes, count(*) AS packets FROM ends GROUP BY host
)
SELECT asn(host) AS asn,
       coalesce(as_org(host), 'unknown') AS as_org,
       count(*) AS hosts,
       CAST(sum(bytes) AS BIGINT) AS bytes,
       CAST(sum(packets) AS BIGINT) AS packets
FROM hosts
GROUP BY 1, 2
ORDER BY bytes DESC, hosts DESC, as_org
LIMIT $n
