//! Measures: from record-level Parquet tables to series.

pub mod period;
