//! Rules over series: comparisons with earlier periods, then the DoT and
//! RAG rule sets declared in `rules/`, and the benchmarks they read.

pub(crate) mod benchmark_table;
pub(crate) mod comparisons;
pub(crate) mod evaluate;
pub(crate) mod flag;
pub(crate) mod plausible;
pub mod scorecard;
