//! Why an indicator has no SQL: what in its definition only Rubric can
//! compute (it is then computed here, and `rubric sql` says why).

/// What keeps an indicator's measure out of SQL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoSql {
    /// A filter using what only Rhai computes.
    #[error("the filter `{0}` runs row by row in Rhai, with no SQL to match it")]
    Filter(String),
    /// A `having` using what only Rhai computes.
    #[error("`having: {0}` runs in Rhai, with no SQL to match it")]
    Having(String),
    /// A formula over other indicators: their queries give its inputs.
    #[error("a formula over other indicators ({}): their own queries give its inputs", .0.join(", "))]
    Formula(Vec<String>),
    /// The source is not in the project.
    #[error("source `{0}` has no file")]
    NoSource(String),
    /// An engine reading files needs Parquet.
    #[error("source `{name}` is read from {from}, not a Parquet file; `rubric snapshot --out DIR` writes it as Parquet, and `rubric sql --data DIR` reads that")]
    NotParquet { name: String, from: String },
}
