//! A validated rule set: a compiled Rhai rule with its declared outcomes.

use crate::config::document::{OutcomeDoc, RuleKind, SmallBase};
use crate::expr::site::ExprSite;
use rhai::AST;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub name: String,
    pub kind: RuleKind,
    pub description: Option<String>,
    pub params: BTreeMap<String, f64>,
    pub requires: Vec<String>,
    pub outcomes: Vec<OutcomeDoc>,
    pub on_small_base: SmallBase,
    pub text: String,
    pub site: ExprSite,
    pub ast: AST,
}

impl RuleSet {
    pub fn outcome(&self, name: &str) -> Option<&OutcomeDoc> {
        self.outcomes.iter().find(|o| o.name == name)
    }
}

/// The variables every rule can read, documented in the README.
pub(crate) const RULE_SCOPE: &[&str] = &[
    "value",
    "previous",
    "change",
    "change_pct",
    "last_year",
    "change_yoy",
    "change_yoy_pct",
    "change_shown",
    "change_pct_shown",
    "change_yoy_shown",
    "change_yoy_pct_shown",
    "avg_12m",
    "max_12m",
    "min_12m",
    "target",
    "target_strict",
    "target_state",
    "higher_is_better",
    "polarity",
    "benchmarks",
    "numerator",
    "denominator",
    "unit",
    "decimals",
    "period",
    "flags",
];
