-- question: Which protocols carry the traffic: packets, bytes and flows per network, transport and application protocol (recognised from the payload), and per protocol stack as tshark's frame.protocols writes it, top N of each?
-- source: Aalto 2.3, COMN
-- section: Capture overview
-- param: n int 10 1..1000 protocols listed per level
-- chart: bar; x=protocol; y=bytes; series=level; ylabel=bytes
WITH network AS (
    SELECT 'network' AS level,
           CASE ip_version WHEN 4 THEN 'ipv4' WHEN 6 THEN 'ipv6'
                ELSE CASE eth_type WHEN 2054 THEN 'arp' WHEN 35020 THEN 'lldp' WHEN 34958 THEN 'eapol'
                                   WHEN 35085 THEN 'fcoe' WHEN 34887 THEN 'mpls' WHEN 36864 THEN 'loopback'
                                   ELSE coalesce('ethertype-' || CAST(eth_type AS VARCHAR), 'other') END END AS protocol,
           count(*) AS packets, sum(wire_len) AS bytes, count(DISTINCT flow_id) AS flows
    FROM packets GROUP BY 2
), transport AS (
    SELECT 'transport' AS level,
           CASE ip_proto WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp' WHEN 1 THEN 'icmp' WHEN 58 THEN 'icmpv6'
                WHEN 132 THEN 'sctp' WHEN 47 THEN 'gre' WHEN 50 THEN 'esp' WHEN 2 THEN 'igmp'
                ELSE 'ip-' || CAST(ip_proto AS VARCHAR) END AS protocol,
           count(*) AS packets, sum(wire_len) AS bytes, count(DISTINCT flow_id) AS flows
    FROM packets WHERE ip_proto IS NOT NULL GROUP BY 2
), application AS (
    SELECT 'application' AS level,
           proto || '/' || coalesce(service, 'unknown') AS protocol,
           CAST(sum(orig_pkts + resp_pkts) AS BIGINT) AS packets,
           CAST(sum(orig_wire_bytes + resp_wire_bytes) AS BIGINT) AS bytes,
           count(*) AS flows
    FROM flows GROUP BY 2
), link AS (
    -- tshark's name of the link layer, when every capture has the same one.
    SELECT CASE WHEN count(DISTINCT link_types) = 1 THEN
               CASE min(link_types) WHEN 'ether' THEN 'eth:ethertype:' WHEN 'linux-sll' THEN 'sll:ethertype:'
                    WHEN 'linux-sll2' THEN 'sll:ethertype:' WHEN 'rawip' THEN 'raw:' WHEN 'rawip4' THEN 'raw:' WHEN 'rawip6' THEN 'raw:' WHEN 'null' THEN 'null:'
                    WHEN 'loop' THEN 'null:' ELSE '' END
           ELSE '' END AS prefix
    FROM captures
), carriers AS (
    -- The layers a tunnel adds in front of the flows it carried, as tshark names them
    -- (`ip:udp:vxlan:eth:ethertype:`, `ip:gre:`, `ip:` for IP in IP), by Community ID.
    SELECT community_id,
           min(CASE ip_version WHEN 6 THEN 'ipv6' ELSE 'ip' END || ':' ||
               CASE WHEN ip_proto IN (4, 41) THEN '' ELSE proto || ':' END ||
               CASE split_part(service, ',', 1)
                    WHEN 'vxlan' THEN 'vxlan:eth:ethertype:' WHEN 'geneve' THEN 'geneve:eth:ethertype:'
                    WHEN 'gtpv1' THEN 'gtp:' WHEN 'teredo' THEN 'teredo:' WHEN 'ayiya' THEN 'ayiya:'
                    ELSE '' END) AS layers
    FROM flows
    WHERE community_id IN (SELECT tunnel_parents[1] FROM flows WHERE tunnel_parents IS NOT NULL)
    GROUP BY community_id
), stack AS (
    SELECT 'stack' AS level,
           (SELECT prefix FROM link) || coalesce(c.layers, '') ||
           CASE f.ip_version WHEN 6 THEN 'ipv6' ELSE 'ip' END || ':' ||
           CASE WHEN f.proto = 'icmp' AND f.ip_version = 6 THEN 'icmpv6' ELSE f.proto END ||
           coalesce(':' || CASE split_part(f.service, ',', 1) WHEN 'ssl' THEN 'tls' WHEN 'gtpv1' THEN 'gtp' ELSE split_part(f.service, ',', 1) END, '') AS protocol,
           CAST(sum(f.orig_pkts + f.resp_pkts) AS BIGINT) AS packets,
           CAST(sum(f.orig_wire_bytes + f.resp_wire_bytes) AS BIGINT) AS bytes,
           count(*) AS flows
    FROM flows f LEFT JOIN carriers c ON c.community_id = f.tunnel_parents[1]
    GROUP BY 2
), levels AS (
    SELECT level, protocol, CAST(packets AS BIGINT) AS packets, CAST(bytes AS BIGINT) AS bytes, flows FROM network
    UNION ALL SELECT level, protocol, CAST(packets AS BIGINT), CAST(bytes AS BIGINT), flows FROM transport
    UNION ALL SELECT level, protocol, packets, bytes, flows FROM application
    UNION ALL SELECT level, protocol, packets, bytes, flows FROM stack
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY level ORDER BY bytes DESC, protocol) AS rank FROM levels
)
SELECT level, rank, protocol, packets, bytes, flows
FROM ranked
WHERE rank <= $n
ORDER BY CASE level WHEN 'network' THEN 1 WHEN 'transport' THEN 2 WHEN 'application' THEN 3 ELSE 4 END, rank
