//! Rules over series: comparisons with earlier periods, then the DoT and
//! RAG rule sets declared in `rules/`.

pub mod comparisons;
pub mod evaluate;
