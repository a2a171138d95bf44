-- question: Which TCP connections moved data fastest (payload bits per second over their duration, top N)?
-- source: Aalto 3.6
-- section: Flows
-- param: n int 10 1..1000000 connections listed
-- chart: bar; x=flow_id; y=bits_per_s; ylabel=throughput (bit/s)
SELECT flow_id, orig_ip, orig_port, resp_ip, resp_port,
       orig_bytes + resp_bytes AS payload_bytes,
       duration AS duration_s,
       (orig_bytes + resp_bytes) * 8 / duration AS bits_per_s
FROM connections
WHERE duration > 0 AND orig_bytes + resp_bytes > 0
ORDER BY bits_per_s DESC, flow_id
LIMIT $n
