//! Validated measures. Every flow or snapshot anywhere in an indicator's
//! measure becomes a `BaseMeasure`, the unit the scan computes; ratios,
//! rates and expressions combine base results per period.

use crate::config::document::{BreakdownDoc, WindowKind};
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
    /// base measure over its own source), combined as sets.
    Cohort(Cohort),
}

/// How rows are placed in periods.
#[derive(Debug, Clone, PartialEq)]
pub enum Timing {
    /// The row counts in the period its date falls in.
    Flow { date: String },
    /// The row counts in every period it is open at the end of: opened on
    /// or before its last day and not closed by it (with `open_on_end_day`,
    /// a row ending on the period's last day is still open at its end);
    /// without an `end` column, a row stays open from its start.
    Snapshot {
        start: String,
        end: Option<String>,
        open_on_end_day: bool,
    },
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

/// One way a measure's figures are broken down, each shown as its own
/// table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    /// The name reports give it (a column's name, or `age band`).
    pub name: String,
    pub by: By,
}

/// What a row's breakdown value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    /// The row's value of a column (of the source or a lookup).
    Column(String),
    /// The row's age at the end of each period it counts in, in bands
    /// starting at the ages given (ascending, the first above 0).
    AgeBand { birth: String, bands: Vec<u32> },
}

/// Label for rows whose breakdown column is empty.
pub const UNRECORDED_GROUP: &str = "(not recorded)";

/// A row's age band when the date of birth is after the period's end.
pub const UNBORN_BAND: &str = "unborn";

impl Breakdown {
    /// The breakdown in words: `team`, or `age band (age from dob at the
    /// period's end: under 1, 1 to 4, 5 and over)`.
    pub fn describe(&self) -> String {
        match &self.by {
            By::Column(c) if *c == self.name => c.clone(),
            By::Column(c) => format!("{} (column {c})", self.name),
            By::AgeBand { birth, bands } => format!(
                "{} (age from {birth} at the period's end: {})",
                self.name,
                band_labels(bands).join(", ")
            ),
        }
    }

    /// The column the breakdown reads.
    pub fn column(&self) -> &str {
        match &self.by {
            By::Column(c) => c,
            By::AgeBand { birth, .. } => birth,
        }
    }
}

/// The label of each age band in order: `[1, 5]` gives `under 1`,
/// `1 to 4` and `5 and over`.
pub fn band_labels(bands: &[u32]) -> Vec<String> {
    let mut labels = Vec::with_capacity(bands.len() + 1);
    let mut from = 0;
    for &b in bands {
        labels.push(if from == 0 {
            format!("under {b}")
        } else if b == from + 1 {
            format!("{from}")
        } else {
            format!("{from} to {}", b - 1)
        });
        from = b;
    }
    labels.push(format!("{from} and over"));
    labels
}

/// The band of an age in whole years.
pub fn band_of(bands: &[u32], age: i64) -> usize {
    bands.iter().take_while(|&&b| age >= i64::from(b)).count()
}

/// Every value an age band breakdown can give, in order: unborn, each
/// band, not recorded.
pub fn band_values(bands: &[u32]) -> Vec<String> {
    let mut values = vec![UNBORN_BAND.to_string()];
    values.extend(band_labels(bands));
    values.push(UNRECORDED_GROUP.to_string());
    values
}

/// The place in [`band_values`] of a row born on `birth` (days since
/// 1970, `None` when not recorded) at a period ending on day `end`.
pub fn band_at(bands: &[u32], birth: Option<i32>, end: i32) -> usize {
    match birth {
        None => bands.len() + 2,
        Some(b) if b > end => 0,
        Some(b) => 1 + band_of(bands, crate::calendar::elapsed::whole_years(b, end)),
    }
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
    pub breakdowns: Vec<Breakdown>,
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
            && self.breakdowns == other.breakdowns
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
            Timing::Snapshot { start, end, .. } => {
                std::iter::once(start).chain(end).cloned().collect()
            }
        };
        if let Some(f) = &self.filter {
            cols.extend(f.columns.iter().cloned());
        }
        match &self.aggregate {
            Aggregate::Count => {}
            Aggregate::Distinct(c) | Aggregate::Sum(c) | Aggregate::Mean(c) => cols.push(c.clone()),
        }
        cols.extend(self.breakdowns.iter().map(|b| b.column().to_string()));
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
            Measure::Cohort(c) => c.members().collect(),
        }
    }
}

/// Which ids a cohort counts in each period and group: those held by any
/// of `any_of` (or, with none, by the first of `all_of`), held by every
/// one of `all_of` and by none of `none_of`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cohort {
    pub any_of: Vec<BaseId>,
    pub all_of: Vec<BaseId>,
    pub none_of: Vec<BaseId>,
}

impl Cohort {
    /// Every member, `any_of` then `all_of` then `none_of`.
    pub fn members(&self) -> impl Iterator<Item = BaseId> + '_ {
        self.any_of
            .iter()
            .chain(&self.all_of)
            .chain(&self.none_of)
            .copied()
    }

    /// Whether an id is counted, given which members hold it: held by any
    /// of `any_of` (or, with none, by the first of `all_of`), by every one
    /// of `all_of` and by none of `none_of`.
    pub fn counts(&self, holds: impl Fn(BaseId) -> bool) -> bool {
        let counted = if self.any_of.is_empty() {
            self.all_of.first().is_some_and(|&b| holds(b))
        } else {
            self.any_of.iter().any(|&b| holds(b))
        };
        counted && self.all_of.iter().all(|&b| holds(b)) && !self.none_of.iter().any(|&b| holds(b))
    }

    /// Whether it is a union only (the ids of any member).
    pub fn is_union(&self) -> bool {
        self.all_of.is_empty() && self.none_of.is_empty()
    }
}

impl Breakdown {
    /// A breakdown as the model holds it (its columns checked per measure).
    pub(crate) fn from_doc(doc: &BreakdownDoc) -> Breakdown {
        match doc {
            BreakdownDoc::Column { column, name } => Breakdown {
                name: name.clone().unwrap_or_else(|| column.clone()),
                by: By::Column(column.clone()),
            },
            BreakdownDoc::AgeBand { of, bands, name } => Breakdown {
                name: name.clone().unwrap_or_else(|| "age band".to_string()),
                by: By::AgeBand {
                    birth: of.clone(),
                    bands: bands.clone(),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_named_from_their_first_ages() {
        assert_eq!(
            band_labels(&[1, 5, 10, 16]),
            ["under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]
        );
        assert_eq!(
            band_labels(&[16, 17, 18]),
            ["under 16", "16", "17", "18 and over"]
        );
        assert_eq!(band_of(&[1, 5], 0), 0);
        assert_eq!(band_of(&[1, 5], 4), 1);
        assert_eq!(band_of(&[1, 5], 5), 2);
        assert_eq!(band_of(&[1, 5], 40), 2);
    }
}
