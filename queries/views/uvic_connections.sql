-- view: uvic_connections
-- One row per TCP connection as the UVic P2 assignment defines it: a 4-tuple (addresses
-- and ports, either direction) over the whole trace, however often it opened, closed or
-- reset; `flows` says how many flows (Zeek's identity) it spans. Numbered in the order of
-- the first packet; the source is the sender of that packet. Complete = at least one SYN
-- and one FIN; the end is the last segment carrying FIN, in either direction.
-- Times: seconds since the first frame of the capture. `rtt_*` summarise the source's
-- SYN/FIN RTT samples (the rows of `uvic_rtt_samples`): count; sum, smallest and largest
-- in nanoseconds.
WITH t0 AS (
    -- the first frame of the capture (of the earliest input when several are merged)
    SELECT min(ts) AS start FROM packets WHERE frame = 1
), c AS (
    SELECT connection,
           min(src_ip) AS source_address,
           min(dst_ip) AS destination_address,
           min(src_port) AS source_port,
           min(dst_port) AS destination_port,
           count(*) AS flows,
           sum(syns) AS syn_count,
           sum(fins) AS fin_count,
           sum(rsts) AS rst_count,
           min(first_ts) AS first_ts,
           max(last_fin_ts) AS last_fin_ts,
           sum(CASE WHEN orig_is_src THEN orig_pkts ELSE resp_pkts END) AS packets_src_to_dst,
           sum(CASE WHEN orig_is_src THEN resp_pkts ELSE orig_pkts END) AS packets_dst_to_src,
           sum(CASE WHEN orig_is_src THEN orig_data_bytes ELSE resp_data_bytes END) AS data_bytes_src_to_dst,
           sum(CASE WHEN orig_is_src THEN resp_data_bytes ELSE orig_data_bytes END) AS data_bytes_dst_to_src,
           min(win_min) AS win_min,
           sum(win_sum) AS win_sum,
           sum(win_n) AS win_n,
           max(win_max) AS win_max,
           sum(rtt_n) AS rtt_n,
           sum(rtt_sum_ns) AS rtt_sum_ns,
           min(rtt_min_ns) AS rtt_min_ns,
           max(rtt_max_ns) AS rtt_max_ns
    FROM uvic_flows
    GROUP BY connection
)
SELECT connection, source_address, destination_address, source_port, destination_port,
       'S' || CAST(syn_count AS VARCHAR) || 'F' || CAST(fin_count AS VARCHAR)
           || CASE WHEN rst_count > 0 THEN '/R' ELSE '' END AS status,
       syn_count > 0 AND fin_count > 0 AS complete,
       rst_count > 0 AS reset,
       NOT (syn_count > 0 AND fin_count > 0) AS open_at_end,
       syn_count, fin_count, rst_count, flows,
       first_ts, last_fin_ts,
       (CAST(first_ts AS BIGINT) - CAST(t0.start AS BIGINT)) / 1e9 AS start_s,
       (CAST(last_fin_ts AS BIGINT) - CAST(t0.start AS BIGINT)) / 1e9 AS end_s,
       (CAST(last_fin_ts AS BIGINT) - CAST(first_ts AS BIGINT)) / 1e9 AS duration_s,
       packets_src_to_dst, packets_dst_to_src, packets_src_to_dst + packets_dst_to_src AS packets_total,
       data_bytes_src_to_dst, data_bytes_dst_to_src, data_bytes_src_to_dst + data_bytes_dst_to_src AS data_bytes_total,
       win_min, win_sum, win_n, win_max,
       rtt_n, rtt_sum_ns, rtt_min_ns, rtt_max_ns
FROM c CROSS JOIN t0
