-- question: Which HTTP hosts get the most requests (top N), by method and by status class (2xx…5xx, or no response), with the body bytes sent back?
-- source: Issue 10 (Zeek's http.log)
-- section: Applications
-- param: n int 15 1..1000000 hosts listed
-- chart: bar; x=host; y=requests; ylabel=requests
SELECT coalesce(host, '(no Host header)') AS host,
       count(*) AS requests,
       count(*) FILTER (WHERE method = 'GET') AS get,
       count(*) FILTER (WHERE method = 'POST') AS post,
       count(*) FILTER (WHERE method IS NOT NULL AND method NOT IN ('GET', 'POST')) AS other_methods,
       count(*) FILTER (WHERE status_code BETWEEN 200 AND 299) AS status_2xx,
       count(*) FILTER (WHERE status_code BETWEEN 300 AND 399) AS status_3xx,
       count(*) FILTER (WHERE status_code BETWEEN 400 AND 499) AS status_4xx,
       count(*) FILTER (WHERE status_code BETWEEN 500 AND 599) AS status_5xx,
       count(*) FILTER (WHERE status_code IS NULL) AS no_response,
       CAST(sum(response_body_len) AS BIGINT) AS response_body_bytes
FROM http
GROUP BY 1
ORDER BY requests DESC, host
LIMIT $n
