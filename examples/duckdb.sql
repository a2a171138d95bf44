-- A pcapq dataset used straight from DuckDB: no import step, the Parquet files are the
-- tables. Make the dataset, then run this from the directory that holds ds/:
--
--   pcapq convert examples/example.pcap -o ds
--   duckdb -c ".read examples/duckdb.sql"
--   python3 -c "import duckdb; duckdb.execute(open('examples/duckdb.sql').read())"   # runs it; shows only the last result
--
-- Columns are described by `pcapq schema`; timestamps are UTC with nanosecond resolution.

CREATE OR REPLACE VIEW packets  AS FROM 'ds/packets.parquet';
CREATE OR REPLACE VIEW flows    AS FROM 'ds/flows.parquet';
CREATE OR REPLACE VIEW captures AS FROM 'ds/captures.parquet';

-- What was captured: frames, bytes and time range of each input.
SELECT path, format, link_types, frames, wire_bytes,
       timezone('UTC', first_ts) AS first_utc, timezone('UTC', last_ts) AS last_utc
FROM captures;

-- Top hosts by bytes sent + received (what `pcapq query top-hosts-by-bytes` answers).
-- UNPIVOT turns each packet into two rows, one per address, and drops missing addresses
-- (ARP and other non-IP frames).
SELECT host,
       sum(wire_len)                                        AS bytes,
       count(*)                                             AS packets,
       coalesce(sum(wire_len) FILTER (dir = 'sent'), 0)     AS bytes_sent,
       coalesce(sum(wire_len) FILTER (dir = 'received'), 0) AS bytes_received
FROM (UNPIVOT (SELECT src_ip, dst_ip, wire_len FROM packets)
      ON src_ip AS sent, dst_ip AS received INTO NAME dir VALUE host)
GROUP BY ALL
ORDER BY bytes DESC, host
LIMIT 10;

-- Flows by Zeek conn_state (SF normal close, S0 no answer, REJ rejected, RSTO/RSTR reset,
-- OTH no handshake seen, …) and transport, with their share of all flows.
SELECT proto, conn_state,
       count(*)                                              AS flows,
       round(100 * count(*) / sum(count(*)) OVER (), 1)      AS pct_flows,
       sum(orig_wire_bytes + resp_wire_bytes)                AS bytes
FROM flows
GROUP BY ALL
ORDER BY flows DESC, proto, conn_state;

-- Traffic per minute: time_bucket on the packet time (in UTC), with minutes that saw no
-- packet filled in as zero by a range of buckets, so gaps stay visible.
WITH per_minute AS (
    SELECT time_bucket(INTERVAL 1 MINUTE, timezone('UTC', ts)) AS minute,
           count(*) AS packets, sum(wire_len) AS bytes
    FROM packets
    GROUP BY ALL
), minutes AS (
    SELECT unnest(range(min(minute), max(minute) + INTERVAL 1 MINUTE, INTERVAL 1 MINUTE)) AS minute
    FROM per_minute
)
SELECT minute,
       coalesce(packets, 0)                         AS packets,
       coalesce(bytes, 0)                           AS bytes,
       round(coalesce(bytes, 0) * 8 / 60 / 1e6, 3)  AS avg_mbit_per_s
FROM minutes LEFT JOIN per_minute USING (minute)
ORDER BY minute;

-- TCP connection states the UVic way: S#F# is the exact SYN and FIN count, /R marks a
-- reset. Complete = at least one SYN and one FIN; every other connection was still open
-- when the capture ended (`pcapq query tcp-general` gives the totals).
SELECT state,
       count(*)                                   AS connections,
       bool_and(complete)                         AS complete,
       bool_or(reset)                             AS reset,
       round(avg(duration), 3)                    AS mean_duration_s,
       sum(orig_pkts + resp_pkts)                 AS packets
FROM flows
WHERE proto = 'tcp'
GROUP BY state
ORDER BY connections DESC, state;

-- And the totals, from the same S#F# text with a regular expression.
SELECT count(*)                                               AS connections,
       count(*) FILTER (s.syn::INT > 0 AND s.fin::INT > 0)    AS complete,
       count(*) FILTER (s.rst = '/R')                         AS reset,
       count(*) FILTER (NOT (s.syn::INT > 0 AND s.fin::INT > 0)) AS open_at_end
FROM (SELECT regexp_extract(state, '^S(\d+)F(\d+)(/R)?$', ['syn', 'fin', 'rst']) AS s
      FROM flows WHERE proto = 'tcp');
