-- question: How many distinct IPv4 and IPv6 hosts communicate (appear as source or destination)?
-- source: Aalto 3.1
-- section: Hosts, networks, ports
WITH hosts AS (
    SELECT src_ip AS ip, ip_version FROM packets WHERE src_ip IS NOT NULL
    UNION
    SELECT dst_ip AS ip, ip_version FROM packets WHERE dst_ip IS NOT NULL
)
SELECT count(*) FILTER (WHERE ip_version = 4) AS ipv4_hosts,
       count(*) FILTER (WHERE ip_version = 6) AS ipv6_hosts,
       count(*) AS hosts
FROM hosts
