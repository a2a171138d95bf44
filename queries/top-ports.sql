-- question: Which server ports carry the most packets: the top TCP and top UDP ports (a flow's port is its responder's)?
-- source: Aalto 3.5
-- section: Hosts, networks, ports
-- param: tcp int 10 0..65536 TCP ports listed
-- param: udp int 5 0..65536 UDP ports listed
-- chart: bar; x=port; y=packets; series=proto; ylabel=packets
WITH per_port AS (
    SELECT proto, resp_port AS port,
           CAST(sum(orig_pkts + resp_pkts) AS BIGINT) AS packets,
           CAST(sum(orig_wire_bytes + resp_wire_bytes) AS BIGINT) AS bytes,
           count(*) AS flows
    FROM flows
    WHERE proto IN ('tcp', 'udp')
    GROUP BY 1, 2
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY proto ORDER BY packets DESC, port) AS rank FROM per_port
)
SELECT proto, rank, port, port_service(port, proto) AS service, packets, bytes, flows
FROM ranked
WHERE (proto = 'tcp' AND rank <= $tcp) OR (proto = 'udp' AND rank <= $udp)
ORDER BY proto, rank
