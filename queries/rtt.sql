-- question: What is the round-trip time of each TCP connection: from the handshake, and from ACK-matched data samples (Karn's rule)?
-- source: UChicago 2.3
-- section: TCP connections
-- chart: bar; x=flow_id; y=handshake_rtt,rtt_mean; ylabel=seconds
SELECT flow_id, orig_ip, orig_port, resp_ip, resp_port,
       handshake_rtt, handshake_rtt_server, handshake_rtt_client,
       rtt_samples, rtt_min, rtt_mean, rtt_max
FROM connections
WHERE handshake_rtt IS NOT NULL OR rtt_samples > 0
ORDER BY flow_id
