-- question: How many segments were retransmitted (lost or resent), per TCP connection and in total?
-- source: UChicago 2.4
-- section: TCP connections
-- chart: bar; x=flow_id; y=retransmissions; ylabel=retransmitted segments
WITH per_connection AS (
    SELECT flow_id, orig_ip, orig_port, resp_ip, resp_port,
           orig_pkts + resp_pkts AS packets, retransmissions, orig_retransmissions, resp_retransmissions
    FROM connections
    WHERE retransmissions > 0
)
SELECT CAST(NULL AS BIGINT) AS flow_id, 'all connections' AS orig_ip, CAST(NULL AS INT) AS orig_port,
       CAST(NULL AS VARCHAR) AS resp_ip, CAST(NULL AS INT) AS resp_port,
       CAST(sum(orig_pkts + resp_pkts) AS BIGINT) AS packets,
       CAST(sum(retransmissions) AS BIGINT) AS retransmissions,
       CAST(sum(orig_retransmissions) AS BIGINT) AS orig_retransmissions,
       CAST(sum(resp_retransmissions) AS BIGINT) AS resp_retransmissions
FROM connections
UNION ALL
SELECT CAST(flow_id AS BIGINT), orig_ip, CAST(orig_port AS INT), resp_ip, CAST(resp_port AS INT),
       CAST(packets AS BIGINT), CAST(retransmissions AS BIGINT), CAST(orig_retransmissions AS BIGINT), CAST(resp_retransmissions AS BIGINT)
FROM per_connection
ORDER BY flow_id NULLS FIRST
