//! pcapq: packet captures → a columnar Parquet dataset (packets, flows, captures), and
//! traffic-analysis questions answered over it with SQL.
//!
//! The pipeline has one module per stage: [`source`] (files → frames), [`dissect`]
//! (frame → header fields), [`track`] (packets → flows and TCP state), [`app`] (flow
//! payload → services, names, DNS and HTTP rows), [`dataset`]
//! (Arrow batches → Parquet), driven by [`convert`].

pub mod anon;
pub mod app;
#[cfg(feature = "engine")]
pub mod cli;
#[cfg(feature = "engine")]
pub mod commands;
#[cfg(feature = "engine")]
pub mod convert;
#[cfg(feature = "engine")]
pub mod dataset;
pub mod decimal;
pub mod dissect;
#[cfg(feature = "engine")]
pub mod error;
pub mod geo;
pub mod ip_text;
#[cfg(feature = "engine")]
pub mod query;
#[cfg(feature = "engine")]
pub mod report;
pub mod server_ports;
pub mod services;
pub mod source;
pub mod track;
