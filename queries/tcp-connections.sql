-- question: For each TCP connection (one per 4-tuple over the whole trace, as UVic P2 defines it): its endpoints and state (S#F#, /R when reset); for complete ones the start, end (last FIN) and duration in seconds since the first frame, packets and data bytes each way and in total.
-- source: UVic P2 section B
-- section: TCP connections
SELECT connection,
       source_address, destination_address, source_port, destination_port,
       status, complete, reset, flows,
       CASE WHEN complete THEN start_s END AS start_s,
       CASE WHEN complete THEN end_s END AS end_s,
       CASE WHEN complete THEN duration_s END AS duration_s,
       CASE WHEN complete THEN packets_src_to_dst END AS packets_src_to_dst,
       CASE WHEN complete THEN packets_dst_to_src END AS packets_dst_to_src,
       CASE WHEN complete THEN packets_total END AS packets_total,
       CASE WHEN complete THEN data_bytes_src_to_dst END AS data_bytes_src_to_dst,
       CASE WHEN complete THEN data_bytes_dst_to_src END AS data_bytes_dst_to_src,
       CASE WHEN complete THEN data_bytes_total END AS data_bytes_total
FROM uvic_connections
ORDER BY connection
