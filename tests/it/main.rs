//! Integration tests: pcapq against independent tools on the public captures in tests/pcaps, and against
//! fixtures the tests build.

mod anonymize;
mod answers;
mod app_fixtures;
mod append;

mod app_vs_zeek;
mod capinfos;
mod catalog;
mod compat;
mod damage;
mod export;
mod fixture;
mod flows_vs_tools;
mod formats;
mod geo;
mod link_layers;
mod output;
mod packets_vs_tshark;
mod partitioned;
mod pcaps_manifest;
mod plots;
mod support;
mod tcp_fixtures;
mod threads;
mod uvic;
