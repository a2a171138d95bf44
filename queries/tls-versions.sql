-- question: Which TLS versions do the TLS and QUIC connections use: flows, clients, servers and bytes per version?
-- source: Issue 10 (Zeek's ssl.log `version`)
-- section: Applications
-- chart: bar; x=version; y=flows; ylabel=flows
SELECT tls_version AS version,
       count(*) AS flows,
       count(DISTINCT orig_ip) AS clients,
       count(DISTINCT resp_ip) AS servers,
       CAST(sum(orig_wire_bytes + resp_wire_bytes) AS BIGINT) AS bytes,
       count(*) FILTER (WHERE service LIKE '%quic%') AS over_quic
FROM flows
WHERE tls_version IS NOT NULL
GROUP BY tls_version
ORDER BY flows DESC, version
