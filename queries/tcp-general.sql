-- question: How many TCP connections are complete, how many were reset, and how many were still open when the capture ended (every connection not complete)?
-- source: UVic P2 section C
-- section: TCP connections
SELECT count(*) AS connections,
       count(*) FILTER (WHERE complete) AS complete,
       count(*) FILTER (WHERE reset) AS reset,
       count(*) FILTER (WHERE open_at_end) AS open_at_end
FROM connections
