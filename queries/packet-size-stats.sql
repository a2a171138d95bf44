-- question: How large are the packets: minimum, mean, median, 90th percentile and maximum frame size (with the quartiles a box plot needs)?
-- source: UChicago 3.2
-- chart: box y=wire_len title=Packet sizes ylabel=bytes
SELECT count(*) AS packets,
       min(wire_len) AS min_bytes,
       percentile_cont(wire_len, 0.25) AS q1_bytes,
       median(wire_len) AS median_bytes,
       avg(wire_len) AS mean_bytes,
       percentile_cont(wire_len, 0.75) AS q3_bytes,
       percentile_cont(wire_len, 0.9) AS p90_bytes,
       max(wire_len) AS max_bytes
FROM packets
