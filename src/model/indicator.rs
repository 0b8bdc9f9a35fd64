//! A validated indicator, ready to evaluate.

use super::measure::Measure;
use crate::config::document::{Frequency, Polarity, Unit};
use crate::diagnostic::Place;
use crate::measure::period::{FinancialYear, Month};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub title: String,
    pub section: String,
    pub owner: String,
    pub outcome: String,
    pub unit: Unit,
    pub polarity: Polarity,
    pub decimals: u8,
    pub measure: Measure,
    pub targets: BTreeMap<FinancialYear, f64>,
    pub benchmarks: BTreeMap<String, f64>,
    pub dot: Option<RuleUse>,
    pub rag: Option<RuleUse>,
    pub breakdown: Option<String>,
    pub commentary: BTreeMap<Month, String>,
    pub tests: Vec<IndicatorTest>,
    pub collected_from: Option<Month>,
    pub frequency: Frequency,
    /// The source named first in the measure, for listings.
    pub source_label: String,
    pub file: PathBuf,
    pub place: Place,
}

/// An expected-value test: fixture rows per source and the figures they give.
#[derive(Debug, Clone)]
pub struct IndicatorTest {
    pub name: String,
    pub place: Place,
    pub rows: BTreeMap<String, Vec<BTreeMap<String, serde_json::Value>>>,
    pub expect: BTreeMap<Month, crate::config::document::ExpectDoc>,
}

/// A rule set used by an indicator, with its parameter overrides applied.
#[derive(Debug, Clone)]
pub struct RuleUse {
    pub rule: String,
    pub params: BTreeMap<String, f64>,
}
