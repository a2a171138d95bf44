-- question: How are packet sizes distributed: the fraction of packets of each size (PDF) and of each size or smaller (CDF)?
-- source: UChicago 4, Blog
-- section: Capture overview
-- chart: cdf; x=size_bytes; y=cdf; xlabel=frame size (bytes); ylabel=fraction of packets
SELECT wire_len AS size_bytes,
       count(*) AS packets,
       CAST(count(*) AS DOUBLE) / sum(count(*)) OVER () AS fraction,
       CAST(sum(count(*)) OVER (ORDER BY wire_len) AS DOUBLE) / sum(count(*)) OVER () AS cdf
FROM packets
GROUP BY wire_len
ORDER BY wire_len
