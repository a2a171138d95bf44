-- question: Which sites do the clients reach (top N server names: TLS/QUIC SNI, else the HTTP Host), with their flows, bytes, clients and services?
-- source: Issue 10 (NFStream's requested_server_name, Zeek's ssl.log and http.log)
-- section: Applications
-- param: n int 15 1..1000000 names listed
-- chart: bar; x=server_name; y=bytes; ylabel=bytes (both directions)
SELECT server_name,
       count(*) AS flows,
       CAST(sum(orig_wire_bytes + resp_wire_bytes) AS BIGINT) AS bytes,
       count(DISTINCT orig_ip) AS clients,
       count(DISTINCT resp_ip) AS servers,
       array_to_string(array_sort(array_agg(DISTINCT service)), ' ') AS services
FROM flows
WHERE server_name IS NOT NULL
GROUP BY server_name
ORDER BY bytes DESC, flows DESC, server_name
LIMIT $n
