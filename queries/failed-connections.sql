-- question: Which hosts were contacted but the communication failed, by kind: SYN unanswered, rejected by RST, reset during the handshake, ICMP unreachable (by code), DNS error (by response code)?
-- source: Aalto 3.8
-- section: Flows
-- chart: bar; x=subclass; y=attempts; ylabel=failed attempts
WITH tcp AS (
    SELECT CASE conn_state
               WHEN 'S0' THEN 'tcp: no answer to SYN'
               WHEN 'REJ' THEN 'tcp: rejected (RST)'
               ELSE 'tcp: reset in handshake' END AS subclass,
           resp_ip AS host, resp_port AS port, 'tcp' AS proto, first_ts
    FROM connections
    WHERE conn_state IN ('S0', 'REJ', 'RSTOS0', 'RSTRH', 'SH', 'SHR')
), unreachable AS (
    SELECT 'icmp unreachable: ' ||
               CASE WHEN ip_version = 4 THEN
                   CASE split_part(icmp_error, '/', 2) WHEN '0' THEN 'net' WHEN '1' THEN 'host' WHEN '2' THEN 'protocol'
                        WHEN '3' THEN 'port' WHEN '9' THEN 'net prohibited' WHEN '10' THEN 'host prohibited'
                        WHEN '13' THEN 'administratively prohibited' ELSE 'code ' || split_part(icmp_error, '/', 2) END
               ELSE
                   CASE split_part(icmp_error, '/', 2) WHEN '0' THEN 'no route' WHEN '1' THEN 'administratively prohibited'
                        WHEN '3' THEN 'address' WHEN '4' THEN 'port' ELSE 'code ' || split_part(icmp_error, '/', 2) END
               END AS subclass,
           resp_ip AS host, resp_port AS port, proto, first_ts
    FROM flows
    WHERE (ip_version = 4 AND icmp_error LIKE '3/%') OR (ip_version = 6 AND icmp_error LIKE '1/%')
), dns AS (
    SELECT 'dns error: ' || d.rcode_name AS subclass,
           CASE WHEN d.from_orig THEN f.orig_ip ELSE f.resp_ip END AS host,
           CASE WHEN d.from_orig THEN f.orig_port ELSE f.resp_port END AS port,
           d.transport AS proto, d.ts AS first_ts
    FROM dns d JOIN flows f ON d.flow_id = f.flow_id
    WHERE d.is_response AND d.rcode > 0
), failures AS (
    SELECT * FROM tcp UNION ALL SELECT * FROM unreachable UNION ALL SELECT * FROM dns
)
SELECT subclass, host, port, proto, count(*) AS attempts, min(first_ts) AS first_seen
FROM failures
GROUP BY 1, 2, 3, 4
ORDER BY subclass, attempts DESC, host, port, proto
