//! Integration tests: pcapq against independent tools on the shared captures, and against
//! fixtures the tests build.

mod fixture;
mod flows_vs_tools;
mod packets_vs_tshark;
mod support;
