-- question: How many TCP connections (one per 4-tuple, as UVic P2 defines it) are complete, how many were reset, and how many were still open when the capture ended (every connection not complete)?
-- source: UVic P2 section C
-- section: TCP connections
SELECT count(*) AS connections,
       count(*) FILTER (WHERE complete) AS complete,
       count(*) FILTER (WHERE reset) AS reset,
       count(*) FILTER (WHERE open_at_end) AS open_at_end
FROM uvic_connections
