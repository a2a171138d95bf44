-- question: How many flows are there, and how large are they: minimum, median, mean and maximum flow size in bytes and in packets?
-- source: Aalto 2.1
-- section: Flows
WITH f AS (
    SELECT orig_wire_bytes + resp_wire_bytes AS bytes, orig_pkts + resp_pkts AS packets FROM flows
)
SELECT count(*) AS flows,
       min(bytes) AS min_bytes, median(bytes) AS median_bytes, avg(bytes) AS mean_bytes, max(bytes) AS max_bytes,
       min(packets) AS min_packets, median(packets) AS median_packets, avg(packets) AS mean_packets, max(packets) AS max_packets
FROM f
