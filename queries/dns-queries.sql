-- question: Which names are looked up most in DNS (top N), with their query types, responses and share of NXDOMAIN answers?
-- source: Issue 10 (Zeek's dns.log)
-- section: Applications
-- param: n int 15 1..1000000 names listed
-- chart: bar; x=query; y=queries; ylabel=queries
SELECT query,
       count(*) FILTER (WHERE NOT is_response) AS queries,
       count(*) FILTER (WHERE is_response) AS responses,
       array_to_string(array_sort(array_agg(DISTINCT qtype_name)), ' ') AS types,
       count(*) FILTER (WHERE is_response AND rcode_name = 'NXDOMAIN') AS nxdomain,
       round(CAST(count(*) FILTER (WHERE is_response AND rcode_name = 'NXDOMAIN') AS DOUBLE)
             / nullif(count(*) FILTER (WHERE is_response), 0), 4) AS nxdomain_share,
       count(DISTINCT flow_id) AS flows
FROM dns
WHERE query IS NOT NULL
GROUP BY query
ORDER BY queries DESC, responses DESC, query
LIMIT $n
