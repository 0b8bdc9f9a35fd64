//! Validated measures. Every flow or snapshot anywhere in an indicator's
//! measure becomes a `BaseMeasure`, the unit the scan computes; ratios,
//! rates and expressions combine base results per period.

use crate::config::document::WindowKind;
use crate::expr::history::previous_of;
use crate::expr::row_expr::RowExpr;
use crate::expr::site::ExprSite;
use rhai::AST;

/// The variable a `having` expression reads: the id's rows in the period.
pub const HAVING_ROWS: &str = "rows";

/// Index of a base measure in `Project::base_measures`.
pub type BaseId = usize;

#[derive(Debug, Clone)]
pub enum Measure {
    Base(BaseId),
    Ratio {
        numerator: Box<Measure>,
        denominator: Box<Measure>,
        scale: f64,
    },
    Rate {
        measure: Box<Measure>,
        population: Population,
        per: f64,
    },
    Expression(Formula),
    /// Distinct ids counted once across several distinct counts (each a
    /// base measure over its own source).
    Cohort(Vec<BaseId>),
}

/// How rows are placed in periods.
#[derive(Debug, Clone, PartialEq)]
pub enum Timing {
    /// The row counts in the period its date falls in.
    Flow { date: String },
    /// The row counts in every period it is open at the end of.
    Snapshot { start: String, end: String },
}

/// What is computed over the rows kept.
#[derive(Debug, Clone, PartialEq)]
pub enum Aggregate {
    Count,
    Distinct(String),
    Sum(String),
    Mean(String),
}

/// Columns brought to each row of a measure's source from another source,
/// matched by key, many-to-one.
#[derive(Debug, Clone)]
pub struct Lookup {
    /// The source looked up.
    pub source: String,
    /// The column of the measure's rows holding the key.
    pub key: String,
    /// The looked-up source's key column.
    pub on: String,
    pub columns: Vec<String>,
    /// Where it is defined, for errors found in the data.
    pub file: std::path::PathBuf,
    pub place: crate::diagnostic::Place,
    pub subject: String,
}

impl Lookup {
    /// Whether the two bring the same columns the same way.
    pub fn same(&self, other: &Lookup) -> bool {
        (&self.source, &self.key, &self.on, &self.columns)
            == (&other.source, &other.key, &other.on, &other.columns)
    }
}

/// Whether two lists of lookups bring the same columns the same way.
pub fn same_lookups(a: &[Lookup], b: &[Lookup]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
}

/// How a source's rows make up each entity's history: `previous(column)`
/// in a filter reads the same entity's previous row in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub entity: String,
    pub order: String,
}

/// A flow or snapshot over one source: the unit the scan computes.
#[derive(Debug, Clone)]
pub struct BaseMeasure {
    pub source: String,
    /// Columns joined to the source's rows before anything reads them.
    pub lookups: Vec<Lookup>,
    pub timing: Timing,
    pub window: Option<WindowKind>,
    pub filter: Option<RowExpr>,
    pub aggregate: Aggregate,
    /// The entity and order `previous(...)` reads by.
    pub history: Option<History>,
    /// With a distinct count: which ids count, by their rows in the period.
    pub having: Option<RowExpr>,
    /// Whether its ids are kept after the scan, for a cohort.
    pub keep_ids: bool,
    /// A text column giving why a row's value is empty.
    pub missing_reason: Option<String>,
    pub breakdown: Option<String>,
}

impl BaseMeasure {
    /// Whether the two compute the same figures: same rows, periods and
    /// aggregate (a filter is the same when its text is).
    pub fn same_work(&self, other: &BaseMeasure) -> bool {
        self.source == other.source
            && self.timing == other.timing
            && self.window == other.window
            && self.aggregate == other.aggregate
            && self.missing_reason == other.missing_reason
            && self.breakdown == other.breakdown
            && self.history == other.history
            && same_lookups(&self.lookups, &other.lookups)
            && self.filter.as_ref().map(|f| f.text.trim())
                == other.filter.as_ref().map(|f| f.text.trim())
            && self.having.as_ref().map(|f| f.text.trim())
                == other.having.as_ref().map(|f| f.text.trim())
    }

    /// Every column the scan must read for this measure.
    pub fn columns(&self) -> Vec<String> {
        let mut cols = match &self.timing {
            Timing::Flow { date } => vec![date.clone()],
            Timing::Snapshot { start, end } => vec![start.clone(), end.clone()],
        };
        if let Some(f) = &self.filter {
            cols.extend(f.columns.iter().cloned());
        }
        match &self.aggregate {
            Aggregate::Count => {}
            Aggregate::Distinct(c) | Aggregate::Sum(c) | Aggregate::Mean(c) => cols.push(c.clone()),
        }
        cols.extend(self.breakdown.iter().cloned());
        cols.extend(self.missing_reason.iter().cloned());
        cols
    }

    /// The columns read from the measure's own source: those it uses that
    /// no lookup brings, and the lookups' keys.
    pub fn source_columns(&self) -> Vec<String> {
        let brought = |c: &String| self.lookups.iter().any(|l| l.columns.contains(c));
        let mut cols: Vec<String> = Vec::new();
        for c in self.columns() {
            match previous_of(&c) {
                Some(own) => cols.push(own.to_string()),
                None if !brought(&c) => cols.push(c),
                None => {}
            }
        }
        cols.extend(self.lookups.iter().map(|l| l.key.clone()));
        if let Some(h) = &self.history {
            cols.push(h.entity.clone());
            cols.push(h.order.clone());
        }
        cols
    }

    /// The columns whose previous values the filter reads.
    pub fn previous_columns(&self) -> Vec<String> {
        let filter = self.filter.iter().flat_map(|f| &f.columns);
        filter
            .filter_map(|c| previous_of(c).map(str::to_string))
            .collect()
    }

    /// The column whose latest month decides the default reporting period.
    pub fn period_column(&self) -> &str {
        match &self.timing {
            Timing::Flow { date } => date,
            Timing::Snapshot { start, .. } => start,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Population {
    Fixed(f64),
    Table {
        source: String,
        year: String,
        column: String,
        filter: Option<Box<RowExpr>>,
    },
}

/// A formula over other indicators' values in the same period.
#[derive(Debug, Clone)]
pub struct Formula {
    pub text: String,
    pub site: ExprSite,
    pub ast: AST,
    /// The indicator ids it reads.
    pub inputs: Vec<String>,
}

impl Measure {
    /// The base measures this measure is computed from.
    pub fn base_ids(&self) -> Vec<usize> {
        match self {
            Measure::Base(i) => vec![*i],
            Measure::Ratio {
                numerator,
                denominator,
                ..
            } => [numerator.base_ids(), denominator.base_ids()].concat(),
            Measure::Rate { measure, .. } => measure.base_ids(),
            Measure::Expression(_) => Vec::new(),
            Measure::Cohort(members) => members.clone(),
        }
    }
}
