//! pcapq: packet captures → a columnar Parquet dataset (packets, flows, captures), and
//! traffic-analysis questions answered over it with SQL.
//!
//! The pipeline has one module per stage: [`source`] (files → frames), [`dissect`]
//! (frame → header fields), [`track`] (packets → flows and TCP state), [`dataset`]
//! (Arrow batches → Parquet), driven by [`convert`].

pub mod cli;
pub mod commands;
pub mod convert;
pub mod dataset;
pub mod dissect;
pub mod error;
pub mod query;
pub mod report;
pub mod services;
pub mod source;
pub mod track;
