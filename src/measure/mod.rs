//! Measures: from record-level Parquet tables to series.

pub mod domain;
pub mod drill;
pub mod period;
pub mod scan;
pub mod series;
pub mod source;
