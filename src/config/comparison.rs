//! Rated comparisons and the benchmark table as written.

use super::number::Number;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A rated comparison: the value against another figure, rated by a rule
/// set that reads it as `previous` (and `change`, `change_pct`, ...).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatedDoc {
    /// Its name, as pages name it (letters, digits, `_`).
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// `previous` (the previous period), `last_year` (the same period
    /// last year), or a benchmark's name (`england`).
    #[schemars(with = "String")]
    pub against: Spanned<String>,
    /// The rule set that rates it (a dot or rag rule set).
    #[schemars(with = "String")]
    pub rule: Spanned<String>,
    /// Parameters overriding the rule set's defaults.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub params: BTreeMap<String, Spanned<Number>>,
}

/// Benchmarks as data: a declared source with one row per indicator,
/// benchmark and vintage. Its columns: `indicator` (an id), `benchmark`
/// (one of `names`), `vintage` (the financial year the figure is for,
/// `2021-22`), `value` (a number, or empty with a `state`), and optional
/// `rank` and `of` (7th of 152) and `state` (`TBC`, `Local`, `-`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkTableDoc {
    /// The declared source holding the table.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// The benchmarks the table holds, in the order reports print them.
    #[schemars(with = "Vec<String>")]
    pub names: Vec<Spanned<String>>,
}
