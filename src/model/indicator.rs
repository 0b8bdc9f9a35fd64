//! A validated indicator, ready to evaluate.

use super::benchmark::Figure;
use super::measure::Measure;
use crate::calendar::period::{FinancialYear, Month};
use crate::config::document::{ChangeDisplay, CompareWith, Frequency, Polarity, Unit};
use crate::diagnostic::Place;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Each indicator's place in `indicators`, by id.
pub fn positions(indicators: &[Indicator]) -> BTreeMap<&str, usize> {
    indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| (ind.id.as_str(), i))
        .collect()
}

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
    pub targets: BTreeMap<FinancialYear, Target>,
    pub benchmarks: BTreeMap<String, Figure>,
    pub dot: Option<RuleUse>,
    pub rag: Option<RuleUse>,
    /// Comparisons rated beside the DoT and RAG, in the order written.
    pub rated: Vec<Rated>,
    /// The role that reports the figure, when it is not the owner.
    pub reporter: Option<String>,
    /// The breakdowns, in the order their tables are shown.
    pub breakdowns: Vec<super::measure::Breakdown>,
    pub commentary: BTreeMap<Month, String>,
    pub tests: Vec<IndicatorTest>,
    /// Changes from a month on, in month order.
    pub versions: Vec<Version>,
    pub collected_from: Option<Month>,
    pub frequency: Frequency,
    /// What the change and direction of travel compare with.
    pub compare_with: CompareWith,
    /// A to-date value that resets each financial year or quarter and is
    /// reported more often: its 12-month statistics are not given.
    pub cumulative: bool,
    /// How the figure of a whole financial year (the outturn) is had.
    pub year_figure: YearFigure,
    /// How its changes are printed.
    pub change_display: ChangeDisplay,
    /// The source named first in the measure, for listings.
    pub source_label: String,
    /// Targets, benchmarks and percentage parameters as written, with
    /// their places, for `check` to say when one is implausible for the
    /// unit (a percentage written as a fraction).
    pub written: Vec<Written>,
    pub file: PathBuf,
    pub place: Place,
}

/// A number as written in an indicator's definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// What it is, in words: `the target for 2023-24`.
    pub what: String,
    pub value: f64,
    pub kind: WrittenKind,
    pub place: Place,
}

/// What a written number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrittenKind {
    /// A target, in the indicator's unit.
    Target,
    /// A benchmark, in the indicator's unit.
    Benchmark,
    /// A rule parameter whose name says it is a percentage (`..._pct`).
    PercentParameter,
}

/// How the figure of a whole financial year is had from its periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearFigure {
    /// The value of the year's last period stands for the year.
    AtYearEnd,
    /// The year's periods add up to it (a count or sum of a flow).
    Sum,
    /// Neither (a percentage of a monthly flow): declare a year-to-date
    /// indicator for its year's figure.
    None,
}

/// A financial year's target: a number, met at it or, when strict
/// (`< 36`), only beyond it; or a state in words (`TBC`, `Not set`).
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Value { value: f64, strict: bool },
    State(String),
}

impl Target {
    pub fn value(&self) -> Option<f64> {
        match self {
            Target::Value { value, .. } => Some(*value),
            Target::State(_) => None,
        }
    }

    pub fn strict(&self) -> bool {
        matches!(self, Target::Value { strict: true, .. })
    }

    /// The target as printed: `95%`, `<36%`, `TBC`.
    pub fn shown(&self, polarity: Polarity, unit: Unit, decimals: u8) -> String {
        match self {
            Target::Value { value, .. } => format!(
                "{}{}",
                self.comparator(polarity),
                crate::format::value(*value, unit, decimals)
            ),
            Target::State(s) => s.clone(),
        }
    }

    /// The comparator printed before a strict target: `<` when lower is
    /// better, `>` when higher is.
    pub fn comparator(&self, polarity: Polarity) -> &'static str {
        match (self.strict(), polarity) {
            (true, Polarity::LowerIsBetter) => "<",
            (true, Polarity::HigherIsBetter) => ">",
            _ => "",
        }
    }
}

/// The definition from a month on: what changed and why.
#[derive(Debug, Clone)]
pub struct Version {
    pub from: Month,
    pub why: String,
    pub measure: Option<Measure>,
    pub dot: Option<RuleUse>,
    pub rag: Option<RuleUse>,
    pub benchmarks: Option<BTreeMap<String, Figure>>,
}

impl Indicator {
    /// The benchmarks in force in `month`.
    pub fn benchmarks_at(&self, month: Month) -> &BTreeMap<String, Figure> {
        self.in_force(month, |v| v.benchmarks.as_ref())
            .unwrap_or(&self.benchmarks)
    }

    /// The latest change up to `month` that changed the part `pick` reads.
    fn in_force<T>(&self, month: Month, pick: impl Fn(&Version) -> Option<&T>) -> Option<&T> {
        self.versions
            .iter()
            .rev()
            .filter(|v| v.from <= month)
            .find_map(pick)
    }

    /// Every benchmark name the indicator has in some period.
    pub fn benchmark_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&self.benchmarks)
            .chain(self.versions.iter().filter_map(|v| v.benchmarks.as_ref()))
            .flat_map(|b| b.keys().map(String::as_str))
    }

    /// The change in force in `month`, if any.
    pub fn version_at(&self, month: Month) -> Option<&Version> {
        self.versions.iter().rev().find(|v| v.from <= month)
    }

    /// The measure in force in `month`.
    pub fn measure_at(&self, month: Month) -> &Measure {
        self.in_force(month, |v| v.measure.as_ref())
            .unwrap_or(&self.measure)
    }

    /// Every measure the indicator uses in some period.
    pub fn measures(&self) -> impl Iterator<Item = &Measure> {
        std::iter::once(&self.measure)
            .chain(self.versions.iter().filter_map(|v| v.measure.as_ref()))
    }

    /// The DoT rule (with its parameters) in force in `month`.
    pub fn dot_at(&self, month: Month) -> Option<&RuleUse> {
        self.in_force(month, |v| v.dot.as_ref())
            .or(self.dot.as_ref())
    }

    /// The RAG rule (with its parameters) in force in `month`.
    pub fn rag_at(&self, month: Month) -> Option<&RuleUse> {
        self.in_force(month, |v| v.rag.as_ref())
            .or(self.rag.as_ref())
    }
}

/// An expected-value test: fixture rows per source and the figures they give.
#[derive(Debug, Clone)]
pub struct IndicatorTest {
    pub name: String,
    pub place: Place,
    pub rows: BTreeMap<String, Vec<BTreeMap<String, serde_json::Value>>>,
    pub expect: BTreeMap<Month, crate::config::document::ExpectDoc>,
}

/// A comparison rated by its own rule set.
#[derive(Debug, Clone)]
pub struct Rated {
    pub name: String,
    pub against: Against,
    pub rule: RuleUse,
}

/// What a rated comparison compares the value with.
#[derive(Debug, Clone, PartialEq)]
pub enum Against {
    Previous,
    LastYear,
    Benchmark(String),
}

impl Against {
    /// In words: `the previous period`, `last year`, `the england benchmark`.
    pub fn describe(&self) -> String {
        match self {
            Against::Previous => "the previous period".to_string(),
            Against::LastYear => "the same period last year".to_string(),
            Against::Benchmark(b) => format!("the {} benchmark", b.replace('_', " ")),
        }
    }
}

/// A rule set used by an indicator, with its parameter overrides applied.
#[derive(Debug, Clone)]
pub struct RuleUse {
    pub rule: String,
    pub params: BTreeMap<String, f64>,
}
