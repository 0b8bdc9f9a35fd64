//! Rules over series: comparisons with earlier periods, then the DoT and
//! RAG rule sets declared in `rules/`.

pub(crate) mod comparisons;
pub(crate) mod evaluate;
