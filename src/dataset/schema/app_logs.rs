//! The application tables' columns: `dns` and `http`, after Zeek's dns.log and http.log.

use super::ColType::*;
use super::{TableDef, col, req};

/// `dns`: one row per DNS message.
pub const DNS: TableDef = TableDef {
    name: "dns",
    doc: "One row per DNS message (query or response) over UDP or TCP, on any port where the payload parses as DNS (mDNS and LLMNR included); Zeek dns.log names where the meaning matches.",
    columns: &[
        req("ts", TsNs, "Time of the packet that completed the message."),
        req("flow_id", U64, "Flow that carried it (`flows.flow_id`)."),
        req(
            "from_orig",
            Bool,
            "Whether it travelled from the flow's originator.",
        ),
        req("transport", Str, "`udp` or `tcp` (length-prefixed)."),
        req("trans_id", U16, "DNS transaction id."),
        req("is_response", Bool, "The QR bit: a response."),
        req("opcode", U8, "OPCODE (0: standard query)."),
        req("rcode", U8, "RCODE of the header."),
        req(
            "rcode_name",
            Str,
            "RCODE as Zeek names it (`NOERROR`, `NXDOMAIN`, `SERVFAIL`, …).",
        ),
        req("aa", Bool, "Authoritative answer flag."),
        req("tc", Bool, "Truncation flag."),
        req("rd", Bool, "Recursion desired flag."),
        req("ra", Bool, "Recursion available flag."),
        req("z", U8, "The Z bits."),
        col(
            "query",
            Str,
            "Name asked (with several questions, the last, as Zeek logs it); for a response \
             without a question (an mDNS announcement, a dynamic update's reply), the owner \
             name of its first answer, as Zeek's dns.log.",
        ),
        col("qclass", U16, "Class of the question `query` names."),
        col("qtype", U16, "Type of the question `query` names."),
        col(
            "qtype_name",
            Str,
            "Type of that question as Zeek names it (`A`, `AAAA`, `PTR`, …).",
        ),
        req(
            "answers",
            StrList,
            "Answer records as Zeek's dns.log writes them (an address, a name, `TXT <len> <text>`, …).",
        ),
        req("ttls", U32List, "TTL of each answer, seconds."),
        req(
            "rejected",
            Bool,
            "Zeek's `rejected`: a response that refused the query.",
        ),
    ],
    optional: true,
};

/// `http`: one row per HTTP request/response pair.
pub const HTTP: TableDef = TableDef {
    name: "http",
    doc: "One row per HTTP/1.x request and its response, pipelined requests paired in order; Zeek http.log names and meanings.",
    columns: &[
        req(
            "ts",
            TsNs,
            "Time of the request (of the response when no request was seen).",
        ),
        req("flow_id", U64, "Flow that carried it (`flows.flow_id`)."),
        req(
            "trans_depth",
            U32,
            "Position of the pair in its connection, from 1.",
        ),
        col("method", Str, "Request method (`GET`, `POST`, …)."),
        col("host", Str, "Host header of the request."),
        col("uri", Str, "Request target as sent."),
        col("version", Str, "HTTP version (`1.1`)."),
        col("user_agent", Str, "User-Agent header of the request."),
        req(
            "request_body_len",
            U64,
            "Request body bytes (after removing chunked transfer coding).",
        ),
        req(
            "response_body_len",
            U64,
            "Response body bytes (after removing chunked transfer coding).",
        ),
        col("status_code", U16, "Final response status code."),
        col("status_msg", Str, "Final response reason phrase."),
        col(
            "info_code",
            U16,
            "Last interim (1xx) response code, e.g. 100 Continue.",
        ),
        col("info_msg", Str, "Last interim response reason phrase."),
    ],
    optional: true,
};
