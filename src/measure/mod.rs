//! Measures: from record-level tables to series. `tables` reads what the
//! measures need, `scan` computes every base measure in one pass per
//! source into a `result` per base measure (`lookup` joins other sources'
//! columns by key, `wanted` keeps the looked-up rows some key wants,
//! `row_periods` says which periods a row counts in, `period_filter`
//! judges filters that read the period, `accumulate` adds rows up),
//! `series` combines them into each indicator's values, `drill` finds the
//! rows behind a figure.

mod accumulate;
pub(crate) mod breakdown;
mod cohort;
pub(crate) mod domain;
pub mod drill;
pub(crate) mod having;
pub(crate) mod history;
pub(crate) mod lookup;
mod measure_error;
pub use measure_error::MeasureError;
mod period_counts;
pub(crate) mod period_filter;
pub(crate) mod result;
pub(crate) mod row_periods;
pub(crate) mod scan;
pub mod series;
mod spans;
pub mod tables;
mod wanted;
