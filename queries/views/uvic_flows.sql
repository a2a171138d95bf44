-- view: uvic_flows
-- One row per TCP flow, with the course connection (UVic P2: one connection per 4-tuple,
-- either direction, over the whole trace) it belongs to. Figures are counted from the
-- flow's packets; `orig_is_src` says whether the flow's originator is the connection's
-- source (the sender of the connection's first packet).
WITH per_flow AS (
    SELECT flow_id,
           min(ts) FILTER (WHERE from_orig) AS orig_first_ts,
           min(ts) FILTER (WHERE NOT from_orig) AS resp_first_ts,
           max(ts) FILTER (WHERE tcp_flags & 1 <> 0) AS last_fin_ts,
           count(*) FILTER (WHERE from_orig) AS orig_pkts,
           count(*) FILTER (WHERE NOT from_orig) AS resp_pkts,
           coalesce(sum(payload_len) FILTER (WHERE from_orig), 0) AS orig_data_bytes,
           coalesce(sum(payload_len) FILTER (WHERE NOT from_orig), 0) AS resp_data_bytes,
           count(*) FILTER (WHERE tcp_flags & 2 <> 0) AS syns,
           count(*) FILTER (WHERE tcp_flags & 1 <> 0) AS fins,
           count(*) FILTER (WHERE tcp_flags & 4 <> 0) AS rsts,
           min(tcp_window) AS win_min,
           sum(CAST(tcp_window AS BIGINT)) AS win_sum,
           count(tcp_window) AS win_n,
           max(tcp_window) AS win_max
    FROM packets
    WHERE ip_proto = 6 AND flow_id IS NOT NULL
    GROUP BY flow_id
), keyed AS (
    SELECT f.flow_id, f.orig_ip, f.orig_port, f.resp_ip, f.resp_port, f.first_ts, p.*,
           -- the 4-tuple in a fixed order, whichever side originated the flow
           CASE WHEN f.orig_ip < f.resp_ip OR (f.orig_ip = f.resp_ip AND f.orig_port <= f.resp_port)
                THEN f.orig_ip || ' ' || CAST(f.orig_port AS VARCHAR) || ' ' || f.resp_ip || ' ' || CAST(f.resp_port AS VARCHAR)
                ELSE f.resp_ip || ' ' || CAST(f.resp_port AS VARCHAR) || ' ' || f.orig_ip || ' ' || CAST(f.orig_port AS VARCHAR)
           END AS tuple,
           -- the flow's first packet came from its originator (ties: the originator)
           p.resp_first_ts IS NULL OR p.orig_first_ts <= p.resp_first_ts AS first_from_orig
    FROM flows f JOIN per_flow p ON f.flow_id = p.flow_id
    WHERE f.proto = 'tcp'
), placed AS (
    SELECT k.*,
           min(first_ts) OVER (PARTITION BY tuple) AS conn_first_ts,
           min(flow_id) OVER (PARTITION BY tuple) AS conn_first_flow,
           first_value(CASE WHEN first_from_orig THEN orig_ip ELSE resp_ip END)
               OVER (PARTITION BY tuple ORDER BY first_ts, flow_id) AS src_ip,
           first_value(CASE WHEN first_from_orig THEN orig_port ELSE resp_port END)
               OVER (PARTITION BY tuple ORDER BY first_ts, flow_id) AS src_port
    FROM keyed k
)
SELECT dense_rank() OVER (ORDER BY conn_first_ts, conn_first_flow) AS connection,
       flow_id, tuple, first_ts, last_fin_ts,
       src_ip, src_port,
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN resp_ip ELSE orig_ip END AS dst_ip,
       CASE WHEN orig_ip = src_ip AND orig_port = src_port THEN resp_port ELSE orig_port END AS dst_port,
       orig_ip = src_ip AND orig_port = src_port AS orig_is_src,
       orig_pkts, resp_pkts, orig_data_bytes, resp_data_bytes,
       syns, fins, rsts, win_min, win_sum, win_n, win_max
FROM placed
