-- question: Which source ports open the most flows (top N), with their packets, bytes and usual service?
-- source: Aalto 2.3
-- section: Hosts, networks, ports
-- param: n int 5 1..65536 ports listed
-- chart: bar; x=port; y=flows; ylabel=flows
SELECT proto, orig_port AS port, port_service(orig_port, proto) AS service,
       count(*) AS flows,
       CAST(sum(orig_pkts + resp_pkts) AS BIGINT) AS packets,
       CAST(sum(orig_wire_bytes + resp_wire_bytes) AS BIGINT) AS bytes
FROM flows
WHERE orig_port IS NOT NULL AND proto IN ('tcp', 'udp')
GROUP BY 1, 2
ORDER BY flows DESC, packets DESC, port, proto
LIMIT $n
