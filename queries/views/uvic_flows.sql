-- view: uvic_flows
-- One row per TCP flow, with the course connection (UVic P2: one connection per 4-tuple,
-- either direction, over the whole trace) it belongs to, numbered in the order of the
-- connections' first packets. `orig_is_src` says whether the flow's originator is the
-- connection's source (the sender of the connection's first packet).
WITH keyed AS (
    SELECT flow_id, orig_ip, orig_port, resp_ip, resp_port, first_ts, last_fin_ts,
           orig_pkts, resp_pkts, orig_payload_bytes, resp_payload_bytes,
           syn_count, fin_count, rst_count, win_raw_min, win_raw_sum, win_raw_max,
           orig_syn_fin_rtt_samples, orig_syn_fin_rtt_sum_ns, orig_syn_fin_rtt_min_ns,
           orig_syn_fin_rtt_max_ns, resp_syn_fin_rtt_samples, resp_syn_fin_rtt_sum_ns,
           resp_syn_fin_rtt_min_ns, resp_syn_fin_rtt_max_ns,
           -- the connection key: the Community ID hashes the 4-tuple, either direction
           community_id,
           CASE WHEN first_from_orig THEN orig_ip ELSE resp_ip END AS first_sender_ip,
           CASE WHEN first_from_orig THEN orig_port ELSE resp_port END AS first_sender_port
    FROM flows
    WHERE proto = 'tcp'
), conns AS (
    -- one row per 4-tuple, numbered by its first flow (flow ids follow first packets)
    SELECT community_id, first_flow, row_number() OVER (ORDER BY first_flow) AS connection
    FROM (SELECT community_id, min(flow_id) AS first_flow FROM keyed GROUP BY community_id)
), placed AS (
    -- every flow with its connection, whose source sent the first flow's first packet
    SELECT k.*, c.connection, f.first_sender_ip AS src_ip, f.first_sender_port AS src_port
    FROM keyed k
    JOIN conns c ON k.community_id = c.community_id
    JOIN keyed f ON f.flow_id = c.first_flow
)
SELECT connection,
       flow_id, community_id, first_ts, last_fin_ts, src_ip, src_port,
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN resp_ip ELSE orig_ip END AS dst_ip,
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN resp_port ELSE orig_port END AS dst_port,
       orig_ip = src_ip AND orig_port = src_port AS orig_is_src,
       orig_pkts, resp_pkts,
       orig_payload_bytes AS orig_data_bytes, resp_payload_bytes AS resp_data_bytes,
       syn_count AS syns, fin_count AS fins, rst_count AS rsts,
       win_raw_min AS win_min, win_raw_sum AS win_sum, orig_pkts + resp_pkts AS win_n,
       win_raw_max AS win_max,
       -- the RTT samples of the SYNs and FINs the connection's source sent in this flow
       -- (count; sum, smallest and largest in nanoseconds)
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN orig_syn_fin_rtt_samples
            ELSE resp_syn_fin_rtt_samples END AS rtt_n,
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN orig_syn_fin_rtt_sum_ns
            ELSE resp_syn_fin_rtt_sum_ns END AS rtt_sum_ns,
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN orig_syn_fin_rtt_min_ns
            ELSE resp_syn_fin_rtt_min_ns END AS rtt_min_ns,
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN orig_syn_fin_rtt_max_ns
            ELSE resp_syn_fin_rtt_max_ns END AS rtt_max_ns
FROM placed
