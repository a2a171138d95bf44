//! The query side: a DataFusion session over a dataset (`session`), pcapq's SQL functions
//! (`udf`), the catalog of canned questions (`catalog`, `params`), and result output.

pub mod catalog;
pub mod output;
pub mod params;
pub mod session;
pub mod text_table;
pub mod udf;
